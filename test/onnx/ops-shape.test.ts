/**
 * VJPs of the element-moving rules (ops/shape.ts, gather.ts) and the random ones (random.ts).
 * TensorFlow.js references for Slice and the reflect/edge Pads are gathers along index lists
 * computed here, independently of the rules.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { OnnxGraph, type Value } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { gradCheck, type GradCase, type Tf } from './gradcheck.js';

const X = (shape: number[]) => ({ x: { shape } });

/** x gathered along each axis by an index list (the reference for slices and pads). */
function pick(tf: Tf, x: tfTypes.Tensor, lists: Record<number, number[]>): tfTypes.Tensor {
  let t = x;
  for (const [axis, idx] of Object.entries(lists)) t = tf.gather(t, tf.tensor1d(idx, 'int32'), Number(axis));
  return t;
}

const range = (start: number, end: number, step: number) => {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
  return out;
};

const slice = (shape: number[], starts: number[], ends: number[], axes: number[], steps: number[], lists: Record<number, number[]>): GradCase => ({
  name: `Slice starts [${starts}] ends [${ends}] axes [${axes}] steps [${steps}]`,
  inputs: X(shape),
  build: (g, x) => g.op1('Slice', [x.x!, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)]),
  tf: (tf, x) => pick(tf, x.x!, lists),
});

const clampIdx = (n: number, b: number, e: number) => range(-b, n + e, 1).map((i) => Math.min(Math.max(i, 0), n - 1));
const reflectIdx = (n: number, b: number, e: number) => range(-b, n + e, 1).map((i) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i));

