/**
 * Reductions (opset 18: `axes` as an optional int64 input, all axes when absent; `keepdims`
 * attribute, default 1), the arg-reductions and CumSum.
 *
 * Their VJPs bring dy back to the kept-dims shape, where it broadcasts against x. ReduceMax and
 * ReduceMin send the full gradient to every element equal to the extremum (TensorFlow.js's rule;
 * TensorFlow's divides it among ties instead — the two differ only on exact ties).
 */
import type { OnnxGraph, OpNode, Value } from '../graph.js';
import { where0 } from './elementwise.js';
import { axisOf, constInts, defineOp, scalarOf, size, type OpRule, type OutSpec } from './rule.js';

/** The normalised axes a reduction node reduces (all when its axes input is absent or empty). */
function reducedAxes(shape: readonly number[], axes: number[] | undefined): Set<number> {
  return new Set(axes && axes.length > 0 ? axes.map((a) => axisOf(a, shape.length)) : shape.map((_, i) => i));
}

export function reducedShape(shape: readonly number[], axes: number[] | undefined, keep: boolean): number[] {
  const set = reducedAxes(shape, axes);
  return shape.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
}

const inferReduce = (inputs: readonly (Value | undefined)[], attrs: Record<string, unknown>): OutSpec[] => [
  { shape: reducedShape(inputs[0]!.shape, constInts(inputs[1]), attrs.keepdims !== 0), dtype: inputs[0]!.dtype },
];

/** A reduction node's output (or its gradient) reshaped to the kept-dims shape, which broadcasts against x. */
function kept(g: OnnxGraph, node: OpNode, v: Value): Value {
  const shape = reducedShape(node.inputs[0]!.shape, constInts(node.inputs[1]), true);
  return v.shape.join() === shape.join() ? v : g.op1('Reshape', [v, g.ints(shape)]);
}

const expandTo = (g: OnnxGraph, v: Value, shape: readonly number[]) => (v.shape.join() === shape.join() ? v : g.op1('Expand', [v, g.ints(shape)]));

type Local = (g: OnnxGraph, dy: Value, x: Value, y: Value, node: OpNode) => Value;

function reduction(type: string, grad?: Local): OpRule {
  return defineOp({
    type,
    infer: inferReduce,
    ...(grad ? { vjp: ({ g, node, dy }) => [grad(g, kept(g, node, dy[0]!), node.inputs[0]!, kept(g, node, node.outputs[0]!), node), undefined] } : {}),
  });
}

export const ReduceSum = reduction('ReduceSum', (g, dy, x) => expandTo(g, dy, x.shape));
export const ReduceMean = reduction('ReduceMean', (g, dy, x, y) => expandTo(g, g.op1('Mul', [dy, scalarOf(g, dy, size(y.shape) / size(x.shape))]), x.shape));
const extremum: Local = (g, dy, x, y) => where0(g, g.op1('Equal', [x, y]), dy);
export const ReduceMax = reduction('ReduceMax', extremum);
export const ReduceMin = reduction('ReduceMin', extremum);
export const ReduceSumSquare = reduction('ReduceSumSquare', (g, dy, x) => g.op1('Mul', [dy, g.op1('Mul', [x, scalarOf(g, x, 2)])]));
/** √Σx²: x / y (NaN where the whole slice is zero, as tfjs's euclidean norm). */
export const ReduceL2 = reduction('ReduceL2', (g, dy, x, y) => g.op1('Mul', [dy, g.op1('Div', [x, y])]));
export const ReduceL1 = reduction('ReduceL1', (g, dy, x) => g.op1('Mul', [dy, g.op1('Sign', [x])]));
export const ReduceLogSumExp = reduction('ReduceLogSumExp', (g, dy, x, y) => g.op1('Mul', [dy, g.op1('Exp', [g.op1('Sub', [x, y])])]));
/**
 * d Πx / dxᵢ = the product of the others, without dividing by a zero: with no zero in the slice
 * it is y / xᵢ; with exactly one, the product of the non-zeros at the zero and 0 elsewhere; with
 * more, 0 everywhere.
 */
export const ReduceProd = reduction('ReduceProd', (g, dy, x, _y, node) => {
  const zero = g.op1('Equal', [x, scalarOf(g, x, 0)]);
  const zeros = g.op1('ReduceSum', [g.op1('Cast', [zero], { to: x.dtype === 'float64' ? 11 : 1 }), ...node.inputs.slice(1, 2)], { keepdims: 1 });
  const safeX = g.op1('Where', [zero, scalarOf(g, x, 1), x]);
  const rest = g.op1('ReduceProd', [safeX, ...node.inputs.slice(1, 2)], { keepdims: 1 });
  const none = g.op1('Equal', [zeros, scalarOf(g, zeros, 0)]);
  const one = g.op1('And', [g.op1('Equal', [zeros, scalarOf(g, zeros, 1)]), zero]);
  const others = g.op1('Where', [none, g.op1('Div', [rest, safeX]), where0(g, one, rest)]);
  return g.op1('Mul', [dy, others]);
});

/** Index of the extremum along `axis` (first on ties), int64; no gradient. */
function argReduction(type: string): OpRule {
  return defineOp({
    type,
    infer: (inputs, attrs) => {
      const x = inputs[0]!;
      const axis = axisOf((attrs.axis as number | undefined) ?? 0, x.shape.length);
      return [{ shape: x.shape.flatMap((d, i) => (i === axis ? (attrs.keepdims === 0 ? [] : [1]) : [d])), dtype: 'int64' }];
    },
  });
}
export const ArgMax = argReduction('ArgMax');
export const ArgMin = argReduction('ArgMin');

/** CumSum(x, axis); its adjoint is the cumulative sum in the other direction. */
export const CumSum = defineOp({
  type: 'CumSum',
  infer: (inputs) => [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }],
  vjp: ({ g, node, dy }) => [g.op1('CumSum', [dy[0]!, node.inputs[1]!], { exclusive: node.attrs.exclusive ?? 0, reverse: node.attrs.reverse ? 0 : 1 }), undefined],
});

export const reduceOps: OpRule[] = [ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceSumSquare, ReduceL2, ReduceL1, ReduceLogSumExp, ReduceProd, ArgMax, ArgMin, CumSum];
