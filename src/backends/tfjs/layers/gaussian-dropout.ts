/** GaussianDropout for TensorFlow.js: its own layer, which draws N(1, sqrt(rate / (1 - rate))) as Keras's. */
import { GaussianDropout } from '../../../layers/gaussian-dropout.js';
import { emitter, type TfjsFamily } from './emitter.js';

export const gaussianDropout: TfjsFamily = {
  emitters: [emitter(GaussianDropout, (c, { tf, name }) => tf.layers.gaussianDropout({ name, rate: c.rate }))],
};
