/** Hover: a layer's type, inferred shape, parameters and connections; an argument's meaning and default. */
import type { Hover } from 'vscode-languageserver';
import { layerKind } from '../layers/registry.js';
import { COMMON_PARAMS, type ParamMap } from '../layers/params.js';
import { nameRefs, nodeNamed, placeAt, pointerParts, contains, type Analysis } from './analysis.js';
import { describeNode, describeParam } from './describe.js';
import type { Positions } from './positions.js';

export function hover(a: Analysis, pos: Positions, offset: number): Hover | null {
  const doc = a.result.doc;
  if (!doc) return null;
  const ref = nameRefs(doc).find((r) => contains(r.span, offset));
  if (ref) {
    const node = nodeNamed(a, ref.name);
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
  if ((parts[0] === 'layers' || parts[0] === 'inputs') && parts.length >= 2) {
    const node = nodeNamed(a, parts[1]!);
    if (node) return { contents: { kind: 'markdown', value: describeNode(a, node) } };
  }
  return null;
}
