/**
 * `predict --data FILE` for a model with one input: the file (.npy or .json) is that input's
 * array, either several samples or one sample without the batch axis (as a user holds a single
 * example), which becomes a batch of one.
 */
import { extname } from 'node:path';
import { problemOf, type DataSet } from './dataset.js';
import { openArrayFile } from './read.js';
import type { ArraySource, HostValues } from './source.js';

export const SINGLE_INPUT_EXTENSIONS = ['.npy', '.json'];

export function isSingleInputFile(path: string): boolean {
  return SINGLE_INPUT_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The data set holding `file` as input `name`; `sample` is the input's per-sample shape. */
export function singleInputSet(path: string, label: string, name: string, sample: readonly (number | null)[]): DataSet {
  const set: DataSet = { source: label, entries: new Map(), extra: [], problems: [] };
  try {
    const array = openArrayFile(path, label);
    set.entries.set(name, { file: label, array: array.shape.length === sample.length ? oneSample(array) : array });
  } catch (e) {
    set.problems.push(problemOf(e));
    set.unreadable = true;
  }
  return set;
}

/** The array as one sample: shape [1, ...shape], its whole content one row. */
function oneSample(source: ArraySource): ArraySource {
  const count = source.shape.length === 0 ? 1 : source.shape[0]!;
  const rowSize = source.shape.reduce((a, b) => a * b, 1);
  const all = Array.from({ length: count }, (_, i) => i);
  const whole = (out: HostValues) => new (out.constructor as new (n: number) => HostValues)(rowSize);
  return {
    file: source.file,
    dtype: source.dtype,
    shape: [1, ...source.shape],
    rowSize,
    access: source.access,
    rows: () => source.rows(0, count),
    gather(indices, out) {
      const tmp = whole(out);
      source.gather(all, tmp);
      for (let k = 0; k < indices.length; k++) out.set(tmp, k * rowSize);
    },
    async gatherAsync(indices, out) {
      const tmp = whole(out);
      await source.gatherAsync(all, tmp);
      for (let k = 0; k < indices.length; k++) out.set(tmp, k * rowSize);
    },
    close: () => source.close(),
  };
}
