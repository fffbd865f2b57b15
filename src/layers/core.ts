/** Dense, Activation, Dropout and the other one-input layers that keep or extend the last axis. */
import { defineLayer, ONE_INPUT, only, rankError, type InferContext } from './kind.js';
import { kernelParams, p } from './params.js';
import { formatShape, type TensorSpec } from './shape.js';
import { ACTIVATIONS } from './vocabulary.js';

/** The last axis must be known for a layer that creates weights over it. */
export function knownLastDim(input: TensorSpec, ctx: InferContext): number | undefined {
  const last = input.shape[input.shape.length - 1];
  if (last === null || last === undefined) {
    return ctx.error('NN506', `${ctx.describe} needs the last dimension of its input to be known; got ${ctx.inputNames[0]} with shape ${formatShape(input.shape)}`, {
      hint: 'give the input a fixed size on its last axis',
    });
  }
  return last;
}


export const Dense = defineLayer({
  type: 'Dense',
  description: 'Densely connected layer: activation(dot(input, kernel) + bias), applied on the last axis.',
  params: {
    units: p.int('Dimensionality of the output space.'),
    activation: p.activation(),
    ...kernelParams,
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    if (x.shape.length < 2) return rankError(ctx, x, '>= 2');
    const last = knownLastDim(x, ctx);
    if (last === undefined) return undefined;
    const weights = [{ name: 'kernel', shape: [last, c.units], trainable: true }];
    if (c.use_bias) weights.push({ name: 'bias', shape: [c.units], trainable: true });
    return { shape: [...x.shape.slice(0, -1), c.units], weights };
  },
});

export const Activation = defineLayer({
  type: 'Activation',
  description: 'Applies an activation function to its input.',
  params: { activation: p.enum(ACTIVATIONS, 'The activation function (Keras name).') },
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

export const Dropout = defineLayer({
  type: 'Dropout',
  description: 'Randomly sets input units to 0 with frequency `rate` during training.',
  params: {
    rate: p.number('Fraction of the input units to drop.', undefined, { minimum: 0, exclusiveMaximum: 1 }),
    noise_shape: p.any<(number | null)[] | null>({ type: ['array', 'null'], items: { type: ['integer', 'null'], minimum: 1 } }, 'Shape of the binary dropout mask.', null),
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
  },
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

export const SpatialDropout1D = defineLayer({
  type: 'SpatialDropout1D',
  description: 'Dropout that drops entire 1D feature maps (channels) of a (batch, steps, channels) input.',
  params: {
    rate: p.number('Fraction of the channels to drop.', undefined, { minimum: 0, exclusiveMaximum: 1 }),
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
  },
  arity: ONE_INPUT,
  infer(_c, inputs, ctx) {
    const x = only(inputs);
    if (x.shape.length !== 3) return rankError(ctx, x, '3 (batch, steps, channels)');
    return { shape: x.shape, weights: [] };
  },
});

export const GaussianNoise = defineLayer({
  type: 'GaussianNoise',
  description: 'Adds zero-centered Gaussian noise during training.',
  params: {
    stddev: p.number('Standard deviation of the noise.', undefined, { minimum: 0 }),
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
  },
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

export const Masking = defineLayer({
  type: 'Masking',
  description: 'Masks timesteps whose features all equal `mask_value`.',
  params: { mask_value: p.number('The value that marks a padded timestep.', 0) },
  arity: ONE_INPUT,
  masks: () => true,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

export const Embedding = defineLayer({
  type: 'Embedding',
  description: 'Turns integer ids in [0, input_dim) into dense vectors of size output_dim.',
  params: {
    input_dim: p.int('Size of the vocabulary: the largest id + 1.'),
    output_dim: p.int('Dimension of the dense embedding.'),
    embeddings_initializer: p.initializer('random_uniform', 'Initializer for the embeddings matrix.'),
    embeddings_regularizer: p.regularizer('Regularizer applied to the embeddings matrix.'),
    activity_regularizer: p.regularizer('Regularizer applied to the output of the layer.'),
    embeddings_constraint: p.constraint('Constraint applied to the embeddings matrix.'),
    mask_zero: p.bool('Whether id 0 is a padding value to be masked out.', false),
  },
  arity: ONE_INPUT,
  keras: { keras2Extra: { input_length: null } },
  data: { ids: { below: 'input_dim' } },
  masks: (c) => c.mask_zero,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    if (c.output_dim > c.input_dim) {
      ctx.warning('NN503', `${ctx.describe} maps ${c.input_dim} ids to vectors of ${c.output_dim} dimensions; output_dim larger than input_dim usually means the two are swapped`, {
        param: 'input_dim',
        hint: `Keras takes Embedding(input_dim, output_dim): input_dim is the vocabulary size; did you mean input_dim: ${c.output_dim}, output_dim: ${c.input_dim}?`,
      });
    }
    if (x.dtype !== 'int32') {
      ctx.warning('NN507', `${ctx.describe} is fed ${ctx.inputNames[0]} of dtype ${x.dtype}; embeddings look up integer ids`, { hint: 'declare the input with `dtype: int32`' });
    }
    return { shape: [...x.shape, c.output_dim], dtype: 'float32', weights: [{ name: 'embeddings', shape: [c.input_dim, c.output_dim], trainable: true }] };
  },
});

export const coreLayers = [Dense, Activation, Dropout, SpatialDropout1D, GaussianNoise, Masking, Embedding];
