/** Layers that combine several inputs: Concatenate, the element-wise merges, and Dot. */
import { defineLayer, MERGE_INPUTS, type Built, type InferContext } from './kind.js';
import { p } from './params.js';
import { broadcast, formatShape, normalizeAxis, type Dim, type TensorSpec } from './shape.js';

function describeInput(ctx: InferContext, inputs: readonly TensorSpec[], i: number): string {
  return `${ctx.inputNames[i]} ${formatShape(inputs[i]!.shape)}`;
}

function elementwise(type: string, description: string, max = Number.POSITIVE_INFINITY) {
  return defineLayer({
    type,
    description,
    params: {},
    arity: { min: 2, max },
    infer(_c, inputs, ctx): Built | undefined {
      let shape: Dim[] = inputs[0]!.shape.slice(1);
      for (let i = 1; i < inputs.length; i++) {
        const next = broadcast(shape, inputs[i]!.shape.slice(1));
        if (next === undefined) {
          return ctx.error('NN500', `${ctx.describe} needs shapes that are equal or broadcastable; got ${describeInput(ctx, inputs, 0)} and ${describeInput(ctx, inputs, i)}`, {
            hint: 'make the branches produce the same shape (check strides, padding and units)',
          });
        }
        shape = next;
      }
      return { shape: [null, ...shape], weights: [] };
    },
  });
}

export const Add = elementwise('Add', 'Adds its inputs element-wise (shapes equal or broadcastable).');
export const Subtract = elementwise('Subtract', 'Subtracts the second input from the first, element-wise.', 2);
export const Multiply = elementwise('Multiply', 'Multiplies its inputs element-wise.');
export const Average = elementwise('Average', 'Averages its inputs element-wise.');
export const Maximum = elementwise('Maximum', 'Element-wise maximum of its inputs.');
export const Minimum = elementwise('Minimum', 'Element-wise minimum of its inputs.');

export const Concatenate = defineLayer({
  type: 'Concatenate',
  description: 'Concatenates its inputs along one axis; all other dimensions must match.',
  params: { axis: p.int('The axis to concatenate along (negative counts from the end; the batch axis is 0).', -1, Number.MIN_SAFE_INTEGER) },
  arity: MERGE_INPUTS,
  infer(c, inputs, ctx) {
    const rank = inputs[0]!.shape.length;
    for (let i = 1; i < inputs.length; i++) {
      if (inputs[i]!.shape.length !== rank) {
        return ctx.error('NN500', `${ctx.describe} needs inputs of the same rank; got ${describeInput(ctx, inputs, 0)} and ${describeInput(ctx, inputs, i)}`);
      }
    }
    const axis = normalizeAxis(c.axis, rank);
    if (axis === undefined || axis === 0) {
      return ctx.error('NN503', `${ctx.describe} cannot concatenate on axis ${c.axis} of inputs of rank ${rank}`, { param: 'axis', hint: `use an axis from 1 to ${rank - 1}, or -1 for the last` });
    }
    const out: Dim[] = [...inputs[0]!.shape];
    for (let i = 1; i < inputs.length; i++) {
      const s = inputs[i]!.shape;
      for (let d = 1; d < rank; d++) {
        if (d === axis) continue;
        const known = inputs.slice(0, i).map((x) => x.shape[d]).find((v) => v !== null);
        if (known !== undefined && s[d] !== null && s[d] !== known) {
          const first = inputs.findIndex((x) => x.shape[d] !== null);
          return ctx.error('NN500', `${ctx.describe} needs matching shapes except on axis ${c.axis}; got ${describeInput(ctx, inputs, first)} and ${describeInput(ctx, inputs, i)}`, {
            hint: 'make the branches agree on every other axis (check strides and padding)',
          });
        }
      }
      const a = out[axis]!;
      const b = s[axis]!;
      out[axis] = a === null || b === null ? null : a + b;
    }
    return { shape: out, weights: [] };
  },
});

export const Dot = defineLayer({
  type: 'Dot',
  description: 'Dot product of two inputs along the given axes (Keras `Dot`).',
  params: {
    axes: p.intOrTuple(2, 'Axis or pair of axes along which to take the dot product (the batch axis is 0).', undefined, Number.MIN_SAFE_INTEGER),
    normalize: p.bool('Whether to L2-normalize the inputs along the dot axes first (cosine proximity).', false),
  },
  arity: { min: 2, max: 2 },
  infer(c, inputs, ctx) {
    const [a, b] = [inputs[0]!.shape, inputs[1]!.shape];
    const raw = typeof c.axes === 'number' ? [c.axes, c.axes] : c.axes;
    const axes = [normalizeAxis(raw[0]!, a.length), normalizeAxis(raw[1]!, b.length)];
    if (axes[0] === undefined || axes[1] === undefined || axes[0] === 0 || axes[1] === 0) {
      return ctx.error('NN503', `${ctx.describe} cannot take axes ${JSON.stringify(c.axes)} of ${describeInput(ctx, inputs, 0)} and ${describeInput(ctx, inputs, 1)}`, { param: 'axes' });
    }
    const [da, db] = [a[axes[0]]!, b[axes[1]]!];
    if (da !== null && db !== null && da !== db) {
      return ctx.error('NN500', `${ctx.describe} needs equal sizes on the dot axes; got ${describeInput(ctx, inputs, 0)} axis ${axes[0]} of size ${da} and ${describeInput(ctx, inputs, 1)} axis ${axes[1]} of size ${db}`);
    }
    const out: Dim[] = [...a.slice(0, axes[0]), ...a.slice(axes[0] + 1), ...b.slice(1, axes[1]), ...b.slice(axes[1] + 1)];
    if (out.length === 1) out.push(1);
    return { shape: out, weights: [] };
  },
});

export const mergeLayers = [Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot];
