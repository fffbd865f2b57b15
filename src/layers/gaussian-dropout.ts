/** GaussianDropout (Keras 3): in training, x · N(1, rate / (1 − rate)) noise (multiplicative, mean 1); the identity in inference. */
import { defineLayer, ONE_INPUT, only } from './kind.js';
import { p } from './params.js';

export const GaussianDropout = defineLayer({
  type: 'GaussianDropout',
  description: 'Multiplies its input by Gaussian noise of mean 1 and variance rate / (1 - rate) during training.',
  params: {
    rate: p.number('Drop probability, as Dropout\'s: the noise has variance rate / (1 - rate).', undefined, { minimum: 0, exclusiveMaximum: 1 }),
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
  },
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

export const gaussianDropoutLayers = [GaussianDropout];
