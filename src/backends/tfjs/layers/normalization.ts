/** TensorFlow.js emitters for BatchNormalization and LayerNormalization. */
import { BatchNormalization, LayerNormalization } from '../../../layers/normalization.js';
import { constraint, defined, initializer, regularizer } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';
import { normalizationClasses } from './normalization-classes.js';

/**
 * A frozen BatchNormalization runs in inference mode, as Keras's does (`trainable = False` since
 * TF 2.0): its moving statistics normalize and stay as they are. tfjs's layer uses batch
 * statistics and moves its averages whenever it is called with `training: true`, so the frozen
 * layer's call is told it is not training. The class stays tfjs's own, so it saves and loads as
 * a plain BatchNormalization.
 */
function frozenInInference<L extends { call: (inputs: never, kwargs: Record<string, unknown>) => unknown }>(frozen: boolean, layer: L): L {
  if (!frozen) return layer;
  const call = layer.call.bind(layer);
  layer.call = ((inputs: never, kwargs: Record<string, unknown>) => call(inputs, { ...kwargs, training: false })) as L['call'];
  return layer;
}

export const normalization: TfjsFamily = {
  classes: normalizationClasses,
  emitters: [
    emitter(BatchNormalization, (c, { tf, name }) =>
      frozenInInference((c as { trainable?: boolean }).trainable === false, new (normalizationClasses(tf).BatchNormalization)(
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
      )),
    ),
    emitter(LayerNormalization, (c, { tf, name }) =>
      new (normalizationClasses(tf).LayerNormalization)(
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
