/** Inlay hints: each node's inferred output shape (and parameter count) at the end of its declaring line. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { formatShape } from '../layers/shape.js';
import type { Graph } from '../compiler/graph.js';
import type { BlockInstance } from '../compiler/expand.js';
import type { Analysis } from './analysis.js';

/** The top-level block uses (format 2) and their instances, in order. */
export function blockUses(graph: Graph): Map<string, BlockInstance[]> {
  const uses = new Map<string, BlockInstance[]>();
  for (const i of graph.instances ?? []) if (i.parent === undefined) uses.set(i.use, [...(uses.get(i.use) ?? []), i]);
  return uses;
}
import type { Positions } from './positions.js';

export function inlayHints(a: Analysis, pos: Positions, range: Range): InlayHint[] {
  const doc = a.result.doc;
  const graph = a.result.graph;
  if (!doc || !graph) return [];
  const hints: InlayHint[] = [];
  // A block's lines are shared by its instances: the shape goes on the use's line, not on them.
  const expanded = new Set((graph.instances ?? []).flatMap((i) => i.layers));
  for (const [use, instances] of blockUses(graph)) {
    const place = doc.places.get(`/layers/${use.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    const last = graph.nodes.get(instances.at(-1)!.outputs[0] ?? '');
    if (!place?.key || !last?.output) continue;
    const line = pos.position(place.key.start).line;
    if (line < range.start.line || line > range.end.line) continue;
    const params = instances.flatMap((i) => i.layers).reduce((n, l) => {
      const node = graph.nodes.get(l);
      return n + (node?.layer && node.layer.nodes[0] === node ? node.layer.params : 0);
    }, 0);
    const times = instances.length > 1 ? ` · ×${instances.length}` : '';
    hints.push({ position: pos.lineEnd(line), label: `→ ${formatShape(last.output.shape)} · ${params.toLocaleString('en-US')} params${times}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  for (const node of graph.order) {
    if (!node.output || expanded.has(node.name)) continue;
    const place = doc.places.get(node.ptr);
    if (!place?.key) continue;
    const line = pos.position(place.key.start).line;
    if (line < range.start.line || line > range.end.line) continue;
    const params = node.layer && node.callIndex === 0 && node.layer.params > 0 ? ` · ${node.layer.params.toLocaleString('en-US')} params` : '';
    hints.push({ position: pos.lineEnd(line), label: `→ ${formatShape(node.output.shape)}${params}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints.sort((x, y) => x.position.line - y.position.line);
}
