/** Identity (Keras 3): its input, unchanged, and its mask; a placeholder in a graph. */
import { defineLayer, ONE_INPUT, only } from './kind.js';

export const Identity = defineLayer({
  type: 'Identity',
  description: 'Passes its input (and its mask) through unchanged.',
  params: {},
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, dtype: only(inputs).dtype, weights: [] }),
});

export const identityLayers = [Identity];