const CASES: GradCase[] = [
  { name: 'Reshape [0, -1]', inputs: X([2, 3, 4]), build: (g, x) => g.op1('Reshape', [x.x!, g.ints([0, -1])]), tf: (tf, x) => tf.reshape(x.x!, [2, 12]) },
  { name: 'Flatten axis 2', inputs: X([2, 3, 4]), build: (g, x) => g.op1('Flatten', [x.x!], { axis: 2 }), tf: (tf, x) => tf.reshape(x.x!, [6, 4]) },
  { name: 'Squeeze axis 1', inputs: X([2, 1, 3]), build: (g, x) => g.op1('Squeeze', [x.x!, g.ints([1])]), tf: (tf, x) => tf.squeeze(x.x!, [1]) },
  { name: 'Unsqueeze axes 0, 3', inputs: X([2, 3]), build: (g, x) => g.op1('Unsqueeze', [x.x!, g.ints([0, 3])]), tf: (tf, x) => tf.reshape(x.x!, [1, 2, 3, 1]) },
  { name: 'Transpose [2, 0, 1]', inputs: X([2, 3, 4]), build: (g, x) => g.op1('Transpose', [x.x!], { perm: [2, 0, 1] }), tf: (tf, x) => tf.transpose(x.x!, [2, 0, 1]) },
  { name: 'Transpose default (reverse)', inputs: X([2, 3, 4]), build: (g, x) => g.op1('Transpose', [x.x!]), tf: (tf, x) => tf.transpose(x.x!) },
  { name: 'Expand [3, 1] → [2, 3, 4]', inputs: X([3, 1]), build: (g, x) => g.op1('Expand', [x.x!, g.ints([2, 3, 4])]), tf: (tf, x) => tf.broadcastTo(x.x!, [2, 3, 4]) },
  { name: 'Tile [2, 1, 3]', inputs: X([2, 3, 2]), build: (g, x) => g.op1('Tile', [x.x!, g.ints([2, 1, 3])]), tf: (tf, x) => tf.tile(x.x!, [2, 1, 3]) },
  {
    name: 'Concat of three on axis 1',
    inputs: { a: { shape: [2, 1, 3] }, b: { shape: [2, 2, 3] }, c: { shape: [2, 3, 3] } },
    build: (g, x) => g.op1('Concat', [x.a!, x.b!, x.c!], { axis: 1 }),
    tf: (tf, x) => tf.concat([x.a!, x.b!, x.c!], 1),
  },
  {
    name: 'Concat of a value with itself (axis -1)',
    inputs: { a: { shape: [2, 3] } },
    build: (g, x) => g.op1('Concat', [x.a!, x.a!], { axis: -1 }),
    tf: (tf, x) => tf.concat([x.a!, x.a!], -1),
  },
  {
    name: 'Split with an unused output',
    inputs: X([2, 4, 3]),
    build: (g, x) => {
      const [a, , c] = g.op('Split', [x.x!, g.ints([1, 2, 1])], { axis: 1 });
      return g.op1('Concat', [c!, g.op1('Mul', [a!, a!])], { axis: 1 });
    },
    tf: (tf, x) => {
      const [a, , c] = tf.split(x.x!, [1, 2, 1], 1);
      return tf.concat([c!, tf.mul(a!, a!)], 1);
    },
  },
  {
    name: 'Split num_outputs 2',
    inputs: X([4, 3]),
    build: (g, x) => {
      const [a, b] = g.op('Split', [x.x!], { axis: 0, num_outputs: 2 });
      return g.op1('Mul', [a!, b!]);
    },
    tf: (tf, x) => {
      const [a, b] = tf.split(x.x!, 2, 0);
      return tf.mul(a!, b!);
    },
  },
  slice([3, 5, 4], [1, 0], [3, -1], [0, 2], [1, 1], { 0: [1, 2], 2: [0, 1, 2] }),
  slice([3, 5, 4], [0], [5], [1], [2], { 1: [0, 2, 4] }),
  slice([3, 5, 4], [1], [100], [-2], [3], { 1: [1, 4] }),
  slice([3, 5, 4], [-1], [Number.MIN_SAFE_INTEGER], [1], [-1], { 1: [4, 3, 2, 1, 0] }),
  slice([3, 5, 4], [4, 2], [0, -100], [1, 2], [-2, -1], { 1: [4, 2], 2: [2, 1, 0] }),
  slice([3, 5, 4], [2], [3], [0], [1], { 0: [2] }),
  {
    name: 'Pad constant',
    inputs: X([2, 3, 4]),
    build: (g, x) => g.op1('Pad', [x.x!, g.ints([0, 1, 2, 0, 2, 1])]),
    tf: (tf, x) => tf.pad(x.x!, [
      [0, 0],
      [1, 2],
      [2, 1],
    ]),
  },
  {
    name: 'Pad constant with negative pads (crop)',
    inputs: X([2, 5, 4]),
    build: (g, x) => g.op1('Pad', [x.x!, g.ints([-1, 2, -2, 1]), undefined, g.ints([1, 2])]),
    tf: (tf, x) => tf.pad(tf.slice(x.x!, [0, 1, 0], [2, 2, 4]), [
      [0, 0],
      [0, 0],
      [2, 1],
    ]),
  },
  {
    name: 'Pad reflect',
    inputs: X([2, 4, 5]),
    build: (g, x) => g.op1('Pad', [x.x!, g.ints([0, 2, 1, 0, 3, 4])], { mode: 'reflect' }),
    tf: (tf, x) => pick(tf, x.x!, { 1: reflectIdx(4, 2, 3), 2: reflectIdx(5, 1, 4) }),
  },
  {
    // Finite differences only: tfjs 4.22's MirrorPad gradient is a plain slice (it drops the
    // mirrored borders' contributions), so tf.mirrorPad cannot serve as the reference.
    name: 'Pad reflect, pads as wide as allowed',
    inputs: X([3, 4]),
    build: (g, x) => g.op1('Pad', [x.x!, g.ints([1, 2, 2, 3])], { mode: 'reflect' }),
  },
  {
    name: 'Pad edge on axis 1 (axes input)',
    inputs: X([2, 4, 3]),
    build: (g, x) => g.op1('Pad', [x.x!, g.ints([3, 2]), undefined, g.ints([1])], { mode: 'edge' }),
    tf: (tf, x) => pick(tf, x.x!, { 1: clampIdx(4, 3, 2) }),
  },
  {
    name: 'Gather rows (embedding lookup, repeated ids)',
    inputs: { table: { shape: [10, 4] }, ids: { shape: [2, 3], values: [1, 7, 1, 0, 9, 7], int: true } },
    build: (g, x) => g.op1('Gather', [x.table!, x.ids!], { axis: 0 }),
    tf: (tf, x) => tf.gather(x.table!, x.ids!, 0),
  },
  {
    name: 'Gather on axis 1',
    inputs: { x: { shape: [3, 5, 2] }, ids: { shape: [2, 2], values: [4, 0, 4, 2], int: true } },
    build: (g, x) => g.op1('Gather', [x.x!, x.ids!], { axis: 1 }),
    tf: (tf, x) => tf.gather(x.x!, x.ids!, 1),
  },
  {
    name: 'Gather a scalar index on axis 2',
    inputs: { x: { shape: [2, 3, 4] }, ids: { shape: [], values: [3], int: true } },
    build: (g, x) => g.op1('Gather', [x.x!, x.ids!], { axis: 2 }),
    tf: (tf, x) => tf.gather(x.x!, x.ids!, 2),
  },
  {
    name: 'GatherElements axis 1',
    inputs: { x: { shape: [2, 4] }, ids: { shape: [2, 3], values: [0, 3, 3, 1, 1, 2], int: true } },
    build: (g, x) => g.op1('GatherElements', [x.x!, x.ids!], { axis: 1 }),
  },
];

