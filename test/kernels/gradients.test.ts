/**
 * End to end: tf.grad of the ops behind Embedding, Conv1D, Conv2D, SeparableConv2D, Conv2DTranspose
 * and DepthwiseConv2D runs on wasm with the gap kernels and equals the cpu backend's gradient (its
 * own kernels: only wasm gets ours here), and one training step of a small model matches too.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGapKernels } from '../../src/backends/tfjs/kernels/index.js';
import { expectClose, randomArray, setup, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup(['wasm']);
});

interface Case {
  name: string;
  /** Input shapes; integer inputs (ids) are listed in `ids`. */
  shapes: number[][];
  ids?: { index: number; max: number };
  f(tf: Setup['tf'], ...xs: Tensor[]): Tensor;
}

const CASES: Case[] = [
  {
    name: 'embedding lookup (gather)',
    shapes: [[50, 8], [4, 6]],
    ids: { index: 1, max: 50 },
    f: (tf, table, ids) => tf.gather(table!, ids!.cast('int32')),
  },
  { name: 'conv1d stride 2 same', shapes: [[3, 17, 4], [5, 4, 6]], f: (tf, x, w) => tf.conv1d(x as never, w as never, 2, 'same') },
  { name: 'conv1d stride 1 valid', shapes: [[2, 12, 3], [3, 3, 5]], f: (tf, x, w) => tf.conv1d(x as never, w as never, 1, 'valid') },
  { name: 'conv2d stride 2 same', shapes: [[2, 9, 8, 3], [3, 3, 3, 4]], f: (tf, x, w) => tf.conv2d(x as never, w as never, 2, 'same') },
  { name: 'conv2d stride 1 valid', shapes: [[2, 7, 7, 2], [2, 3, 2, 3]], f: (tf, x, w) => tf.conv2d(x as never, w as never, 1, 'valid') },
  {
    name: 'separableConv2d multiplier 2 same',
    shapes: [[2, 8, 8, 3], [3, 3, 3, 2], [1, 1, 6, 4]],
    f: (tf, x, dw, pw) => tf.separableConv2d(x as never, dw as never, pw as never, 1, 'same'),
  },
  {
    name: 'separableConv2d stride 2 valid',
    shapes: [[2, 9, 9, 2], [3, 3, 2, 1], [1, 1, 2, 3]],
    f: (tf, x, dw, pw) => tf.separableConv2d(x as never, dw as never, pw as never, 2, 'valid'),
  },
  {
    name: 'conv2dTranspose stride 2 same',
    shapes: [[2, 4, 4, 3], [3, 3, 5, 3]],
    f: (tf, x, w) => tf.conv2dTranspose(x as never, w as never, [2, 8, 8, 5], 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 1 valid',
    shapes: [[2, 5, 5, 3], [2, 2, 4, 3]],
    f: (tf, x, w) => tf.conv2dTranspose(x as never, w as never, [2, 6, 6, 4], 1, 'valid'),
  },
  { name: 'depthwiseConv2d stride 1 same', shapes: [[2, 7, 7, 3], [3, 3, 3, 1]], f: (tf, x, w) => tf.depthwiseConv2d(x as never, w as never, 1, 'same') },
  { name: 'bias add (Sum over leading axes)', shapes: [[2, 5, 4, 3], [3]], f: (tf, x, b) => tf.add(x!, b!) },
  { name: 'maxPool 2×2 stride 2 valid', shapes: [[2, 8, 6, 3]], f: (tf, x) => tf.maxPool(x as never, 2, 2, 'valid') },
  { name: 'maxPool1d-shaped 5×1 stride 5', shapes: [[2, 17, 1, 4]], f: (tf, x) => tf.maxPool(x as never, [5, 1], [5, 1], 'valid') },
  // 'valid': under 'same' tfjs's own AvgPoolGrad (the cpu reference here) is wrong (pool-grad.ts).
  { name: 'avgPool 3×3 stride 2 valid', shapes: [[2, 7, 6, 3]], f: (tf, x) => tf.avgPool(x as never, 3, 2, 'valid') },
  { name: 'depthwiseConv2d stride 2 valid, multiplier 2', shapes: [[2, 9, 8, 3], [3, 3, 3, 2]], f: (tf, x, w) => tf.depthwiseConv2d(x as never, w as never, 2, 'valid') },
];

/** Gradients of sum(f(xs) · r) with respect to every float input, on one backend. */
async function gradients(backend: string, c: Case, seed: number): Promise<Float32Array[]> {
  const tf = s.tf;
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = c.shapes.map((shape, i) => {
      if (c.ids?.index === i) return tf.randomUniform(shape, 0, c.ids.max, 'int32', seed + i).cast('float32');
      const a = randomArray(shape, seed + i);
      return tf.tensor(a.values, shape);
    });
    const out = c.f(tf, ...xs);
    const r = tf.tensor(randomArray(out.shape, seed + 99).values, out.shape);
    const floats = xs.map((_, i) => i).filter((i) => c.ids?.index !== i);
    const g = tf.grads((...v: Tensor[]) => {
      const all = [...xs];
      floats.forEach((i, k) => (all[i] = v[k]!));
      return tf.sum(tf.mul(c.f(tf, ...all), r));
    });
    return g(floats.map((i) => xs[i]!)).map((t) => t.dataSync() as Float32Array);
  });
}

