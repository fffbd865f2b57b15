/** Hover: a layer's type, inferred shape, parameters and connections; an argument's meaning and default. */
import type { Hover } from 'vscode-languageserver';
import { layerKind } from '../layers/registry.js';
import { COMMON_PARAMS, type ParamMap } from '../layers/params.js';
import { nameRefs, nodeNamed, placeAt, pointerParts, contains, type Analysis } from './analysis.js';
import { describeNode, describeParam } from './describe.js';
import type { Positions } from './positions.js';
import type { BlockInstance } from '../compiler/expand.js';
import { formatShape } from '../layers/shape.js';
import { blockUses } from './inlay.js';

/** A block use: its block, parameters, instances, output shape and parameter count. */
function describeUse(a: Analysis, instances: BlockInstance[]): string {
  const graph = a.result.graph!;
  const first = instances[0]!;
  const out = graph.nodes.get(instances.at(-1)!.outputs[0] ?? '')?.output;
  const params = instances.flatMap((i) => i.layers).reduce((n, l) => {
    const node = graph.nodes.get(l);
    return n + (node?.layer && node.layer.nodes[0] === node ? node.layer.params : 0);
  }, 0);
  const args = Object.entries(first.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return [
    `**${first.use}** — block \`${first.block}\`(${args})${first.from ? ` from \`${first.from}\`` : ''}${first.trainable ? '' : ', frozen'}`,
    '',
    `${instances.length > 1 ? `${instances.length} instances: ${instances.map((i) => `\`${i.name}\``).join(', ')}; ` : ''}${first.layers.length} layers each`,
    '',
    `Output: \`${out ? formatShape(out.shape) : '?'}\` · ${params.toLocaleString('en-US')} params`,
  ].join('\n');
}

export function hover(a: Analysis, pos: Positions, offset: number): Hover | null {
  const doc = a.result.doc;
  if (!doc) return null;
  const ref = nameRefs(doc).find((r) => contains(r.span, offset));
  const uses = a.result.graph ? blockUses(a.result.graph) : undefined;
  if (ref) {
    const node = nodeNamed(a, ref.name);
    const use = uses?.get(ref.name);
    if (!node && use) return { contents: { kind: 'markdown', value: describeUse(a, use) }, range: pos.range(ref.span) };
    return node ? { contents: { kind: 'markdown', value: describeNode(a, node) }, range: pos.range(ref.span) } : null;
  }
  const at = placeAt(doc, offset);
  if (!at) return null;
  const parts = pointerParts(at.ptr);
  if (parts[0] === 'layers' && parts.length === 3 && at.onKey) {
    const entry = (doc.value as { layers?: Record<string, Record<string, unknown>> }).layers?.[parts[1]!];
    const type = typeof entry?.type === 'string' ? entry.type : undefined;
    const kind = type ? layerKind(type) : undefined;
    const param = kind && (({ ...kind.params, ...COMMON_PARAMS }) as ParamMap)[parts[2]!];
    if (kind && param) return { contents: { kind: 'markdown', value: describeParam(kind.type, parts[2]!, param) }, range: pos.range(at.place.key!) };
  }
  if (parts[0] === 'layers' && parts.length === 3 && parts[2] === 'type' && !at.onKey) {
    const kind = layerKind(String((doc.value as { layers: Record<string, { type?: unknown }> }).layers[parts[1]!]?.type));
    if (kind) return { contents: { kind: 'markdown', value: `**${kind.type}**  \n${kind.description}` }, range: pos.range(at.place.value) };
  }
  if (parts[0] === 'layers' && parts.length >= 2 && uses?.has(parts[1]!)) return { contents: { kind: 'markdown', value: describeUse(a, uses.get(parts[1]!)!) } };
  if ((parts[0] === 'layers' || parts[0] === 'inputs') && parts.length >= 2) {
    const node = nodeNamed(a, parts[1]!);
    if (node) return { contents: { kind: 'markdown', value: describeNode(a, node) } };
  }
  return null;
}
