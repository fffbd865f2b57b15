/** Dense, Activation, Dropout, SpatialDropout1D, GaussianNoise, Masking, Embedding. */
import type { OnnxGraph, Value } from '../graph.js';
import { activate } from './activations.js';
import { addBias, dropWith, f, uniformLike } from './common.js';
import type { Flow, LayerEmitter } from './emitter.js';

const keep = (input: Flow, value: Value): Flow[] => [{ value, ...(input.mask ? { mask: input.mask } : {}) }];

/** activation(x · kernel + bias) on the last axis (MatMul broadcasts over the leading axes). */
const Dense: LayerEmitter = (c, [x], { g, weight }) => {
  let y = g.op1('MatMul', [x!.value, weight('kernel')]);
  if (c.use_bias) y = addBias(g, y, weight('bias'));
  return keep(x!, activate(g, y, c.activation as string | null));
};

const Activation: LayerEmitter = (c, [x], { g }) => keep(x!, activate(g, x!.value, c.activation as string));

/**
 * A value shaped like Keras's noise shape: size 1 where noise_shape says 1 (the mask is shared
 * along that axis), the input's size elsewhere (None). Sliced from x so no batch size is baked in.
 */
function noiseLike(g: OnnxGraph, x: Value, noiseShape: readonly (number | null)[] | null): Value {
  if (!noiseShape) return x;
  const axes = noiseShape.flatMap((d, i) => (d === 1 && x.shape[i] !== 1 ? [i] : []));
  if (axes.length === 0) return x;
  return g.op1('Slice', [x, g.ints(axes.map(() => 0)), g.ints(axes.map(() => 1)), g.ints(axes)]);
}

/** Inverted dropout in training (Keras: keep with probability 1 - rate, scale by 1 / (1 - rate)); identity in inference. */
const Dropout: LayerEmitter = (c, [x], ctx) => {
  const rate = c.rate as number;
  if (!ctx.training || rate === 0) return [x!];
  const { g } = ctx;
  const noise = uniformLike(g, noiseLike(g, x!.value, c.noise_shape as (number | null)[] | null), ctx.seed());
  return keep(x!, dropWith(g, x!.value, noise, rate));
};

/** Dropout of whole channels: one draw per (sample, channel), shared over the steps. */
const SpatialDropout1D: LayerEmitter = (c, [x], ctx) => {
  const rate = c.rate as number;
  if (!ctx.training || rate === 0) return [x!];
  const { g } = ctx;
  const noise = uniformLike(g, noiseLike(g, x!.value, [null, 1, null]), ctx.seed());
  return keep(x!, dropWith(g, x!.value, noise, rate));
};

const GaussianNoise: LayerEmitter = (c, [x], ctx) => {
  if (!ctx.training || c.stddev === 0) return [x!];
  const { g } = ctx;
  const noise = g.op1('RandomNormalLike', [x!.value], { mean: f(0), scale: f(c.stddev as number), seed: f(ctx.seed()), dtype: 1 });
  return keep(x!, g.op1('Add', [x!.value, noise]));
};

/** A step is masked when all its features equal mask_value; masked steps are zeroed, and the mask goes on. */
const Masking: LayerEmitter = (c, [x], { g }) => {
  const v = x!.value;
  const differs = g.op1('ReduceMax', [g.op1('Abs', [g.op1('Sub', [v, g.scalar(c.mask_value as number)])]), g.ints([-1])], { keepdims: 1 });
  const kept = g.op1('Greater', [differs, g.scalar(0)]);
  const value = g.op1('Mul', [v, g.op1('Cast', [kept], { to: 1 })]);
  return [{ value, mask: g.op1('Squeeze', [kept, g.ints([-1])]) }];
};

/** Row lookup; ids may come as int32 or int64 (floats are truncated, as tfjs casts them). mask_zero: id 0 is padding. */
const Embedding: LayerEmitter = (c, [x], { g, weight }) => {
  let ids = x!.value;
  if (ids.dtype === 'float32' || ids.dtype === 'bool') ids = g.op1('Cast', [ids], { to: 7 });
  const value = g.op1('Gather', [weight('embeddings'), ids], { axis: 0 });
  if (!c.mask_zero) return [{ value }];
  const zero = ids.dtype === 'int32' ? g.constant(Int32Array.of(0), []) : g.constant(BigInt64Array.of(0n), []);
  return [{ value, mask: g.op1('Not', [g.op1('Equal', [ids, zero])]) }];
};

export const coreEmitters: Record<string, LayerEmitter> = { Dense, Activation, Dropout, SpatialDropout1D, GaussianNoise, Masking, Embedding };
