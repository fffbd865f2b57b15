/** Layers that rearrange elements without computing on them: Flatten, Reshape, Permute, RepeatVector. */
import { defineLayer, ONE_INPUT, only, rankError } from './kind.js';
import { p } from './params.js';
import { formatShape, formatSize, isExactSize, knownProduct, type Dim } from './shape.js';

export const Flatten = defineLayer({
  type: 'Flatten',
  description: 'Flattens every axis but the batch axis: (batch, ...) → (batch, product of the other sizes).',
  params: {
    data_format: p.enum(['channels_last', 'channels_first'], 'Axis order of the input; channels_first moves channels last before flattening.', 'channels_last'),
  },
  arity: ONE_INPUT,
  infer(_c, inputs) {
    const rest = only(inputs).shape.slice(1);
    // Keras 3: a (batch,) input gains a feature axis of 1; any unknown size makes the product unknown.
    return { shape: [null, rest.length === 0 ? 1 : knownProduct(rest)], weights: [] };
  },
});

/** Keras `compute_reshape_output_shape` once the sizes agree: -1 takes the rest, unknown when the input size is. */
export function reshaped(size: number | null, target: readonly number[]): Dim[] {
  const known = target.reduce((n, d) => (d === -1 ? n : n * d), 1);
  return target.map((d) => (d !== -1 ? d : size === null ? null : size / known));
}

export const Reshape = defineLayer({
  type: 'Reshape',
  description: 'Reshapes the input (batch axis excluded) to target_shape; one entry may be -1, inferred from the element count.',
  params: {
    target_shape: p.any<number[]>(
      { type: 'array', items: { anyOf: [{ type: 'integer', minimum: 1 }, { const: -1 }] } },
      'Output shape without the batch axis; at most one -1, which takes the size that keeps the element count.',
    ),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const target = c.target_shape;
    const described = `${ctx.inputNames[0]} ${formatShape(x.shape)}`;
    if (target.filter((d) => d === -1).length > 1) {
      return ctx.error('NN503', `${ctx.describe} has more than one -1 in target_shape ${formatShape(target)}; only one size can be inferred`, { param: 'target_shape' });
    }
    const size = knownProduct(x.shape.slice(1));
    const known = knownProduct(target.filter((d) => d !== -1));
    for (const [count, what] of [[size, `${described} has`], [known, `target_shape ${formatShape(target)} has`]] as const) {
      if (count !== null && !isExactSize(count)) {
        return ctx.error('NN508', `${ctx.describe} cannot reshape: ${what} ${formatSize(count)} elements, beyond 2^53 - 1, which nnspec cannot count exactly`, {
          param: 'target_shape',
          hint: 'check the sizes: a dimension is probably far too large',
        });
      }
    }
    if (size === null || known === null) return { shape: [null, ...reshaped(null, target)], weights: [] };
    const free = target.indexOf(-1);
    if (free === -1 && known !== size) {
      return ctx.error('NN503', `${ctx.describe} cannot reshape ${described} of ${size} elements into target_shape ${formatShape(target)} of ${known} elements`, {
        param: 'target_shape',
        hint: 'the product of target_shape must equal the product of the input sizes; use -1 for one size to infer it',
      });
    }
    if (free !== -1 && size % known !== 0) {
      return ctx.error('NN503', `${ctx.describe} cannot reshape ${described} of ${size} elements into target_shape ${formatShape(target)}: ${size} is not a multiple of ${known}`, {
        param: 'target_shape',
      });
    }
    return { shape: [null, ...reshaped(size, target)], weights: [] };
  },
});

export const Permute = defineLayer({
  type: 'Permute',
  description: 'Permutes the non-batch axes: dims is a permutation of 1..rank-1, e.g. [2, 1] swaps the two axes of a (batch, a, b) input.',
  params: { dims: p.ints('The new order of the input axes, numbered from 1 (the batch axis is not included).') },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const rank = x.shape.length;
    const isPermutation = [...c.dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!isPermutation || c.dims.length !== rank - 1) {
      const expected = rank <= 1 ? 'an input with at least one non-batch axis' : `a permutation of ${Array.from({ length: rank - 1 }, (_, i) => i + 1).join(', ')}`;
      return ctx.error('NN503', `${ctx.describe} needs dims to be ${expected} for ${ctx.inputNames[0]} ${formatShape(x.shape)}; got dims ${JSON.stringify(c.dims)}`, {
        param: 'dims',
        hint: 'list every non-batch axis once, numbered from 1',
      });
    }
    return { shape: [null, ...c.dims.map((d) => x.shape[d]!)], weights: [] };
  },
});

export const RepeatVector = defineLayer({
  type: 'RepeatVector',
  description: 'Repeats a (batch, features) input n times: (batch, n, features).',
  params: { n: p.int('How many times to repeat the input.') },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    if (x.shape.length !== 2) return rankError(ctx, x, '2 (batch, features)');
    return { shape: [null, c.n, x.shape[1]!], weights: [] };
  },
});

export const reshapeLayers = [Flatten, Reshape, Permute, RepeatVector];
