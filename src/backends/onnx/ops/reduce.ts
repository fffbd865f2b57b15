/** Reductions (opset 18: axes as an input) and reshaping of the reduced values. */
import type { Value } from '../graph.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

function constInts(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (!v.data) throw new Error(`internal: ONNX value ${v.name} must be a constant here`);
  return Array.from(v.data as BigInt64Array, Number);
}

function reducedShape(shape: readonly number[], axes: number[] | undefined, keep: boolean): number[] {
  const set = new Set((axes ?? shape.map((_, i) => i)).map((a) => (a < 0 ? a + shape.length : a)));
  return shape.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
}

export const ReduceSum = defineOp({
  type: 'ReduceSum',
  infer: (inputs, attrs) => [{ shape: reducedShape(inputs[0]!.shape, constInts(inputs[1]), attrs.keepdims !== 0), dtype: inputs[0]!.dtype }],
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    const kept = reducedShape(x.shape, constInts(node.inputs[1]), true);
    return [g.op1('Expand', [g.op1('Reshape', [dy[0]!, g.ints(kept)]), g.ints(x.shape)]), undefined];
  },
});

export const Reshape = defineOp({
  type: 'Reshape',
  infer: (inputs) => {
    const [x, s] = inputs as Value[];
    const target = constInts(s)!;
    const total = x!.shape.reduce((a, b) => a * b, 1);
    const out = target.map((d, i) => (d === 0 ? x!.shape[i]! : d));
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const shape = out.map((d) => (d === -1 ? total / known : d));
    if (shape.reduce((a, b) => a * b, 1) !== total) throw shapeError('Reshape', `cannot reshape to [${target.join(',')}]`, inputs);
    return [{ shape, dtype: x!.dtype }];
  },
  vjp: ({ g, node, dy }) => [g.op1('Reshape', [dy[0]!, g.ints(node.inputs[0]!.shape)]), undefined],
});

export const Expand = defineOp({
  type: 'Expand',
  infer: (inputs) => {
    const [x, s] = inputs as Value[];
    const target = constInts(s)!;
    const rank = Math.max(x!.shape.length, target.length);
    const shape = Array.from({ length: rank }, (_, i) => {
      const a = x!.shape[x!.shape.length - rank + i] ?? 1;
      const b = target[target.length - rank + i] ?? 1;
      return a === 1 ? b : a;
    });
    return [{ shape, dtype: x!.dtype }];
  },
});

/** Shape rules only (VJPs: the autodiff module). keepdims attribute, axes input as ReduceSum. */
const reduction = (type: string) =>
  defineOp({ type, infer: (inputs, attrs) => [{ shape: reducedShape(inputs[0]!.shape, constInts(inputs[1]), attrs.keepdims !== 0), dtype: inputs[0]!.dtype }] });
export const ReduceMean = reduction('ReduceMean');
export const ReduceMax = reduction('ReduceMax');

export const ReduceMin = reduction('ReduceMin');

/** Index of the largest element along `axis` (first on ties), int64; no gradient. */
export const ArgMax = defineOp({
  type: 'ArgMax',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const axis = ((attrs.axis as number | undefined) ?? 0) < 0 ? (attrs.axis as number) + x.shape.length : ((attrs.axis as number | undefined) ?? 0);
    return [{ shape: x.shape.flatMap((d, i) => (i === axis ? (attrs.keepdims === 0 ? [] : [1]) : [d])), dtype: 'int64' }];
  },
});

export const reduceOps: OpRule[] = [ReduceSum, Reshape, Expand, ReduceMean, ReduceMax, ReduceMin, ArgMax];
