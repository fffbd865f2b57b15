/** SpatialDropout2D/3D for TensorFlow.js: its Dropout with Keras's noise shape (tfjs has SpatialDropout1D only). */
import { SpatialDropout2D, SpatialDropout3D, spatialNoiseShape } from '../../../layers/spatial-dropout.js';
import { defined } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';

export const spatialDropout: TfjsFamily = {
  emitters: [
    emitter(SpatialDropout2D, (c, { tf, name }) => tf.layers.dropout(defined({ name, rate: c.rate, noiseShape: spatialNoiseShape(4, c.data_format), seed: c.seed ?? undefined }) as never)),
    emitter(SpatialDropout3D, (c, { tf, name }) => tf.layers.dropout(defined({ name, rate: c.rate, noiseShape: spatialNoiseShape(5, c.data_format), seed: c.seed ?? undefined }) as never)),
  ],
};
