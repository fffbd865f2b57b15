/**
 * Giving `null` (any-length) input dimensions a concrete length, for data that must have one:
 * the spec is compiled again with each null replaced, so shapes come from nnspec's own compiler.
 */
import { compile } from '../compiler/compile.js';
import type { Graph } from '../compiler/graph.js';
import { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { parseSpec } from '../spec/parse.js';

/** The upper end of the search; a spec that needs more is unusual enough to ask for --length. */
export const MAX_SEARCH_LENGTH = 4096;

export function hasUnknownLength(graph: Graph): boolean {
  return graph.inputs.some((n) => n.output!.shape.slice(1).includes(null));
}

/** The spec compiled with every null input dimension set to `length`; undefined if it does not compile. */
export function graphAtLength(source: string | Uint8Array, length: number): Graph | undefined {
  const { doc } = parseSpec(source, '<spec>', new DiagnosticSink());
  if (!doc) return undefined;
  const spec = structuredClone(doc.value) as { inputs: Record<string, { shape: (number | null)[] }> };
  for (const input of Object.values(spec.inputs)) input.shape = input.shape.map((d) => d ?? length);
  const result = compile(JSON.stringify(spec), '<spec>');
  return result.ok ? result.graph : undefined;
}

/** The smallest length at which the spec compiles (conv and pooling stacks need a minimum), or undefined. */
export function minimalLength(source: string | Uint8Array): number | undefined {
  if (graphAtLength(source, MAX_SEARCH_LENGTH) === undefined) return undefined;
  let lo = 1;
  let hi = MAX_SEARCH_LENGTH;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (graphAtLength(source, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
