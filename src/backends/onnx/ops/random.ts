/** Random tensors shaped like an input (dropout masks, Gaussian noise); `seed` attribute fixes the stream. */
import { defineOp, type OpRule } from './rule.js';

const like = (type: string): OpRule => defineOp({ type, infer: (inputs) => [{ shape: inputs[0]!.shape, dtype: 'float32' as const }] });

/** Uniform in [low, high). */
export const RandomUniformLike = like('RandomUniformLike');
/** Normal with `mean` and `scale`. */
export const RandomNormalLike = like('RandomNormalLike');

export const randomOps: OpRule[] = [RandomUniformLike, RandomNormalLike];
