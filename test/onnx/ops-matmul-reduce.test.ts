/** VJPs of MatMul, Gemm (ops/matmul.ts) and the reductions and CumSum (ops/reduce.ts). */
import { describe, it } from 'vitest';
import type { OnnxGraph, Value } from '../../src/backends/onnx/graph.js';
import { away, distinct, gradCheck, type GradCase } from './gradcheck.js';

const reduce =
  (type: string, axes: number[] | undefined, keepdims: number) =>
  (g: OnnxGraph, x: Record<string, Value>) =>
    g.op1(type, axes ? [x.x!, g.ints(axes)] : [x.x!], { keepdims });

const gemm = (transA: number, transB: number, cShape: number[], alpha = 1, beta = 1): GradCase => ({
  name: `Gemm transA=${transA} transB=${transB} C[${cShape.join(',')}] alpha=${alpha} beta=${beta}`,
  inputs: { a: { shape: transA ? [4, 3] : [3, 4] }, b: { shape: transB ? [5, 4] : [4, 5] }, c: { shape: cShape } },
  build: (g, x) => g.op1('Gemm', [x.a!, x.b!, x.c!], { transA, transB, alpha: { float: alpha }, beta: { float: beta } }),
  tf: (tf, x) => tf.add(tf.mul(alpha, tf.matMul(x.a!, x.b!, transA === 1, transB === 1)), tf.mul(beta, tf.broadcastTo(x.c!, [3, 5]))),
});

const CASES: GradCase[] = [
  { name: 'MatMul 2-D', inputs: { a: { shape: [3, 4] }, b: { shape: [4, 5] } }, build: (g, x) => g.op1('MatMul', [x.a!, x.b!]), tf: (tf, x) => tf.matMul(x.a!, x.b!) },
  {
    name: 'MatMul batched',
    inputs: { a: { shape: [2, 3, 4] }, b: { shape: [2, 4, 5] } },
    build: (g, x) => g.op1('MatMul', [x.a!, x.b!]),
    tf: (tf, x) => tf.matMul(x.a!, x.b!),
  },
  {
    name: 'MatMul sequence × matrix (Dense on a sequence)',
    inputs: { a: { shape: [2, 3, 4] }, b: { shape: [4, 5] } },
    build: (g, x) => g.op1('MatMul', [x.a!, x.b!]),
    tf: (tf, x) => tf.reshape(tf.matMul(tf.reshape(x.a!, [6, 4]), x.b!), [2, 3, 5]),
  },
  {
    name: 'MatMul batch broadcast',
    inputs: { a: { shape: [1, 3, 4] }, b: { shape: [2, 4, 5] } },
    build: (g, x) => g.op1('MatMul', [x.a!, x.b!]),
    tf: (tf, x) => tf.matMul(tf.broadcastTo(x.a!, [2, 3, 4]), x.b!),
  },
  gemm(0, 0, [5]),
  gemm(1, 0, [1, 5], 0.5, 2),
  gemm(0, 1, [3, 5], 2, 0.5),
  gemm(1, 1, [3, 1]),
  { name: 'ReduceSum axis 1', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceSum', [1], 0), tf: (tf, x) => tf.sum(x.x!, 1) },
  { name: 'ReduceSum all, keepdims', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceSum', undefined, 1), tf: (tf, x) => tf.sum(x.x!, undefined, true) },
  { name: 'ReduceMean axes 0,2 keepdims', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceMean', [0, 2], 1), tf: (tf, x) => tf.mean(x.x!, [0, 2], true) },
  { name: 'ReduceMean axis -1', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceMean', [-1], 0), tf: (tf, x) => tf.mean(x.x!, -1) },
  { name: 'ReduceMax axis 1', inputs: { x: { shape: [2, 3, 4], values: distinct(24) } }, build: reduce('ReduceMax', [1], 0), tf: (tf, x) => tf.max(x.x!, 1) },
  // Ties: every element equal to the maximum gets the full gradient, as tfjs (TensorFlow divides it among them).
  { name: 'ReduceMax ties', inputs: { x: { shape: [2, 3], values: [1, 2, 2, 0, 0, 0] } }, build: reduce('ReduceMax', [1], 0), tf: (tf, x) => tf.max(x.x!, 1), noFd: true },
  { name: 'ReduceMin axes 1,2 keepdims', inputs: { x: { shape: [2, 3, 4], values: distinct(24) } }, build: reduce('ReduceMin', [1, 2], 1), tf: (tf, x) => tf.min(x.x!, [1, 2], true) },
  { name: 'ReduceSumSquare axis 2', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceSumSquare', [2], 0), tf: (tf, x) => tf.sum(tf.square(x.x!), 2) },
  { name: 'ReduceL2 axis 2', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceL2', [2], 1), tf: (tf, x) => tf.norm(x.x!, 'euclidean', 2, true) },
  { name: 'ReduceL1 axis 0', inputs: { x: { shape: [2, 3, 4], values: away() } }, build: reduce('ReduceL1', [0], 0), tf: (tf, x) => tf.sum(tf.abs(x.x!), 0) },
  { name: 'ReduceProd axis 1', inputs: { x: { shape: [2, 3, 4], values: (_i, r) => 0.5 + r() } }, build: reduce('ReduceProd', [1], 0), tf: (tf, x) => tf.prod(x.x!, 1) },
  {
    name: 'ReduceProd with zeros (none, one, two per slice)',
    inputs: { x: { shape: [3, 3], values: [0.5, -1.5, 2, 0, 1.5, -0.7, 0, 0, 1.2] } },
    build: reduce('ReduceProd', [1], 0),
    tf: (tf, x) => tf.prod(x.x!, 1),
  },
  { name: 'ReduceLogSumExp axis 1', inputs: { x: { shape: [2, 3, 4] } }, build: reduce('ReduceLogSumExp', [1], 0), tf: (tf, x) => tf.logSumExp(x.x!, 1) },
  ...[
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ].map(
    ([exclusive, reverse]): GradCase => ({
      name: `CumSum exclusive=${exclusive} reverse=${reverse}`,
      inputs: { x: { shape: [2, 5] } },
      build: (g, x) => g.op1('CumSum', [x.x!, g.ints([1])], { exclusive: exclusive!, reverse: reverse! }),
      tf: (tf, x) => tf.cumsum(x.x!, 1, exclusive === 1, reverse === 1),
    }),
  ),
];

describe('MatMul, Gemm and reduction VJPs', () => {
  for (const c of CASES) it(c.name, async () => void (await gradCheck(c)));
});
