/** Reading and checking `--data` (and `--validation-data`) for a compiled spec; problems go to the reporter. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Graph } from '../compiler/graph.js';
import { checkData, isError, type CheckedData } from '../data/check.js';
import { closeDataSet, readDataSet, type DataProblem, type DataSet } from '../data/dataset.js';
import { DATA_HINTS } from '../data/hints.js';
import { sampleWeightOutput } from '../data/sample-weights.js';
import { isSingleInputFile, singleInputSet } from '../data/single-input.js';
import { isTableFile, readTableSet, type ColumnMap } from '../data/table.js';
import type { LocatedLabel, PrintedDiagnostic } from '../diagnostics/diagnostic.js';
import { linesOf, locateLabel } from '../diagnostics/locate.js';
import { keySpan, pointer, type SpecDocument } from '../spec/document.js';
import type { OutputPlan } from '../train/objective.js';
import { reporterOf, type Io } from './io.js';
import { specDocumentOf } from './spec-file.js';

export interface LoadedData {
  set: DataSet;
  checked: CheckedData;
}

/**
 * A data problem as a diagnostic: the data file and its place (line:column in a .csv or .json,
 * byte offset and header field in an .npy, entry of an .npz, sample index), and, when the spec
 * is at hand, a label on the input or output declaration the file is checked against.
 */
export function dataDiagnostic(p: DataProblem, doc?: SpecDocument): PrintedDiagnostic {
  const at = p.at ?? {};
  const d: PrintedDiagnostic = {
    code: p.code,
    severity: p.severity ?? 'error',
    message: p.message,
    file: p.file,
    line: at.line ?? null,
    column: at.line !== undefined ? (at.column ?? 1) : null,
    end_line: at.line ?? null,
    end_column: at.line !== undefined ? (at.endColumn ?? (at.column ?? 1) + 1) : null,
  };
  if (at.offset !== undefined) d.offset = at.offset;
  if (at.place !== undefined) d.place = at.place;
  const hint = p.hint ?? DATA_HINTS[p.code];
  if (hint !== undefined) d.hint = hint;
  const label = p.against && doc ? declaration(doc, p.against) : undefined;
  if (label) d.labels = [label];
  return d;
}

/** Where the spec declares an input (`inputs: x:`) or the layer an output names. */
function declaration(doc: SpecDocument, against: NonNullable<DataProblem['against']>): LocatedLabel | undefined {
  const ptr = pointer([against.role === 'input' ? 'inputs' : 'layers', against.name]);
  if (!doc.places.has(ptr)) return undefined;
  return locateLabel(linesOf(doc.file, doc.text), keySpan(doc, ptr), `${against.role} '${against.name}' is declared here`);
}

/**
 * Reads and checks a data set; undefined after reporting every problem. With `withTargets` false
 * (predict), only the inputs are required.
 */
export async function loadData(graph: Graph, outputs: OutputPlan[], path: string, io: Io, opts: { withTargets?: boolean; action?: string; hash?: boolean; columns?: ColumnMap } = {}): Promise<LoadedData | undefined> {
  const withTargets = opts.withTargets ?? true;
  const wanted = withTargets ? outputs : [];
  const names = [...graph.inputs.map((n) => n.name), ...wanted.map((o) => o.name)];
  const source = resolve(io.cwd, path);
  const label = path.replace(/\/+$/, '');
  let set: DataSet;
  if (isTableFile(source) && statSync(source, { throwIfNoEntry: false })?.isFile()) {
    // One file of named columns (a .csv with a header row, Parquet, Arrow): say what was read.
    const shapes = new Map<string, readonly (number | null)[]>([...graph.inputs.map((n) => [n.name, n.output!.shape.slice(1)] as const), ...wanted.map((o) => [o.name, o.shape] as const)]);
    const table = await readTableSet(source, label, names, opts.columns ?? new Map(), shapes);
    if (table.note) io.stderr.write(`data: ${table.note}\n`);
    set = table.set;
  } else if (!withTargets && graph.inputs.length === 1 && isSingleInputFile(source) && statSync(source, { throwIfNoEntry: false })?.isFile()) {
    // predict on one file: the only input's array (several samples, or one without the batch axis).
    const input = graph.inputs[0]!;
    set = singleInputSet(source, label, input.name, input.output!.shape.slice(1));
  } else {
    set = readDataSet(source, label, names);
  }
  // The array's name: a file's base name without its extension, or an .npz entry's name after the
  // ':' ('X.npz:answer' is 'answer'; the extension must not reach across the ':').
  const stem = (f: string) => /([^/\\:]+?)(\.[^./\\:]*)?$/.exec(f)?.[1];
  if (!withTargets) set.extra = set.extra.filter((f) => !outputs.some((o) => stem(f) === o.name));
  // <output>.sample_weight.npy is read by commands/sample-weights.ts, not a stray file.
  set.extra = set.extra.filter((f) => sampleWeightOutput(f.replace(/^.*[/\\:]/, '')) === undefined);
  const checked = checkData(graph, wanted, set, { hash: opts.hash ?? false });
  if (checked.problems.length > 0) {
    const reporter = reporterOf(io);
    const doc = specDocumentOf(graph);
    for (const p of checked.problems) reporter.report(dataDiagnostic(p, doc), p.at?.lineText === undefined ? undefined : { lineText: (n) => (n === p.at!.line ? p.at!.lineText : undefined) });
    const errors = checked.problems.filter(isError).length;
    // Stray files are warnings (Keras never sees them): the run goes on.
    if (errors > 0) {
      reporter.note(`nnspec: ${errors} problem${errors === 1 ? '' : 's'} with the data in ${set.source}; ${opts.action ?? 'nothing was trained'}`);
      closeDataSet(set);
      return undefined;
    }
  }
  return { set, checked };
}
