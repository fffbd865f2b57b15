/**
 * Keras 3's feature preprocessing layers: Normalization, Rescaling, CategoryEncoding,
 * Discretization. No trainable weights; Normalization without `mean`/`variance` owns Keras's
 * non-trainable mean, variance and count, adapted from the training data before the first epoch
 * (src/train/adapt.ts). The engines read the helpers below, so each formula lives here once.
 */
import { defineLayer, ONE_INPUT, only, rankError, type InferContext } from './kind.js';
import { optional, p } from './params.js';
import { formatShape, normalizeAxis, type Dim, type TensorSpec } from './shape.js';

/** Keras's `backend.epsilon()`: Normalization divides by max(sqrt(variance), this). */
export const NORMALIZATION_EPSILON = 1e-7;

type Stat = number | number[];
const stat = (what: string) =>
  optional(p.any<Stat>({ anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 1 }] }, `${what}: a number or one per index of the last kept axis; give mean and variance together, or neither to adapt them from the training data.`));

/** The kept axes of Normalization (sorted, non-negative) on an input of `rank`, or the axis that is wrong. */
export function keptAxes(axis: number | number[] | null, rank: number): { axes: number[] } | { bad: number } {
  const given = axis === null ? [] : typeof axis === 'number' ? [axis] : axis;
  const axes: number[] = [];
  for (const a of given) {
    const n = normalizeAxis(a, rank);
    if (n === undefined) return { bad: a };
    if (!axes.includes(n)) axes.push(n);
  }
  return { axes: axes.sort((a, b) => a - b) };
}

/** The statistics' broadcast shape on an input shape: kept axes keep their size, the others 1. */
export function statShape(inputShape: readonly Dim[], axes: readonly number[]): number[] {
  return inputShape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
}

/**
 * Keras's broadcast of a given mean or variance onto the kept axes (aligned from the last kept
 * axis): the values in the broadcast shape, row-major.
 */
export function broadcastStat(value: Stat, inputShape: readonly Dim[], axes: readonly number[]): Float32Array {
  const shape = statShape(inputShape, axes);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = typeof value === 'number' ? [value] : value;
  const last = axes.length ? (inputShape[axes[axes.length - 1]!] as number) : 1;
  const inner = axes.length ? shape.slice(axes[axes.length - 1]! + 1).reduce((a, b) => a * b, 1) : 1;
  return Float32Array.from({ length: n }, (_, i) => (values.length === 1 ? values[0]! : values[Math.floor(i / inner) % last]!));
}

