/** UnitNormalization (Keras 3): each sample scaled to L2 norm 1 over `axis`, x · min(1 / ‖x‖, 1e12). */
import { defineLayer, featureAxis, ONE_INPUT, only } from './kind.js';
import { p } from './params.js';

export const UnitNormalization = defineLayer({
  type: 'UnitNormalization',
  description: 'Scales each sample to unit L2 norm over the given axis or axes.',
  params: {
    axis: p.axes('The axis or axes the norm is taken over (negative counts from the end; the batch axis is 0).',
      -1,
    ),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    for (const axis of typeof c.axis === 'number' ? [c.axis] : c.axis) {
      if (featureAxis(axis, x, ctx, 'normalize', { hint: true }) === undefined) return undefined;
    }
    return { shape: x.shape, weights: [] };
  },
});

export const unitNormalizationLayers = [UnitNormalization];