describe('shape-movement and gather VJPs', () => {
  for (const c of CASES) it(c.name, async () => void (await gradCheck(c)));
});

/** Runs a graph once: x fed, named outputs read back. */
async function runOnce(g: OnnxGraph, x: Float32Array, shape: number[], names: string[]): Promise<Float32Array[]> {
  const ort = loadOrt();
  const session = await createSession(g.toBytes(), { threads: 1 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, shape) });
    return names.map((n) => Float32Array.from(out[n]!.data as ArrayLike<number>));
  } finally {
    await session.release();
  }
}

describe('random and dropout VJPs', () => {
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));

  it('no gradient flows through a random draw shaped like x', async () => {
    const g = new OnnxGraph('t');
    const xv = g.input('x', [8, 8]);
    const noisy = g.op1('Add', [xv, g.op1('Mul', [g.op1('RandomNormalLike', [xv], { seed: { float: 3 } }), xv])]);
    const loss = g.op1('ReduceSum', [noisy], { keepdims: 0 });
    const [dx] = gradients(g, loss, [xv]);
    g.output(dx!, 'dx');
    g.output(g.op1('RandomNormalLike', [xv], { seed: { float: 3 } }), 'noise');
    const [grad] = await runOnce(g, x, [8, 8], ['dx']);
    // d/dx (x + n·x) = 1 + n, where n does not depend on x: the rule adds nothing for the draw.
    expect(grad!.some((v) => v !== 1)).toBe(true);
    expect(grad!.every(Number.isFinite)).toBe(true);
  });

  it('Dropout in training takes the mask and the 1/(1 − ratio) scale', async () => {
    const g = new OnnxGraph('t');
    const xv = g.input('x', [8, 8]);
    const [y, mask] = g.op('Dropout', [xv, g.constant(Float32Array.of(0.25), []), g.constant(Uint8Array.of(1), [])], { seed: 7 });
    const loss = g.op1('ReduceSum', [g.op1('Mul', [y!, xv])], { keepdims: 0 });
    const [dx] = gradients(g, loss, [xv]);
    g.output(dx!, 'dx');
    g.output(y!, 'y');
    g.output(g.op1('Cast', [mask!], { to: 1 }), 'mask');
    const [grad, yv, m] = await runOnce(g, x, [8, 8], ['dx', 'y', 'mask']);
    // loss = Σ x²·m/(1−r): dx = 2·x·m/(1−r) = 2·y.
    expect(m!.some((v) => v === 0) && m!.some((v) => v === 1)).toBe(true);
    for (let i = 0; i < 64; i++) expect(grad![i]).toBeCloseTo((2 * x[i]! * m![i]!) / 0.75, 5);
    for (let i = 0; i < 64; i++) expect(grad![i]).toBeCloseTo(2 * yv![i]!, 5);
  });

  it('Dropout in inference passes the gradient through', async () => {
    const g = new OnnxGraph('t');
    const xv = g.input('x', [8, 8]);
    const [y] = g.op('Dropout', [xv, g.constant(Float32Array.of(0.5), [])]);
    const [dx] = gradients(g, g.op1('ReduceSum', [g.op1('Mul', [y!, y!])], { keepdims: 0 }), [xv]);
    g.output(dx!, 'dx');
    const [grad] = await runOnce(g, x, [8, 8], ['dx']);
    for (let i = 0; i < 64; i++) expect(grad![i]).toBeCloseTo(2 * x[i]!, 5);
  });
});
