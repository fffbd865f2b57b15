/** TensorFlow.js emitters for Dense, Activation, Dropout, SpatialDropout1D, GaussianNoise, Masking, Embedding. */
import { Activation, Dense, Dropout, Embedding, GaussianNoise, Masking, SpatialDropout1D } from '../../../layers/core.js';
import { activation, constraint, defined, initializer, kernelArgs, regularizer } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';

export const core: TfjsFamily = {
  emitters: [
    emitter(Dense, (c, { tf, name }) => tf.layers.dense(defined({ name, units: c.units, activation: activation(c.activation), ...kernelArgs(c) }) as never)),
    emitter(Activation, (c, { tf, name }) => tf.layers.activation({ name, activation: activation(c.activation) as never })),
    emitter(Dropout, (c, { tf, name }) => tf.layers.dropout(defined({ name, rate: c.rate, seed: c.seed ?? undefined }) as never)),
    emitter(SpatialDropout1D, (c, { tf, name }) => tf.layers.spatialDropout1d(defined({ name, rate: c.rate, seed: c.seed ?? undefined }) as never)),
    emitter(GaussianNoise, (c, { tf, name }) => tf.layers.gaussianNoise({ name, stddev: c.stddev })),
    emitter(Masking, (c, { tf, name }) => tf.layers.masking({ name, maskValue: c.mask_value })),
    emitter(Embedding, (c, { tf, name }) =>
      tf.layers.embedding(
        defined({
          name,
          inputDim: c.input_dim,
          outputDim: c.output_dim,
          embeddingsInitializer: initializer(c.embeddings_initializer),
          embeddingsRegularizer: regularizer(c.embeddings_regularizer),
          embeddingsConstraint: constraint(c.embeddings_constraint),
          maskZero: c.mask_zero,
        }) as never,
      ),
    ),
  ],
};
