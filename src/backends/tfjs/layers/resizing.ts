/** TensorFlow.js emitters for ZeroPadding2D, Cropping2D and UpSampling2D. */
import { Cropping2D, sides, UpSampling2D, ZeroPadding2D } from '../../../layers/resizing.js';
import { tuple, type Dim } from '../../../layers/shape.js';
import type { TfLayer } from '../env.js';
import { bilinearUpSamplingClass } from './bilinear-upsampling.js';
import { emitter, tfFormat, type TfjsFamily } from './emitter.js';

/**
 * tfjs's Cropping2D computes `null - crop` for an unknown size (a negative size downstream);
 * Keras keeps it unknown. Only the instance's shape rule is corrected: its class and config stay tfjs's.
 */
function keepUnknownSizes(layer: TfLayer, dataFormat: 'channelsFirst' | 'channelsLast'): TfLayer {
  const computed = layer.computeOutputShape.bind(layer);
  const spatial = dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  layer.computeOutputShape = (inputShape) => {
    const out = computed(inputShape) as Dim[];
    const given = inputShape as Dim[];
    return out.map((d, i) => (spatial.includes(i) && given[i] === null ? null : d));
  };
  return layer;
}

export const resizing: TfjsFamily = {
  classes: bilinearUpSamplingClass,
  emitters: [
    emitter(ZeroPadding2D, (c, { tf, name }) => tf.layers.zeroPadding2d({ name, padding: sides(c.padding), dataFormat: tfFormat(c.data_format) })),
    emitter(Cropping2D, (c, { tf, name }) =>
      keepUnknownSizes(tf.layers.cropping2D({ name, cropping: sides(c.cropping), dataFormat: tfFormat(c.data_format) }), tfFormat(c.data_format)),
    ),
    emitter(UpSampling2D, (c, { tf, name }) => {
      // tfjs reads size[0] and size[1], so an int must become a pair.
      const args = { name, size: tuple(c.size, 2), dataFormat: tfFormat(c.data_format), interpolation: c.interpolation };
      return c.interpolation === 'bilinear' ? new (bilinearUpSamplingClass(tf))(args) : tf.layers.upSampling2d(args);
    }),
  ],
};
