/** The samples a run reads, batch by batch (data/batches.ts makes them from a checked data set). */
import type { Batch } from './engine.js';

export interface Batches {
  samples: number;
  /** Inputs and targets of the given samples, in model input / output order (no targets for predict). */
  batch(indices: ArrayLike<number>): Batch;
  /** The same, reading in the background; the loops start the next batch's read before stepping on this one. */
  read?(indices: ArrayLike<number>): Promise<Batch>;
}

/** Indices [from, to). */
export function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/**
 * Batches of `indices` in slices of `size`, each read while the one before is used: `next()`
 * gives slice k and starts slice k + 1's read.
 */
export function prefetching(batches: Batches, indices: ArrayLike<number> & { subarray?: (a: number, b: number) => ArrayLike<number> }, size: number, first = 0): { next(): Promise<Batch> } {
  const count = Math.ceil(indices.length / size);
  const slice = (b: number) => (indices as Int32Array).subarray(b * size, Math.min(indices.length, (b + 1) * size));
  const load = (b: number): Promise<Batch> => (batches.read ? batches.read(slice(b)) : Promise.resolve(batches.batch(slice(b))));
  let b = first;
  let pending: Promise<Batch> | undefined = b < count ? load(b) : undefined;
  // A read that fails before it is awaited must not be an unhandled rejection.
  pending?.catch(() => {});
  return {
    next() {
      const current = pending ?? load(b);
      b++;
      pending = b < count ? load(b) : undefined;
      pending?.catch(() => {});
      return current;
    },
  };
}
