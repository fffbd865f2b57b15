/** Inlay hints: each node's inferred output shape (and parameter count) at the end of its declaring line. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { formatShape } from '../layers/shape.js';
import type { Analysis } from './analysis.js';
import type { Positions } from './positions.js';

export function inlayHints(a: Analysis, pos: Positions, range: Range): InlayHint[] {
  const doc = a.result.doc;
  const graph = a.result.graph;
  if (!doc || !graph) return [];
  const hints: InlayHint[] = [];
  for (const node of graph.order) {
    if (!node.output) continue;
    const place = doc.places.get(node.ptr);
    if (!place?.key) continue;
    const line = pos.position(place.key.start).line;
    if (line < range.start.line || line > range.end.line) continue;
    const params = node.layer && node.callIndex === 0 && node.layer.params > 0 ? ` · ${node.layer.params.toLocaleString('en-US')} params` : '';
    hints.push({ position: pos.lineEnd(line), label: `→ ${formatShape(node.output.shape)}${params}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints;
}
