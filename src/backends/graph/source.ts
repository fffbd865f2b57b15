/**
 * What the picture needs from the source that the compiled graph does not carry: which
 * diagnostics sit inside which node's entry (for red marks and tooltips), the `type:` or
 * `shares:` a broken entry was given, and the outputs as written (including undefined names).
 * Reads the places of the spec's parsed document; it never looks at shapes.
 */
import type { Graph } from '../../compiler/graph.js';
import type { LocatedDiagnostic } from '../../diagnostics/diagnostic.js';
import { LineIndex } from '../../diagnostics/lines.js';
import { outputNames } from '../../compiler/check.js';
import type { SpecDocument } from '../../spec/document.js';
import type { Spec } from '../../spec/types.js';

export interface SourceFacts {
  /** Diagnostics located inside a node's entry, by node name, in source order. */
  problems: Map<string, LocatedDiagnostic[]>;
  /** Diagnostics about no single node (outputs, training, the file itself). */
  general: LocatedDiagnostic[];
  /** `type:` and `shares:` as written, for entries the compiler could not turn into a layer. */
  declared: Map<string, { type?: string; shares?: string }>;
  /** `outputs:` as written. */
  outputs: string[];
}

export function sourceFacts(graph: Graph, doc: SpecDocument | undefined, text: string, diagnostics: readonly LocatedDiagnostic[]): SourceFacts {
  const lines = new LineIndex(text);
  const ranges: { name: string; start: Position; end: Position }[] = [];
  for (const node of graph.order) {
    const place = doc?.places.get(node.ptr);
    if (!place) continue;
    ranges.push({ name: node.name, start: lines.position(place.key?.start ?? place.value.start), end: lines.position(place.value.end) });
  }
  // Entries do not overlap: sorted by start, the owner is the last entry starting at or before a diagnostic.
  ranges.sort((a, b) => (before(a.start, b.start) ? -1 : before(b.start, a.start) ? 1 : 0));
  const problems = new Map<string, LocatedDiagnostic[]>();
  const general: LocatedDiagnostic[] = [];
  for (const d of diagnostics) {
    const at = { line: d.line, column: d.column };
    let [lo, hi] = [0, ranges.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (before(at, ranges[mid]!.start)) hi = mid - 1;
      else lo = mid;
    }
    const owner = ranges[lo];
    if (owner && !before(at, owner.start) && before(at, owner.end)) {
      const list = problems.get(owner.name);
      if (list) list.push(d);
      else problems.set(owner.name, [d]);
    } else general.push(d);
  }
  const declared = new Map<string, { type?: string; shares?: string }>();
  const spec = doc?.value as Spec | undefined;
  const layers = (spec?.layers ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, entry] of Object.entries(layers)) {
    if (!entry || typeof entry !== 'object') continue;
    const fact: { type?: string; shares?: string } = {};
    if (typeof entry.type === 'string') fact.type = entry.type;
    if (typeof entry.shares === 'string') fact.shares = entry.shares;
    declared.set(name, fact);
  }
  return { problems, general, declared, outputs: spec ? outputNames(spec) : [...graph.outputs] };
}

interface Position {
  line: number;
  column: number;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}
