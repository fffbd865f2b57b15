/** The samples a run reads, batch by batch (data/batches.ts makes them from a checked data set). */
import type { Batch } from './engine.js';

export interface Batches {
  samples: number;
  /** Inputs and targets of the given samples, in model input / output order (no targets for predict). */
  batch(indices: ArrayLike<number>): Batch;
}

/** Indices [from, to). */
export function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}
