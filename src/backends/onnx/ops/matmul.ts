/** Matrix products: MatMul with NumPy batch broadcasting (rank ≥ 2), and Gemm. */
import type { OnnxGraph, Value } from '../graph.js';
import { broadcastShapes, unbroadcast } from './broadcast.js';
import { attrNum, defineOp, scalarOf, shapeError, type OpRule } from './rule.js';

const transposed = new WeakMap<OnnxGraph, Map<string, Value>>();

/**
 * Swaps the last two axes; once per value and graph (an unrolled recurrence multiplies by the same
 * recurrent kernel at every step, and its gradient needs the kernel transposed at every step).
 */
function transposeLast(g: OnnxGraph, v: Value): Value {
  let memo = transposed.get(g);
  if (!memo) transposed.set(g, (memo = new Map()));
  let t = memo.get(v.name);
  if (!t) {
    const perm = v.shape.map((_, i) => i);
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
    memo.set(v.name, (t = g.op1('Transpose', [v], { perm })));
  }
  return t;
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
  // dA = dY·Bᵀ, dB = Aᵀ·dY, each summed over the batch axes it was broadcast along.
  vjp: ({ g, node, dy, needs }) => {
    const [a, b] = node.inputs as Value[];
    return [
      needs[0] ? unbroadcast(g, g.op1('MatMul', [dy[0]!, transposeLast(g, b!)]), a!.shape) : undefined,
      needs[1] ? unbroadcast(g, matmulLeftT(g, a!, b!, dy[0]!), b!.shape) : undefined,
    ];
  },
});

/**
 * Aᵀ·dY summed over the batch. When B was shared across A's batch (a Dense on a sequence), the
 * batch axes fold into the rows so one 2-D MatMul does the sum.
 */
function matmulLeftT(g: OnnxGraph, a: Value, b: Value, dy: Value): Value {
  const rankA = a.shape.length;
  if (rankA > 2 && b.shape.length === 2) {
    const k = a.shape[rankA - 1]!;
    const n = dy.shape[rankA - 1]!;
    const a2 = g.op1('Reshape', [a, g.ints([-1, k])]);
    const d2 = g.op1('Reshape', [dy, g.ints([-1, n])]);
    return g.op1('Gemm', [a2, d2], { transA: 1 });
  }
  return g.op1('MatMul', [transposeLast(g, a), dy]);
}

/** Y = alpha · op(A) · op(B) + beta · C, op = transpose when transA/transB; C broadcasts to Y. */
export const Gemm = defineOp({
  type: 'Gemm',
  infer: (inputs, attrs) => {
    const [a, b] = inputs as Value[];
    if (a!.shape.length !== 2 || b!.shape.length !== 2) throw shapeError('Gemm', 'A and B must be matrices', inputs);
    const [m, k] = attrs.transA ? [a!.shape[1]!, a!.shape[0]!] : a!.shape;
    const [k2, n] = attrs.transB ? [b!.shape[1]!, b!.shape[0]!] : b!.shape;
    if (k !== k2) throw shapeError('Gemm', 'inner dimensions differ', inputs);
    return [{ shape: [m!, n!], dtype: a!.dtype }];
  },
  vjp: ({ g, node, dy, needs }) => {
    const [a, b, c] = node.inputs as Value[];
    const tA = node.attrs.transA ? 1 : 0;
    const tB = node.attrs.transB ? 1 : 0;
    const alpha = { float: attrNum(node.attrs, 'alpha', 1) };
    const beta = attrNum(node.attrs, 'beta', 1);
    const d = dy[0]!;
    // d op(A) = dY·op(B)ᵀ, d op(B) = op(A)ᵀ·dY; transposed back where the op transposed.
    const dA = () => (tA ? g.op1('Gemm', [b!, d], { transA: tB, transB: 1, alpha }) : g.op1('Gemm', [d, b!], { transB: 1 - tB, alpha }));
    const dB = () => (tB ? g.op1('Gemm', [d, a!], { transA: 1, transB: tA, alpha }) : g.op1('Gemm', [a!, d], { transA: 1 - tA, alpha }));
    const dC = () => unbroadcast(g, beta === 1 ? d : g.op1('Mul', [d, scalarOf(g, d, beta)]), c!.shape);
    return [needs[0] ? dA() : undefined, needs[1] ? dB() : undefined, needs[2] ? dC() : undefined];
  },
});

export const matmulOps: OpRule[] = [MatMul, Gemm];
