/**
 * Training graphs: dropout and noise are active and random (and only then), BatchNormalization
 * normalises with the batch's statistics and reports Keras's moving-average updates, a frozen
 * BatchNormalization stays in inference mode (Keras 3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { buildModel } from '../../src/backends/tfjs/build.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { makeFeeds, randomizeWeights, runOnnx, specGraph } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

const spec = (layers: string, input = '{shape: [6, 16]}') => `
nnspec: 1
name: t
inputs:
  x: ${input}
layers:
${layers}
outputs: [y]
`;

function closeTo(a: Float32Array, b: ArrayLike<number>, tol = 1e-5): number {
  let worst = 0;
  const scale = Math.max(...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + 0.1 * scale));
  expect(a.length).toBe(b.length);
  expect(worst).toBeLessThan(tol);
  return worst;
}

describe('dropout and noise', () => {
  it('Dropout keeps x / (1 - rate) or drops to 0, at the rate, in training only', async () => {
    const graph = specGraph(spec('  y: {type: Dropout, rate: 0.3, inputs: x}'));
    const feeds = makeFeeds(graph, { batch: 200 });
    const x = feeds.data.x as Float32Array;
    const train = await runOnnx(graph, feeds, { training: true });
    const y = train.outputs.get('y')!;
    let dropped = 0;
    for (let i = 0; i < x.length; i++) {
      if (y[i] === 0) dropped++;
      else expect(Math.abs(y[i]! - x[i]! / 0.7)).toBeLessThan(1e-5 * (1 + Math.abs(x[i]!)));
    }
    expect(dropped / x.length).toBeGreaterThan(0.27);
    expect(dropped / x.length).toBeLessThan(0.33);
    const y2 = (await train.again()).get('y')!;
    expect(Array.from(y2)).not.toEqual(Array.from(y));
    await train.release();
    const infer = await runOnnx(graph, feeds, { training: false });
    expect(Array.from(infer.outputs.get('y')!)).toEqual(Array.from(x));
    await infer.release();
  });

  it('noise_shape shares one draw along the axes of size 1; SpatialDropout1D drops whole channels', async () => {
    for (const layer of ['  y: {type: Dropout, rate: 0.5, noise_shape: [null, 1, 16], inputs: x}', '  y: {type: SpatialDropout1D, rate: 0.5, inputs: x}']) {
      const graph = specGraph(spec(layer));
      const feeds = makeFeeds(graph, { batch: 20 });
      const run = await runOnnx(graph, feeds, { training: true });
      const y = run.outputs.get('y')!;
      let channelsDropped = 0;
      for (let b = 0; b < 20; b++) {
        for (let c = 0; c < 16; c++) {
          const column = Array.from({ length: 6 }, (_, t) => y[(b * 6 + t) * 16 + c] === 0);
          expect(new Set(column).size).toBe(1);
          if (column[0]) channelsDropped++;
        }
      }
      expect(channelsDropped).toBeGreaterThan(100);
      expect(channelsDropped).toBeLessThan(220);
      await run.release();
    }
  });

  it('GaussianNoise adds N(0, stddev) in training only', async () => {
    const graph = specGraph(spec('  y: {type: GaussianNoise, stddev: 0.5, inputs: x}'));
    const feeds = makeFeeds(graph, { batch: 300 });
    const x = feeds.data.x as Float32Array;
    const run = await runOnnx(graph, feeds, { training: true });
    const noise = Array.from(run.outputs.get('y')!, (v, i) => v - x[i]!);
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.02);
    await run.release();
    const infer = await runOnnx(graph, feeds, { training: false });
    expect(Array.from(infer.outputs.get('y')!)).toEqual(Array.from(x));
    await infer.release();
  });

  it('recurrent dropout and input dropout change the training output only', async () => {
    const graph = specGraph(spec('  y: {type: LSTM, units: 4, dropout: 0.5, recurrent_dropout: 0.5, inputs: x}'));
    const feeds = makeFeeds(graph, { batch: 3 });
    const train = await runOnnx(graph, feeds, { training: true });
    const infer = await runOnnx(graph, feeds, { training: false, weights: train.weights });
    const plain = specGraph(spec('  y: {type: LSTM, units: 4, inputs: x}'));
    const reference = await runOnnx(plain, feeds, { training: true, weights: train.weights });
    expect(Array.from(infer.outputs.get('y')!)).toEqual(Array.from(reference.outputs.get('y')!));
    expect(Array.from(train.outputs.get('y')!)).not.toEqual(Array.from(infer.outputs.get('y')!));
    for (const r of [train, infer, reference]) await r.release();
  });
});

describe('BatchNormalization', () => {
  it('training: batch statistics and the moving averages as tfjs computes them', async () => {
    const graph = specGraph(spec('  y: {type: BatchNormalization, momentum: 0.9, inputs: x}', '{shape: [4, 4, 3]}'));
    const built = buildModel(graph, tf);
    randomizeWeights(tf, graph, built.layers as never);
    const feeds = makeFeeds(graph, { batch: 3 });
    const weights = new Map(graph.layers[0]!.weights!.map((w, i) => [`y/${w.name}`, built.layers.get('y')!.weights[i]!.read().dataSync() as Float32Array]));
    const run = await runOnnx(graph, feeds, { training: true, weights: new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)])) });
    const expected = (built.model.apply(tf.tensor(feeds.data.x!, feeds.shapes.x), { training: true }) as ReturnType<Tf['tensor']>).dataSync();
    closeTo(run.outputs.get('y')!, expected);
    const after = built.layers.get('y')!.weights.map((w) => w.read().dataSync());
    expect([...run.updates.keys()]).toEqual(['y/moving_mean', 'y/moving_variance']);
    closeTo(run.updates.get('y/moving_mean')!, after[2]!);
    closeTo(run.updates.get('y/moving_variance')!, after[3]!);
    built.model.dispose();
    await run.release();
  });

  it('frozen (trainable: false): inference mode in a training graph, no updates (Keras 3)', async () => {
    const frozen = specGraph(spec('  y: {type: BatchNormalization, trainable: false, inputs: x}', '{shape: [4, 4, 3]}'));
    const feeds = makeFeeds(frozen, { batch: 3 });
    const train = await runOnnx(frozen, feeds, { training: true });
    const infer = await runOnnx(frozen, feeds, { training: false, weights: train.weights });
    expect(train.updates.size).toBe(0);
    expect(Array.from(train.outputs.get('y')!)).toEqual(Array.from(infer.outputs.get('y')!));
    expect(train.forward.weights.map((w) => w.trainable)).toEqual([false, false, false, false]);
    for (const r of [train, infer]) await r.release();
  });

  it('a shared layer updates its moving statistics call after call (one update, chained)', async () => {
    const graph = specGraph(`
nnspec: 1
name: t
inputs:
  a: {shape: [2]}
  b: {shape: [2]}
layers:
  bn_a: {type: BatchNormalization, momentum: 0.5, inputs: a}
  bn_b: {shares: bn_a, inputs: b}
outputs: [bn_a, bn_b]
`);
    const feeds = makeFeeds(graph, { batch: 4 });
    const run = await runOnnx(graph, feeds, { training: true });
    expect([...run.updates.keys()]).toEqual(['bn_a/moving_mean', 'bn_a/moving_variance']);
    const m0 = run.weights.get('bn_a/moving_mean')!;
    const batchMean = (x: Float32Array, j: number) => (x[j]! + x[2 + j]! + x[4 + j]! + x[6 + j]!) / 4;
    const expected = [0, 1].map((j) => {
      const m1 = m0[j]! - (m0[j]! - batchMean(feeds.data.a as Float32Array, j)) * 0.5;
      return m1 - (m1 - batchMean(feeds.data.b as Float32Array, j)) * 0.5;
    });
    closeTo(run.updates.get('bn_a/moving_mean')!, expected);
    await run.release();
  });
});
