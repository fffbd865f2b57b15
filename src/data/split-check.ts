/**
 * Warnings about a validation split that cannot measure what it should (issue 11): Keras's
 * validation_split takes the last fraction of the samples before any shuffle, so labels saved in
 * sorted order give a validation set of the last class(es) only, and a split that holds one class
 * of a classifier's several says nothing about the others. One streamed pass over each classifier
 * output's targets (class ids, one-hot rows by their largest entry, a sigmoid unit's 0/1 by 0.5).
 */
import type { OutputPlan } from '../train/objective.js';
import type { DataProblem, DataSet } from './dataset.js';
import { forEachChunk } from './source.js';

type LabelOf = (data: ArrayLike<number>, row: number) => number;

/** How a classifier output's target row gives its class, or undefined for an output that is not one. */
function labelReader(output: OutputPlan, rowSize: number): LabelOf | undefined {
  const loss = output.loss as string;
  if (loss === 'sparse_categorical_crossentropy') return rowSize === 1 ? (d, r) => Math.round(Number(d[r])) : undefined;
  if (loss === 'categorical_crossentropy' || loss === 'categorical_focal_crossentropy') {
    if (rowSize < 2) return undefined;
    return (d, r) => {
      let best = 0;
      for (let k = 1; k < rowSize; k++) if (Number(d[r * rowSize + k]) > Number(d[r * rowSize + best])) best = k;
      return best;
    };
  }
  if ((loss === 'binary_crossentropy' || loss === 'binary_focal_crossentropy') && rowSize === 1) return (d, r) => (Number(d[r]) > 0.5 ? 1 : 0);
  return undefined;
}

const list = (classes: Set<number>) => [...classes].sort((a, b) => a - b).join(', ');

/** The split's warnings: samples [0, splitAt) train, [splitAt, samples) validate. */
export function validationSplitProblems(outputs: OutputPlan[], set: DataSet, splitAt: number, samples: number, fraction: number): DataProblem[] {
  const problems: DataProblem[] = [];
  if (splitAt <= 0 || splitAt >= samples) return problems;
  for (const output of outputs) {
    const entry = set.entries.get(output.name);
    if (!entry || entry.array.shape[0] !== samples) continue;
    const labelOf = labelReader(output, entry.array.rowSize);
    if (!labelOf) continue;
    const train = new Set<number>();
    const validation = new Set<number>();
    let previous: number | undefined;
    let rising = true;
    let falling = true;
    forEachChunk(entry.array, (chunk, start) => {
      const first = start / entry.array.rowSize;
      const rows = chunk.length / entry.array.rowSize;
      for (let r = 0; r < rows; r++) {
        const label = labelOf(chunk, r);
        (first + r < splitAt ? train : validation).add(label);
        if (previous !== undefined) {
          if (label < previous) rising = false;
          if (label > previous) falling = false;
        }
        previous = label;
      }
    });
    const all = new Set([...train, ...validation]);
    if (all.size < 2) continue;
    const pct = `${+(fraction * 100).toFixed(2)}%`;
    const hint = 'shuffle the samples (inputs and targets alike) before saving them, since Keras\'s validation_split does not shuffle either, or give --validation-data DIR';
    const against = { role: 'output' as const, name: output.name };
    const missing = [...train].filter((c) => !validation.has(c));
    if (rising || falling) {
      problems.push({
        code: 'NN832',
        severity: 'warning',
        file: entry.file,
        against,
        message: `the labels of output '${output.name}' are sorted (class ${rising ? Math.min(...all) : Math.max(...all)} first): validation_split takes the last ${pct} of the samples before shuffling, so validation holds class${validation.size === 1 ? '' : 'es'} ${list(validation)} only${missing.length ? ` and never class${missing.length === 1 ? '' : 'es'} ${list(new Set(missing))}` : ''}`,
        hint,
      });
    } else if (validation.size === 1 && train.size >= 2) {
      problems.push({
        code: 'NN832',
        severity: 'warning',
        file: entry.file,
        against,
        message: `the validation split of output '${output.name}' (the last ${samples - splitAt} samples) holds only class ${list(validation)}, while the training part holds ${train.size} classes: its accuracy says nothing of the others`,
        hint,
      });
    }
  }
  return problems;
}
