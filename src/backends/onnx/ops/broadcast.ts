/** NumPy broadcasting for the elementwise ops, and its reverse: summing a gradient back to an operand's shape. */
import type { OnnxGraph, Value } from '../graph.js';

export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s[s.length - rank + i] ?? 1;
      if (k === 1) continue;
      if (d !== 1 && d !== k) return undefined;
      d = k;
    }
    out.push(d);
  }
  return out;
}

/** Sums `grad` (of the broadcast shape) down to `shape`, the operand's own. */
export function unbroadcast(g: OnnxGraph, grad: Value, shape: readonly number[]): Value {
  const lead = grad.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.shape.length; i++) if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  if (axes.length === 0) return grad;
  // Only leading axes summed away (a bias): one ReduceSum without keepdims gives the shape.
  if (axes.every((a) => a < lead)) return g.op1('ReduceSum', [grad, g.ints(axes)], { keepdims: 0 });
  const summed = g.op1('ReduceSum', [grad, g.ints(axes)], { keepdims: 1 });
  return lead === 0 ? summed : g.op1('Reshape', [summed, g.ints(shape)]);
}
