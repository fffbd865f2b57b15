/** Reading and checking `--data` (and `--validation-data`) for a compiled spec; problems go to stderr. */
import { resolve } from 'node:path';
import type { Graph } from '../compiler/graph.js';
import { checkData, type CheckedData } from '../data/check.js';
import { readDataSet, type DataProblem, type DataSet } from '../data/dataset.js';
import type { OutputPlan } from '../train/objective.js';
import type { Io } from './io.js';

export interface LoadedData {
  set: DataSet;
  checked: CheckedData;
}

export function renderProblems(problems: DataProblem[]): string {
  return problems.map((p) => `${p.file}: error: ${p.message}\n${p.hint ? `  hint: ${p.hint}\n` : ''}`).join('');
}

/**
 * Reads and checks a data set; undefined after printing every problem. With `withTargets` false
 * (predict), only the inputs are required.
 */
export function loadData(graph: Graph, outputs: OutputPlan[], path: string, io: Io, opts: { withTargets?: boolean; action?: string } = {}): LoadedData | undefined {
  const withTargets = opts.withTargets ?? true;
  const wanted = withTargets ? outputs : [];
  const names = [...graph.inputs.map((n) => n.name), ...wanted.map((o) => o.name)];
  const set = readDataSet(resolve(io.cwd, path), path.replace(/\/+$/, ''), names);
  const stem = (f: string) => /([^/\\:]+?)(\.[^.]*)?$/.exec(f)?.[1];
  if (!withTargets) set.extra = set.extra.filter((f) => !outputs.some((o) => stem(f) === o.name));
  const checked = checkData(graph, wanted, set);
  if (checked.problems.length > 0) {
    io.stderr.write(renderProblems(checked.problems));
    io.stderr.write(`${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} with the data in ${set.source}; ${opts.action ?? 'nothing was trained'}\n`);
    return undefined;
  }
  return { set, checked };
}