describe('gradients on wasm equal the cpu backend', () => {
  it('throw on wasm without the gap kernels (what they fix)', async () => {
    s.gap.restore();
    try {
      await expect(gradients('wasm', CASES[0]!, 0)).rejects.toThrow(/UnsortedSegmentSum/);
      await expect(gradients('wasm', CASES[1]!, 0)).rejects.toThrow(/Conv2DBackpropFilter/);
    } finally {
      s.gap = registerGapKernels(s.tf, 'wasm');
    }
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_, c, i) => {
    const wasm = await gradients('wasm', c, 10 * i);
    const cpu = await gradients('cpu', c, 10 * i);
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((g, k) => expectClose(g, cpu[k]!));
  });
});

describe('a training step on wasm equals the cpu backend', () => {
  /** Embedding → Conv1D → SeparableConv2D (via reshape) → pooling → Dense, one SGD step. */
  async function trainedWeights(backend: string): Promise<Float32Array[]> {
    const tf = s.tf;
    await tf.setBackend(backend);
    const input = tf.input({ shape: [12], dtype: 'int32' });
    let h = tf.layers.embedding({ inputDim: 40, outputDim: 6 }).apply(input) as ReturnType<typeof tf.input>;
    h = tf.layers.conv1d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h) as typeof h;
    h = tf.layers.reshape({ targetShape: [6, 8, 1] }).apply(h) as typeof h;
    h = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(h) as typeof h;
    h = tf.layers.depthwiseConv2d({ kernelSize: 2, strides: 2 }).apply(h) as typeof h;
    h = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(h) as typeof h;
    h = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2 }).apply(h) as typeof h;
    h = tf.layers.flatten().apply(h) as typeof h;
    const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(h) as typeof h;
    const model = tf.model({ inputs: input, outputs: out });
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomArray(w.shape, 5000 + i).values, w.shape)));
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
    const ids = Int32Array.from({ length: 8 * 12 }, (_, i) => (i * 7 + 3) % 40);
    const x = tf.tensor2d(ids, [8, 12], 'int32');
    const y = tf.tensor2d(Float32Array.from({ length: 8 }, (_, i) => i % 3), [8, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    // The step must have moved every weight tensor, or equal results would prove nothing.
    weights.forEach((w, i) => {
      const before = randomArray([w.length], 5000 + i).values;
      expect(w.some((v, j) => Math.abs(v - before[j]!) > 1e-6)).toBe(true);
    });
    return weights;
  }

  it('Embedding, Conv1D, SeparableConv2D, DepthwiseConv2D, Conv2DTranspose, Conv2D, Dense', async () => {
    const wasm = await trainedWeights('wasm');
    const cpu = await trainedWeights('cpu');
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((w, k) => expectClose(w, cpu[k]!));
  });
});
