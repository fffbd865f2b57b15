/**
 * The ONNX engine's training step against the tfjs engine (cpu backend) on the same spec, seed,
 * weights and batches: the same stats every step, the same weights and optimizer slots after,
 * a non-finite step leaves everything as it was, and evaluate/predict agree.
 */
import { describe, expect, it } from 'vitest';
import { onnxEngine } from '../../src/backends/onnx/engine.js';
import { onnxOptimizer } from '../../src/backends/onnx/optimizers.js';
import { bucket, gatherRows, sparseTables } from '../../src/backends/onnx/tables.js';
import { buildGraph } from '../../src/backends/onnx/train-step.js';
import { tfjsEngine } from '../../src/backends/tfjs/engine.js';
import type { Batch, TrainEngine } from '../../src/train/engine.js';
import { expectNamedClose, planOf, randomBatch } from './train-helpers.js';
import { rngFor } from '../../src/train/random.js';
import { cpuTf } from '../train/helpers.js';

const MLP = `
nnspec: 1
name: mlp
inputs:
  x: {shape: [6]}
layers:
  hidden: {type: Dense, units: 5, activation: relu, kernel_regularizer: l2}
  out:    {type: Dense, units: 3, activation: softmax}
outputs: [out]
training:
  optimizer: {type: adam, learning_rate: 0.05}
  loss: categorical_crossentropy
  metrics: [acc]
`;

async function engines(text: string): Promise<{ onnx: TrainEngine; tfjs: TrainEngine }> {
  const tf = await cpuTf();
  const plan = planOf(text);
  return { onnx: onnxEngine(tf, plan, { threads: 1, device: 'cpu' }), tfjs: tfjsEngine(tf, plan) };
}

describe('ONNX training step', () => {
  it('starts from the tfjs engine\'s seeded weights and model description', async () => {
    const { onnx, tfjs } = await engines(MLP);
    expect(await onnx.readWeights()).toEqual(await tfjs.readWeights());
    expect(onnx.describe()).toEqual(tfjs.describe());
    expect(await onnx.readSlots()).toEqual({ iterations: 0, slots: [] });
  });

  it('takes the same steps as the tfjs engine (full and partial batches)', async () => {
    const { onnx, tfjs } = await engines(MLP);
    for (let s = 0; s < 6; s++) {
      const batch = randomBatch(s % 3 === 2 ? 3 : 8, s);
      const a = await onnx.step(batch, rngFor(1, 'step', s));
      const b = await tfjs.step(batch, rngFor(1, 'step', s));
      [...b].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 5));
    }
    expectNamedClose(await onnx.readWeights(), await tfjs.readWeights(), 1e-5);
    const [sa, sb] = [await onnx.readSlots(), await tfjs.readSlots()];
    expect(sa.iterations).toBe(6);
    expect(sb.iterations).toBe(6);
    expectNamedClose(sa.slots, sb.slots, 1e-5);
    const batch = randomBatch(5, 99);
    const [ea, eb] = [await onnx.evaluate(batch), await tfjs.evaluate(batch)];
    [...eb].forEach((x, i) => expect(ea[i]).toBeCloseTo(x, 5));
    const [pa, pb] = [await onnx.predict({ ...batch, targets: [] }), await tfjs.predict({ ...batch, targets: [] })];
    expect(pa[0]!.shape).toEqual(pb[0]!.shape);
    [...pb[0]!.values].forEach((x, i) => expect(pa[0]!.values[i]).toBeCloseTo(x, 6));
  });

  it('does not apply a non-finite step', async () => {
    const { onnx } = await engines(MLP);
    await onnx.step(randomBatch(4, 1), rngFor(1));
    const before = await onnx.readWeights();
    const slots = await onnx.readSlots();
    const bad = randomBatch(4, 2);
    (bad.inputs[0]!.values as Float32Array)[0] = Number.NaN;
    const stats = await onnx.step(bad, rngFor(2));
    expect(Number.isNaN(stats[0])).toBe(true);
    expect(await onnx.readWeights()).toEqual(before);
    expect(await onnx.readSlots()).toEqual(slots);
  });

  it('restores weights and slots written by the tfjs engine and continues as it does', async () => {
    const { onnx, tfjs } = await engines(MLP);
    for (let s = 0; s < 3; s++) await tfjs.step(randomBatch(8, s), rngFor(1, s));
    await onnx.writeWeights(await tfjs.readWeights());
    await onnx.writeSlots(await tfjs.readSlots());
    const batch = randomBatch(8, 50);
    const [a, b] = [await onnx.step(batch, rngFor(3)), await tfjs.step(batch, rngFor(3))];
    [...b].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 5));
    expectNamedClose(await onnx.readWeights(), await tfjs.readWeights(), 1e-5);
  });
});

