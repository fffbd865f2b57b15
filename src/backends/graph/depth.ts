/** How far each node sits below the sources: where a shared layer's link would bend the ranking. */
import type { Diagram } from './model.js';

/**
 * Longest path from a source, in the diagram's (topological) node order. Not the compiler's
 * walker: an invalid spec's graph can hold cycles and names that are not nodes, and the
 * picture must still be drawn; an unknown depth counts as 0.
 */
export function depths(diagram: Diagram): Map<string, number> {
  const into = new Map<string, string[]>();
  for (const e of diagram.edges) {
    const list = into.get(e.to);
    if (list) list.push(e.from);
    else into.set(e.to, [e.from]);
  }
  const depth = new Map<string, number>();
  for (const n of diagram.nodes) {
    let d = 0;
    for (const from of into.get(n.id) ?? []) d = Math.max(d, (depth.get(from) ?? 0) + 1);
    depth.set(n.id, d);
  }
  return depth;
}
