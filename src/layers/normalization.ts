/** BatchNormalization and LayerNormalization: per-feature scale and offset over chosen axes. */
import { defineLayer, featureAxis, ONE_INPUT, only, type InferContext, type WeightSpec } from './kind.js';
import { p } from './params.js';
import { formatShape, type TensorSpec } from './shape.js';

/**
 * The sizes of the normalized axes, which the weights span; reports an axis out of range, the
 * batch axis, a repeated axis, or an unknown size.
 */
function axisSizes(axes: readonly number[], x: TensorSpec, ctx: InferContext): number[] | undefined {
  const input = `${ctx.inputNames[0]} ${formatShape(x.shape)}`;
  const seen = new Set<number>();
  const sizes: number[] = [];
  for (const axis of axes) {
    const a = featureAxis(axis, x, ctx, 'normalize', { hint: true });
    if (a === undefined) return undefined;
    if (seen.has(a)) return ctx.error('NN503', `${ctx.describe} lists axis ${a} twice in axis ${JSON.stringify(axes)} for ${input}`, { param: 'axis' });
    seen.add(a);
    const size = x.shape[a];
    if (size === null || size === undefined) {
      return ctx.error('NN506', `${ctx.describe} needs axis ${axis} of its input to be known, since its weights span it; got ${input}`, {
        hint: 'give the input a fixed size on that axis',
      });
    }
    sizes.push(size);
  }
  return sizes;
}

/** The arguments of gamma and beta, shared by the normalization layers that have them. */
export const gammaBetaParams = {
  center: p.bool('Whether to add the learned offset beta.', true),
  scale: p.bool('Whether to multiply by the learned scale gamma.', true),
  beta_initializer: p.initializer('zeros', 'Initializer for beta.'),
  gamma_initializer: p.initializer('ones', 'Initializer for gamma.'),
  beta_regularizer: p.regularizer('Regularizer applied to beta.'),
  gamma_regularizer: p.regularizer('Regularizer applied to gamma.'),
};

/** gamma then beta, as Keras creates them; each only when enabled. */
export function gammaBeta(c: { center: boolean; scale: boolean }, shape: number[]): WeightSpec[] {
  const weights: WeightSpec[] = [];
  if (c.scale) weights.push({ name: 'gamma', shape, trainable: true });
  if (c.center) weights.push({ name: 'beta', shape, trainable: true });
  return weights;
}

export const BatchNormalization = defineLayer({
  type: 'BatchNormalization',
  description: 'Normalizes each feature with batch statistics in training and moving averages in inference, then scales by gamma and shifts by beta.',
  params: {
    axis: p.int('The feature axis to normalize (negative counts from the end; the batch axis is 0).', -1, Number.MIN_SAFE_INTEGER),
    momentum: p.number('Momentum of the moving mean and variance.', 0.99, { minimum: 0, maximum: 1 }),
    epsilon: p.number('Small number added to the variance to avoid dividing by zero.', 0.001, { exclusiveMinimum: 0 }),
    ...gammaBetaParams,
    moving_mean_initializer: p.initializer('zeros', 'Initializer for the moving mean.'),
    moving_variance_initializer: p.initializer('ones', 'Initializer for the moving variance.'),
    beta_constraint: p.constraint('Constraint applied to beta.'),
    gamma_constraint: p.constraint('Constraint applied to gamma.'),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const sizes = axisSizes([c.axis], x, ctx);
    if (!sizes) return undefined;
    // The moving statistics are state, not learned: Keras and tfjs keep them non-trainable, after gamma and beta.
    const weights = [...gammaBeta(c, sizes), { name: 'moving_mean', shape: sizes, trainable: false }, { name: 'moving_variance', shape: sizes, trainable: false }];
    return { shape: x.shape, weights };
  },
});

export const LayerNormalization = defineLayer({
  type: 'LayerNormalization',
  // Keras 3's rms_scaling, beta_constraint and gamma_constraint are left out: tfjs LayerNormalization has none of them.
  description: 'Normalizes each sample over the given axes (mean 0, variance 1), then scales by gamma and shifts by beta.',
  params: {
    axis: p.axes('The axis or axes to normalize over (negative counts from the end; the batch axis is 0). gamma and beta span these axes.',
      -1,
    ),
    epsilon: p.number('Small number added to the variance to avoid dividing by zero.', 0.001, { exclusiveMinimum: 0 }),
    ...gammaBetaParams,
  },
  arity: ONE_INPUT,
  keras: { keras2Extra: { beta_constraint: null, gamma_constraint: null } },
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const sizes = axisSizes(typeof c.axis === 'number' ? [c.axis] : c.axis, x, ctx);
    if (!sizes) return undefined;
    return { shape: x.shape, weights: gammaBeta(c, sizes) };
  },
});

export const normalizationLayers = [BatchNormalization, LayerNormalization];
