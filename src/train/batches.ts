/** The samples a run reads, batch by batch (data/batches.ts makes them from a checked data set). */
import type { Batch } from './engine.js';
import type { Rng } from './random.js';

export interface Batches {
  samples: number;
  /** Inputs and targets of the given samples, in model input / output order (no targets for predict). */
  batch(indices: ArrayLike<number>): Batch;
  /** The same, reading in the background; the loops start the next batch's read before stepping on this one. */
  read?(indices: ArrayLike<number>): Promise<Batch>;
}

/**
 * The block shuffle (`--shuffle-block B`), for data where random reads are slow (a cold disk, a
 * network file system): the indices are cut into blocks of B consecutive samples, the blocks are
 * put in a seeded random order and the samples inside each block are shuffled, so every sample is
 * still seen once an epoch, but a batch of b samples reads from at most ceil(b / B) + 1 runs of
 * consecutive rows. Not Keras's shuffle: samples of one block stay together within the epoch (as
 * with tf.data's shuffle buffer over a file read in order). B at least the sample count is the
 * exact shuffle.
 */
export function blockShuffle(order: Int32Array, block: number, rng: Rng): Int32Array {
  const blocks = Math.ceil(order.length / block);
  const which = rng.shuffle(Int32Array.from({ length: blocks }, (_, i) => i));
  const source = Int32Array.from(order);
  let at = 0;
  for (const b of which) {
    const part = source.subarray(b * block, Math.min(source.length, (b + 1) * block));
    order.set(part, at);
    rng.shuffle(order.subarray(at, at + part.length));
    at += part.length;
  }
  return order;
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