export const Normalization = defineLayer({
  type: 'Normalization',
  description: 'Standardizes features: (x - mean) / sqrt(variance), with mean and variance given or adapted from the training data before the first epoch (invert: the reverse).',
  params: {
    axis: p.any<number | number[] | null>(
      { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }, { type: 'null' }] },
      'The axis or axes that keep a separate mean and variance per index (-1: per feature); null: one mean and variance over everything.',
      -1,
    ),
    mean: stat('The mean'),
    variance: stat('The variance'),
    invert: p.bool('Apply the inverse: turn normalized values back into the original scale.', false),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const input = `${ctx.inputNames[0]} ${formatShape(x.shape)}`;
    const kept = keptAxes(c.axis, x.shape.length);
    if ('bad' in kept) {
      return ctx.error('NN503', `${ctx.describe} cannot keep axis ${kept.bad} of ${input}: it is out of range for rank ${x.shape.length}`, {
        param: 'axis',
        hint: `use an axis from 1 to ${x.shape.length - 1}, -1 for the last, or null for one mean and variance`,
      });
    }
    for (const a of kept.axes) {
      if (x.shape[a] === null) {
        return ctx.error('NN506', `${ctx.describe} keeps a mean and variance per index of axis ${a}, so that axis must have a known size; got ${input}`, { param: 'axis', hint: 'give the input a fixed size on that axis' });
      }
    }
    if ((c.mean === null) !== (c.variance === null)) {
      const [given, missing] = c.mean === null ? ['variance', 'mean'] : ['mean', 'variance'];
      return ctx.error('NN503', `${ctx.describe} is given ${given} but not ${missing}; Keras takes both or neither`, {
        param: given,
        hint: `add ${missing}, or remove ${given} to adapt both from the training data`,
      });
    }
    if (c.mean !== null && c.variance !== null) {
      const len = (v: Stat) => (typeof v === 'number' ? 1 : v.length);
      if (len(c.mean) !== len(c.variance)) {
        return ctx.error('NN503', `${ctx.describe} has ${len(c.mean)} mean values but ${len(c.variance)} variance values; they must have the same shape`, { param: 'variance' });
      }
      const last = kept.axes.length ? (x.shape[kept.axes[kept.axes.length - 1]!] as number) : 1;
      if (typeof c.mean !== 'number' && c.mean.length !== 1 && c.mean.length !== last) {
        const where = kept.axes.length ? `axis ${kept.axes[kept.axes.length - 1]} of ${input}, which has ${last}` : `one value, since axis is null`;
        return ctx.error('NN503', `${ctx.describe} has ${c.mean.length} mean and variance values, which do not broadcast to ${where}`, {
          param: 'mean',
          hint: `give one value or ${last}`,
        });
      }
      const negative = (typeof c.variance === 'number' ? [c.variance] : c.variance).findIndex((v) => v < 0);
      if (negative !== -1) return ctx.error('NN503', `${ctx.describe} has a negative variance (${JSON.stringify(c.variance)})`, { param: 'variance' });
      return { shape: x.shape, dtype: 'float32', weights: [] };
    }
    const dims = kept.axes.map((a) => x.shape[a] as number);
    // Keras's adapted state: mean, variance, and count (samples seen; Keras 2 kept it, Keras 3 still creates it).
    return {
      shape: x.shape,
      dtype: 'float32',
      weights: [
        { name: 'mean', shape: dims, trainable: false },
        { name: 'variance', shape: dims, trainable: false },
        { name: 'count', shape: [], trainable: false },
      ],
    };
  },
});

const scaleArg = (what: string, def?: number) =>
  p.any<number | number[]>({ anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 1 }] }, `${what}: a number, or one per channel (last axis).`, def);

/** A Rescaling scale or offset as the values broadcast along the last axis. */
export function perChannel(value: number | number[]): number[] {
  return typeof value === 'number' ? [value] : value;
}

