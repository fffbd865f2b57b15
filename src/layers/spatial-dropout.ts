/**
 * SpatialDropout2D and SpatialDropout3D (Keras 3): dropout of whole feature maps, one draw per
 * sample and channel shared over the spatial axes (Keras: Dropout with noise_shape
 * (batch, 1, 1, channels), or (batch, channels, 1, 1) for channels_first).
 */
import { defineLayer, ONE_INPUT, only, rankError } from './kind.js';
import { p } from './params.js';

const spatialDropout = (rank: 2 | 3) =>
  defineLayer({
    type: `SpatialDropout${rank}D`,
    description: `Dropout that drops entire ${rank}D feature maps (channels) during training.`,
    params: {
      rate: p.number('Fraction of the channels to drop.', undefined, { minimum: 0, exclusiveMaximum: 1 }),
      data_format: p.enum(['channels_last', 'channels_first'] as const, 'Where the channels are: last (batch, ..., channels) or first (batch, channels, ...).', 'channels_last'),
      seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed.', null),
    },
    arity: ONE_INPUT,
    infer(_c, inputs, ctx) {
      const x = only(inputs);
      if (x.shape.length !== rank + 2) return rankError(ctx, x, `${rank + 2} (batch, ${rank === 2 ? 'rows, cols' : 'dim1, dim2, dim3'}, channels)`);
      return { shape: x.shape, weights: [] };
    },
  });

export const SpatialDropout2D = spatialDropout(2);
export const SpatialDropout3D = spatialDropout(3);

/** The noise shape Keras gives Dropout: 1 on the spatial axes, the input's size (null) on batch and channels. */
export function spatialNoiseShape(rank: number, dataFormat: string): (number | null)[] {
  return Array.from({ length: rank }, (_, i) => (i === 0 || i === (dataFormat === 'channels_first' ? 1 : rank - 1) ? null : 1));
}

export const spatialDropoutLayers = [SpatialDropout2D, SpatialDropout3D];
