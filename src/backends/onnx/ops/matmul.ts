/** MatMul with NumPy batch broadcasting. */
import type { Value } from '../graph.js';
import { broadcastShapes, unbroadcast } from './broadcast.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

/** Swaps the last two axes. */
function transposeLast(g: import('../graph.js').OnnxGraph, v: Value): Value {
  const perm = v.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return g.op1('Transpose', [v], { perm });
}

export const MatMul = defineOp({
  type: 'MatMul',
  infer: (inputs) => {
    const [a, b] = inputs as Value[];
    if (a!.shape.length < 2 || b!.shape.length < 2) throw shapeError('MatMul', 'nnspec emits MatMul on rank >= 2 only', inputs);
    const [m, k] = a!.shape.slice(-2) as [number, number];
    const [k2, n] = b!.shape.slice(-2) as [number, number];
    if (k !== k2) throw shapeError('MatMul', 'inner dimensions differ', inputs);
    const batch = broadcastShapes([a!.shape.slice(0, -2), b!.shape.slice(0, -2)]);
    if (!batch) throw shapeError('MatMul', 'batch dimensions do not broadcast', inputs);
    return [{ shape: [...batch, m, n], dtype: a!.dtype }];
  },
  vjp: ({ g, node, dy, needs }) => {
    const [a, b] = node.inputs as Value[];
    return [
      needs[0] ? unbroadcast(g, g.op1('MatMul', [dy[0]!, transposeLast(g, b!)]), a!.shape) : undefined,
      needs[1] ? unbroadcast(g, g.op1('MatMul', [transposeLast(g, a!), dy[0]!]), b!.shape) : undefined,
    ];
  },
});

export const Transpose = defineOp({
  type: 'Transpose',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const perm = (attrs.perm as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    return [{ shape: perm.map((p) => x.shape[p]!), dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    const perm = (node.attrs.perm as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [g.op1('Transpose', [dy[0]!], { perm: inverse })];
  },
});

export const matmulOps: OpRule[] = [MatMul, Transpose];
