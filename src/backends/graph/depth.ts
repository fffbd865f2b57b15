/** How far each node sits below the sources: where a shared layer's link would bend the ranking. */
import type { Diagram } from './model.js';

/**
 * Longest path from a source, in the diagram's (topological) node order. Not the compiler's
 * walker: an invalid spec's graph can hold cycles and names that are not nodes, and the
 * picture must still be drawn; an unknown depth counts as 0.
 */
export function depths(diagram: Diagram): Map<string, number> {
  const into = new Map<string, string[]>();
  for (const e of diagram.edges) into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
  const depth = new Map<string, number>();
  for (const n of diagram.nodes) depth.set(n.id, Math.max(-1, ...(into.get(n.id) ?? []).map((f) => depth.get(f) ?? 0)) + 1);
  return depth;
}