const TABLE = (optimizer: string, maskZero: boolean) => `
nnspec: 1
name: table
inputs:
  ids: {shape: [5], dtype: int32}
layers:
  embedded: {type: Embedding, input_dim: 40, output_dim: 3, mask_zero: ${maskZero}}
  flat:     {type: Flatten}
  out:      {type: Dense, units: 2, activation: softmax}
outputs: [out]
training:
  optimizer: ${optimizer}
  loss: sparse_categorical_crossentropy
  metrics: [acc]
`;

function idsBatch(size: number, seed: number, vocab: number): Batch {
  const rng = rngFor(seed, 'ids');
  // Few distinct ids per batch, so most rows sit out most steps.
  const ids = Int32Array.from({ length: size * 5 }, () => (rng.next() < 0.2 ? 0 : 1 + rng.int(Math.min(vocab - 1, 6 + seed * 5))));
  const y = Int32Array.from({ length: size }, () => rng.int(2));
  return { size, inputs: [{ values: ids, shape: [size, 5], dtype: 'int32' }], targets: [{ values: y, shape: [size, 1], dtype: 'int32' }] };
}

describe('tables fed row by row', () => {
  it.each([
    ['rmsprop', false],
    ['rmsprop', true],
    ['{type: rmsprop, centered: true, clipnorm: 0.5}', false],
    ['{type: adagrad, learning_rate: 0.1}', false],
    ['{type: adadelta, learning_rate: 1}', false],
    ['{type: sgd, learning_rate: 0.5}', false],
  ] as const)('%s (mask_zero %s): the same steps, weights and slots as the dense tfjs engine', async (optimizer, maskZero) => {
    const tf = await cpuTf();
    const plan = planOf(TABLE(optimizer, maskZero));
    expect(sparseTables(plan.graph, onnxOptimizer(plan.optimizer!), 1).map((t) => t.weight)).toEqual(['embedded/embeddings']);
    const onnx = onnxEngine(tf, plan, { threads: 1, device: 'cpu', sparseMinElements: 1 });
    const tfjs = tfjsEngine(tf, plan);
    for (let s = 0; s < 7; s++) {
      const batch = idsBatch(s === 6 ? 3 : 6, s, 40);
      const [a, b] = [await onnx.step(batch, rngFor(1, s)), await tfjs.step(batch, rngFor(1, s))];
      [...b].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 5));
    }
    expectNamedClose(await onnx.readWeights(), await tfjs.readWeights(), 1e-5);
    const [sa, sb] = [await onnx.readSlots(), await tfjs.readSlots()];
    expectNamedClose(sa.slots, sb.slots, 1e-5);
    const batch = idsBatch(4, 20, 40);
    const [ea, eb] = [await onnx.evaluate(batch), await tfjs.evaluate(batch)];
    [...eb].forEach((x, i) => expect(ea[i]).toBeCloseTo(x, 5));
  });

  it('stay dense where a zero gradient still moves the weights, below the size limit, or when regularized', () => {
    const plan = planOf(TABLE('adam', false));
    expect(sparseTables(plan.graph, onnxOptimizer(plan.optimizer!), 1)).toEqual([]);
    const rms = planOf(TABLE('rmsprop', false));
    expect(sparseTables(rms.graph, onnxOptimizer(rms.optimizer!))).toEqual([]);
    const reg = planOf(TABLE('rmsprop', false).replace('mask_zero: false', 'mask_zero: false, embeddings_regularizer: l2'));
    expect(sparseTables(reg.graph, onnxOptimizer(reg.optimizer!), 1)).toEqual([]);
  });

  it('feeds row 0 first, each touched row once, padded to a bucket', () => {
    const plan = planOf(TABLE('rmsprop', true));
    const [table] = sparseTables(plan.graph, onnxOptimizer(plan.optimizer!), 1);
    const batch: Batch = { size: 2, inputs: [{ values: Int32Array.of(7, 3, 7, 0, 9, 3, 3, 3, 3, 3), shape: [2, 5], dtype: 'int32' }], targets: [] };
    const g = gatherRows(table!, batch, new Int32Array(40).fill(-1));
    expect(g.used).toBe(4);
    expect([...g.rows]).toEqual([0, 7, 3, 9]);
    expect([...g.batch.inputs[0]!.values]).toEqual([1, 2, 1, 0, 3, 2, 2, 2, 2, 2]);
    expect([1, 2, 3, 5, 7, 9, 13, 100].map((n) => bucket(n, 64))).toEqual([1, 2, 3, 6, 8, 12, 16, 64]);
  });
});

