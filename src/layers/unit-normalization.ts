/** UnitNormalization (Keras 3): each sample scaled to L2 norm 1 over `axis`, x · min(1 / ‖x‖, 1e12). */
import { defineLayer, ONE_INPUT, only } from './kind.js';
import { p } from './params.js';
import { formatShape, normalizeAxis } from './shape.js';

export const UnitNormalization = defineLayer({
  type: 'UnitNormalization',
  description: 'Scales each sample to unit L2 norm over the given axis or axes.',
  params: {
    axis: p.any<number | number[]>(
      { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }] },
      'The axis or axes the norm is taken over (negative counts from the end; the batch axis is 0).',
      -1,
    ),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    for (const axis of typeof c.axis === 'number' ? [c.axis] : c.axis) {
      const a = normalizeAxis(axis, x.shape.length);
      if (a === undefined || a === 0) {
        return ctx.error('NN503', `${ctx.describe} cannot normalize over axis ${axis} of ${ctx.inputNames[0]} ${formatShape(x.shape)}: it is ${a === 0 ? 'the batch axis' : `out of range for rank ${x.shape.length}`}`, {
          param: 'axis',
          hint: x.shape.length > 1 ? `use an axis from 1 to ${x.shape.length - 1}, or -1 for the last` : 'the input has no axis besides the batch axis',
        });
      }
    }
    return { shape: x.shape, weights: [] };
  },
});

export const unitNormalizationLayers = [UnitNormalization];
