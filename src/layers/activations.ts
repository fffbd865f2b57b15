/** The activation layers with arguments: ReLU, LeakyReLU, PReLU (learned), ELU and Softmax. */
import { defineLayer, featureAxis, ONE_INPUT, only } from './kind.js';
import { p } from './params.js';
import { formatShape, normalizeAxis } from './shape.js';

const sameShape = (_c: unknown, inputs: Parameters<typeof only>[0]) => ({ shape: only(inputs).shape, weights: [] });

export const ReLU = defineLayer({
  type: 'ReLU',
  description: 'Rectified linear unit: x above threshold (capped at max_value), negative_slope * (x - threshold) below.',
  params: {
    max_value: p.any<number | null>({ type: ['number', 'null'], minimum: 0 }, 'Largest output value; null for no cap.', null),
    negative_slope: p.number('Slope below the threshold.', 0, { minimum: 0 }),
    threshold: p.number('Inputs below this are treated as negative.', 0, { minimum: 0 }),
  },
  arity: ONE_INPUT,
  infer: sameShape,
});

export const LeakyReLU = defineLayer({
  type: 'LeakyReLU',
  description: 'Leaky ReLU: x for x >= 0, negative_slope * x below (Keras 3 name; Keras 2 called the slope `alpha`).',
  params: { negative_slope: p.number('Slope for negative inputs (Keras 2 called it `alpha`).', 0.3, { minimum: 0 }) },
  arity: ONE_INPUT,
  keras: { keras2Names: { negative_slope: 'alpha' } },
  infer: sameShape,
});

export const PReLU = defineLayer({
  type: 'PReLU',
  description: 'Parametric ReLU: x for x >= 0, alpha * x below, with alpha learned per element (shared along shared_axes).',
  params: {
    alpha_initializer: p.initializer('zeros', 'Initializer for the learned slopes.'),
    alpha_regularizer: p.regularizer('Regularizer applied to the learned slopes.'),
    alpha_constraint: p.constraint('Constraint applied to the learned slopes.'),
    shared_axes: p.any<number | number[] | null>(
      { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 } }, { type: 'null' }] },
      'Axes (numbered from 1) along which one slope is shared, e.g. [1, 2] for one slope per channel of an image.',
      null,
    ),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const rank = x.shape.length;
    const shared = c.shared_axes === null ? [] : typeof c.shared_axes === 'number' ? [c.shared_axes] : c.shared_axes;
    const input = `${ctx.inputNames[0]} ${formatShape(x.shape)}`;
    const bad = shared.find((a) => a >= rank);
    if (bad !== undefined) {
      return ctx.error('NN503', `${ctx.describe} cannot share along axis ${bad} of ${input}, which has axes 1 to ${rank - 1}`, { param: 'shared_axes' });
    }
    const alpha = x.shape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
    const unknown = alpha.indexOf(null);
    if (unknown !== -1) {
      return ctx.error('NN506', `${ctx.describe} needs axis ${unknown + 1} of its input to be known, since it learns one slope per element there; got ${input}`, {
        hint: `give the input a fixed size on that axis, or share the slope along it with shared_axes: [${unknown + 1}]`,
      });
    }
    return { shape: x.shape, weights: [{ name: 'alpha', shape: alpha as number[], trainable: true }] };
  },
});

export const ELU = defineLayer({
  type: 'ELU',
  description: 'Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.',
  params: { alpha: p.number('Scale of the negative part.', 1) },
  arity: ONE_INPUT,
  infer: sameShape,
});

export const Softmax = defineLayer({
  type: 'Softmax',
  description: 'Softmax over an axis (or several axes jointly): exponentials normalized to sum to 1.',
  params: {
    axis: p.axes('The axis or axes to normalize over (negative counts from the end; the batch axis is 0).',
      -1,
    ),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    for (const axis of typeof c.axis === 'number' ? [c.axis] : c.axis) {
      if (featureAxis(axis, x, ctx, 'take the softmax') === undefined) return undefined;
    }
    return { shape: x.shape, weights: [] };
  },
});

export const activationLayers = [ReLU, LeakyReLU, PReLU, ELU, Softmax];