describe('moving statistics and frozen layers', () => {
  it('BatchNormalization moving statistics and a frozen layer follow the tfjs engine', async () => {
    const text = `
nnspec: 1
name: bn
inputs:
  x: {shape: [6]}
layers:
  frozen: {type: Dense, units: 5, trainable: false}
  norm:   {type: BatchNormalization, momentum: 0.9}
  act:    {type: Activation, activation: relu}
  out:    {type: Dense, units: 3, activation: softmax}
outputs: [out]
training:
  optimizer: {type: sgd, learning_rate: 0.1, momentum: 0.9}
  loss: categorical_crossentropy
`;
    const tf = await cpuTf();
    const plan = planOf(text);
    const onnx = onnxEngine(tf, plan, { threads: 1, device: 'cpu' });
    const tfjs = tfjsEngine(tf, plan);
    const start = await onnx.readWeights();
    for (let s = 0; s < 4; s++) {
      const batch = randomBatch(8, s);
      const [a, b] = [await onnx.step(batch, rngFor(1, s)), await tfjs.step(batch, rngFor(1, s))];
      [...b].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 5));
    }
    const weights = await onnx.readWeights();
    expectNamedClose(weights, await tfjs.readWeights(), 1e-5);
    const byName = (ws: typeof weights, n: string) => ws.find((w) => w.name === n)!.values;
    expect(byName(weights, 'frozen/kernel')).toEqual(byName(start, 'frozen/kernel'));
    expect(byName(weights, 'norm/moving_mean')).not.toEqual(byName(start, 'norm/moving_mean'));
    const slots = await onnx.readSlots();
    expect(slots.slots.map((s) => s.name)).toEqual((await tfjs.readSlots()).slots.map((s) => s.name));
    expect(slots.slots.some((s) => s.name.startsWith('frozen/'))).toBe(false);
  });
});

describe('dropout and noise', () => {
  const DROPOUT = `
nnspec: 1
name: drop
inputs:
  x: {shape: [6]}
layers:
  hidden: {type: Dense, units: 16, activation: relu}
  noisy:  {type: GaussianNoise, stddev: 0.1}
  drop:   {type: Dropout, rate: 0.5}
  out:    {type: Dense, units: 3, activation: softmax}
outputs: [out]
training: {optimizer: adam, loss: categorical_crossentropy}
`;

  it("draws from the step's random stream: the same stream, the same step; another stream, another step", async () => {
    const tf = await cpuTf();
    const plan = planOf(DROPOUT);
    const [a, b, c] = [0, 1, 2].map(() => onnxEngine(tf, plan, { threads: 1, device: 'cpu' }));
    const batch = randomBatch(8, 3);
    const sa = await a!.step(batch, rngFor(5, 'step', 0, 0));
    const sb = await b!.step(batch, rngFor(5, 'step', 0, 0));
    const sc = await c!.step(batch, rngFor(5, 'step', 0, 1));
    expect([...sa]).toEqual([...sb]);
    expect(sc[0]).not.toBe(sa[0]);
    expect(await a!.readWeights()).toEqual(await b!.readWeights());
    const shapes = { inputs: { x: { shape: [8, 6], dtype: 'float32' as const } }, targets: { out: { shape: [8, 3], dtype: 'float32' as const } } };
    const built = buildGraph({ graph: plan.graph, outputs: plan.outputs, optimizer: onnxOptimizer(plan.optimizer!), seed: 1 }, 'train', shapes);
    expect(built.noise.map((n) => [n.kind, n.shape])).toEqual([['normal', [8, 16]], ['uniform', [8, 16]]]);
    // Inference has no randomness.
    const [ea, ec] = [await a!.evaluate(batch), await a!.evaluate(batch)];
    expect([...ea]).toEqual([...ec]);
  });
});
