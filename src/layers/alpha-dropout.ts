/**
 * AlphaDropout (Keras 3, for SELU networks): in training each dropped unit is set to SELU's
 * negative saturation −alpha·scale, then a·x + b restores the mean and variance; the identity in
 * inference.
 */
import { defineLayer, ONE_INPUT, only } from './kind.js';
import { p } from './params.js';

export const AlphaDropout = defineLayer({
  type: 'AlphaDropout',
  description: 'Dropout that keeps the mean and variance of SELU activations: dropped units take SELU\'s negative saturation value, then an affine correction.',
  params: {
    rate: p.number('Fraction of the input units to drop.', undefined, { minimum: 0, exclusiveMaximum: 1 }),
    noise_shape: p.any<(number | null)[] | null>({ type: ['array', 'null'], items: { type: ['integer', 'null'], minimum: 1 } }, 'Shape of the binary dropout mask (null: the input\'s size on that axis).', null),
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
  },
  arity: ONE_INPUT,
  infer: (_c, inputs) => ({ shape: only(inputs).shape, weights: [] }),
});

/** SELU's constants and Keras's affine correction for a rate: dropped units are alphaP, then y = a·x + b. */
export function alphaDropoutConstants(rate: number): { alphaP: number; a: number; b: number } {
  const alpha = 1.6732632423543772848170429916717;
  const scale = 1.0507009873554804934193349852946;
  const alphaP = -alpha * scale;
  const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
  return { alphaP, a, b: -a * alphaP * rate };
}

export const alphaDropoutLayers = [AlphaDropout];
