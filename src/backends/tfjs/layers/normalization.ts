/** TensorFlow.js emitters for BatchNormalization and LayerNormalization. */
import { BatchNormalization, LayerNormalization } from '../../../layers/normalization.js';
import { constraint, defined, initializer, regularizer } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';

export const normalization: TfjsFamily = {
  emitters: [
    emitter(BatchNormalization, (c, { tf, name }) =>
      tf.layers.batchNormalization(
        defined({
          name,
          axis: c.axis,
          momentum: c.momentum,
          epsilon: c.epsilon,
          center: c.center,
          scale: c.scale,
          betaInitializer: initializer(c.beta_initializer),
          gammaInitializer: initializer(c.gamma_initializer),
          movingMeanInitializer: initializer(c.moving_mean_initializer),
          movingVarianceInitializer: initializer(c.moving_variance_initializer),
          betaRegularizer: regularizer(c.beta_regularizer),
          gammaRegularizer: regularizer(c.gamma_regularizer),
          betaConstraint: constraint(c.beta_constraint),
          gammaConstraint: constraint(c.gamma_constraint),
        }) as never,
      ),
    ),
    emitter(LayerNormalization, (c, { tf, name }) =>
      tf.layers.layerNormalization(
        defined({
          name,
          // tfjs normalizes negative axes in its argument in place, so it gets a copy.
          axis: typeof c.axis === 'number' ? c.axis : [...c.axis],
          epsilon: c.epsilon,
          center: c.center,
          scale: c.scale,
          betaInitializer: initializer(c.beta_initializer),
          gammaInitializer: initializer(c.gamma_initializer),
          betaRegularizer: regularizer(c.beta_regularizer),
          gammaRegularizer: regularizer(c.gamma_regularizer),
        }) as never,
      ),
    ),
  ],
};