export const Rescaling = defineLayer({
  type: 'Rescaling',
  description: 'Multiplies the input by `scale` and adds `offset` (1/255 maps [0, 255] pixels to [0, 1]), in training and inference.',
  params: {
    scale: scaleArg('The factor'),
    offset: scaleArg('Added after scaling', 0),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const channels = x.shape[x.shape.length - 1];
    for (const name of ['scale', 'offset'] as const) {
      const n = perChannel(c[name]).length;
      if (n > 1 && (x.shape.length < 2 || (channels !== null && channels !== n))) {
        return ctx.error('NN503', `${ctx.describe} has ${n} ${name} values but its input ${ctx.inputNames[0]} ${formatShape(x.shape)} has ${channels ?? 'an unknown number of'} channels on its last axis`, {
          param: name,
          hint: `give one ${name} or one per channel`,
        });
      }
    }
    return { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

/** How CategoryEncoding and Discretization turn ids into vectors (Keras's encode_categorical_inputs). */
export type Encoding = 'one_hot' | 'multi_hot' | 'count';

/** The output shape of an encoding of ids of `shape` into `depth` slots, or undefined for a rank Keras does not encode. */
export function encodedShape(shape: readonly Dim[], mode: Encoding, depth: number): Dim[] | undefined {
  if (shape.length > 2) return undefined;
  if (mode === 'one_hot') return shape.length === 2 && shape[1] !== 1 ? [...shape, depth] : [shape[0]!, depth];
  return [shape[0]!, depth];
}

function encode(ctx: InferContext, x: TensorSpec, mode: Encoding, depth: number) {
  const shape = encodedShape(x.shape, mode, depth);
  if (!shape) return rankError(ctx, x, `1 (batch,) or 2 (batch, ids) for output_mode ${mode}`);
  return { shape, dtype: 'float32' as const, weights: [] };
}

export const CategoryEncoding = defineLayer({
  type: 'CategoryEncoding',
  description: 'Encodes integer ids in [0, num_tokens) as one-hot vectors, or each sample (a row of ids) as a multi-hot or count vector.',
  params: {
    num_tokens: p.int('How many ids there are: every id is in [0, num_tokens).'),
    output_mode: p.enum(['one_hot', 'multi_hot', 'count'], "'one_hot' (one vector per id), 'multi_hot' (1 for each id present in the row) or 'count' (how often each id appears in the row).", 'multi_hot'),
    sparse: p.any<false>({ const: false }, 'Sparse output (Keras on TensorFlow only); nnspec computes dense tensors.', false),
  },
  arity: ONE_INPUT,
  data: { ids: { below: 'num_tokens' } },
  infer(c, inputs, ctx) {
    return encode(ctx, only(inputs), c.output_mode, c.num_tokens);
  },
});

export const Discretization = defineLayer({
  type: 'Discretization',
  description: 'Puts each value into a bin by `bin_boundaries` ([0, 1] gives bins (-inf, 0), [0, 1), [1, inf)): the bin index, or its one-hot, multi-hot or count encoding.',
  params: {
    bin_boundaries: optional(p.any<number[]>({ type: 'array', items: { type: 'number' } }, 'Increasing bin edges; the first and last bins extend to -inf and inf.')),
    num_bins: optional(p.int('Bins to adapt from the data by quantiles (Keras adapt); nnspec needs bin_boundaries instead.', undefined, 0)),
    epsilon: p.number('Error tolerance of the quantiles when adapting (unused with bin_boundaries).', 0.01, { minimum: 0 }),
    output_mode: p.enum(['int', 'one_hot', 'multi_hot', 'count'], "'int' (the bin index) or an encoding of it as CategoryEncoding's.", 'int'),
    sparse: p.any<false>({ const: false }, 'Sparse output (Keras on TensorFlow only); nnspec computes dense tensors.', false),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    if (c.num_bins !== null && c.bin_boundaries !== null) {
      return ctx.error('NN209', `${ctx.describe} is given both num_bins and bin_boundaries; Keras takes one of them`, { param: 'num_bins', hint: 'remove num_bins' });
    }
    if (c.bin_boundaries === null) {
      return ctx.error('NN503', `${ctx.describe} needs bin_boundaries: nnspec does not adapt Discretization's bins from the data (Keras's num_bins with adapt)`, {
        param: c.num_bins === null ? undefined : 'num_bins',
        hint: 'compute the quantiles once (numpy.quantile) and give them as bin_boundaries: [...]',
      } as { param?: string; hint: string });
    }
    const b = c.bin_boundaries;
    for (let i = 1; i < b.length; i++) {
      if (!(b[i]! >= b[i - 1]!)) {
        return ctx.error('NN503', `${ctx.describe} has bin_boundaries that do not increase: ${b[i - 1]} is followed by ${b[i]}`, { param: 'bin_boundaries', hint: 'sort the boundaries' });
      }
    }
    if (c.output_mode === 'int') return { shape: x.shape, dtype: 'int32', weights: [] };
    return encode(ctx, x, c.output_mode, b.length + 1);
  },
});

/** Keras's digitize: how many boundaries are at or below v (the bin of v). */
export function binOf(v: number, boundaries: readonly number[]): number {
  let k = 0;
  while (k < boundaries.length && v >= boundaries[k]!) k++;
  return k;
}

export const preprocessingLayers = [Normalization, Rescaling, CategoryEncoding, Discretization];
