/**
 * nnspec's TensorFlow.js GRU with reset_after: true (Keras's default, missing from tfjs): the
 * forward pass against a hand computation, gradients and training, model.json round trips, the
 * emitter's choice between it and tfjs's own GRU, and nnspec's shapes and weights against it
 * (the oracle test skips reset_after GRUs, so the comparison is made here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { resetAfterGru } from '../../src/backends/tfjs/layers/gru.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { compile } from '../../src/compiler/compile.js';
import { compileText, ROOT, specWith } from '../helpers.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Keras GRUCell.call with reset_after=True, written out for one sample; gate blocks z, r, h. */
function kerasGru(xs: number[][], W: number[][], U: number[][], b: number[][] | null, units: number): number[][] {
  let h = new Array<number>(units).fill(0);
  const out: number[][] = [];
  for (const x of xs) {
    const xw = (j: number) => x.reduce((s, xi, i) => s + xi * W[i]![j]!, 0) + (b ? b[0]![j]! : 0);
    const hu = (j: number) => h.reduce((s, hk, k) => s + hk * U[k]![j]!, 0) + (b ? b[1]![j]! : 0);
    const idx = [...Array(units).keys()];
    const z = idx.map((j) => sigmoid(xw(j) + hu(j)));
    const r = idx.map((j) => sigmoid(xw(units + j) + hu(units + j)));
    const candidate = idx.map((j) => Math.tanh(xw(2 * units + j) + r[j]! * hu(2 * units + j)));
    h = idx.map((j) => z[j]! * h[j]! + (1 - z[j]!) * candidate[j]!);
    out.push(h);
  }
  return out;
}

/** Fixed, varied weights: value(i, j) in [-0.5, 0.5]. */
const matrix = (rows: number, cols: number, salt: number) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (((i * 7 + j * 3 + salt) % 11) - 5) / 10));

/** A spec with input `x` of the given shape and layers given as YAML lines (2-space indented). */
const spec = (shape: string, layers: string, outputs = 'g') => specWith(`  x: {shape: ${shape}}`, layers, outputs);

function build(text: string) {
  const r = compileText(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { graph: r.graph!, ...buildModel(r.graph!, tf) };
}

type Tensor = tfTypes.Tensor;

describe('the emitter', () => {
  it('uses nnspec\'s GRU for reset_after: true (the default) and tfjs\'s own for false', () => {
    const { layers, model } = build(spec('[4, 3]', '  g: {type: GRU, units: 2}\n  f: {type: GRU, units: 2, reset_after: false, inputs: x}', 'g, f'));
    expect(layers.get('g')).toBeInstanceOf(resetAfterGru(tf).ResetAfterGRU);
    expect(layers.get('g')!.getClassName()).toBe('ResetAfterGRU');
    expect(layers.get('f')!.getClassName()).toBe('GRU');
    expect(layers.get('f')).not.toBeInstanceOf(resetAfterGru(tf).ResetAfterGRU);
    model.dispose();
  });

  it('exists because tfjs 4.22\'s GRUCell throws for resetAfter', () => {
    expect(() => tf.layers.gruCell({ units: 2, resetAfter: true })).toThrow(/reset_after/);
  });

  it('has Keras\'s weight names and shapes, bias [2, 3u]', () => {
    const { layers, model } = build(spec('[4, 5]', '  g: {type: GRU, units: 3}'));
    expect(layers.get('g')!.weights.map((w) => [w.name.replace(/_\d+$/, ''), w.shape])).toEqual([
      ['g/kernel', [5, 9]],
      ['g/recurrent_kernel', [3, 9]],
      ['g/bias', [2, 9]],
    ]);
    expect(layers.get('g')!.countParams()).toBe(3 * (3 * (5 + 3) + 2 * 3));
    model.dispose();
  });

  it('passes sigmoid gates and the cell arguments', () => {
    const { layers, model } = build(spec('[4, 5]', '  g: {type: GRU, units: 3, dropout: 0.25, go_backwards: true, return_sequences: true}'));
    expect(layers.get('g')!.getConfig()).toMatchObject({ units: 3, recurrentActivation: 'sigmoid', activation: 'tanh', resetAfter: true, dropout: 0.25, goBackwards: true, returnSequences: true });
    model.dispose();
  });
});

describe('the forward pass equals Keras\'s reset_after GRU', () => {
  const W = matrix(2, 9, 1);
  const U = matrix(3, 9, 4);
  const B = matrix(2, 9, 8);
  const xs = [
    [[0.5, -1], [2, 0.25]],
    [[-0.3, 0.8], [0, -1.5]],
  ];

  it.each([
    ['with bias', true],
    ['without bias', false],
  ])('2 timesteps, 3 units, 2 features, %s', (_, useBias) => {
    const { layers, model } = build(spec('[2, 2]', `  g: {type: GRU, units: 3, return_sequences: true, use_bias: ${useBias}}`));
    const weights = [tf.tensor2d(W), tf.tensor2d(U), ...(useBias ? [tf.tensor2d(B)] : [])];
    layers.get('g')!.setWeights(weights);
    const y = (model.predict(tf.tensor3d(xs)) as Tensor).arraySync() as number[][][];
    xs.forEach((sample, i) => {
      const expected = kerasGru(sample, W, U, useBias ? B : null, 3);
      expected.forEach((row, t) => row.forEach((v, j) => expect(y[i]![t]![j]).toBeCloseTo(v, 5)));
    });
    model.dispose();
  });

  it('go_backwards reads the sequence from the end', () => {
    const { layers, model } = build(spec('[2, 2]', '  g: {type: GRU, units: 3, go_backwards: true}'));
    layers.get('g')!.setWeights([tf.tensor2d(W), tf.tensor2d(U), tf.tensor2d(B)]);
    const y = (model.predict(tf.tensor3d(xs)) as Tensor).arraySync() as number[][];
    const expected = kerasGru([...xs[0]!].reverse(), W, U, B, 3).at(-1)!;
    expected.forEach((v, j) => expect(y[0]![j]).toBeCloseTo(v, 5));
    model.dispose();
  });

  it('differs from reset_after: false on the same weights (the reset gate really moves)', () => {
    const after = build(spec('[2, 2]', '  g: {type: GRU, units: 3, use_bias: false}'));
    const before = build(spec('[2, 2]', '  g: {type: GRU, units: 3, use_bias: false, reset_after: false}'));
    after.layers.get('g')!.setWeights([tf.tensor2d(W), tf.tensor2d(U)]);
    before.layers.get('g')!.setWeights([tf.tensor2d(W), tf.tensor2d(U)]);
    const a = (after.model.predict(tf.tensor3d(xs)) as Tensor).arraySync() as number[][];
    const b = (before.model.predict(tf.tensor3d(xs)) as Tensor).arraySync() as number[][];
    expect(Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i]!)))).toBeGreaterThan(1e-3);
    after.model.dispose();
    before.model.dispose();
  });
});

describe('training', () => {
  const text = spec(
    '[6, 2]',
    [
      '  g: {type: GRU, units: 4, kernel_initializer: {type: glorot_uniform, seed: 1}, recurrent_initializer: {type: orthogonal, seed: 2}}',
      '  out: {type: Dense, units: 1, kernel_initializer: {type: glorot_uniform, seed: 3}}',
    ].join('\n'),
    'out',
  );
  /** Toy task: the mean of the first feature over time. */
  function data() {
    const x = tf.randomUniform([32, 6, 2], -1, 1, 'float32', 7);
    const y = tf.mean(tf.slice(x, [0, 0, 0], [32, 6, 1]), 1);
    return { x, y };
  }

  it('gradients reach every GRU weight and are finite', () => {
    const { model } = build(text);
    const { x, y } = data();
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as Tensor) as tfTypes.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const gru = Object.entries(grads).filter(([name]) => name.startsWith('g/'));
    expect(gru.map(([name]) => name.replace(/_\d+$/, '')).sort()).toEqual(['g/bias', 'g/kernel', 'g/recurrent_kernel']);
    for (const [, g] of gru) {
      const v = Array.from(g.dataSync());
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.some((e) => e !== 0)).toBe(true);
    }
    model.dispose();
  });

  it('the loss falls over a few SGD steps', () => {
    const { model } = build(text);
    const { x, y } = data();
    const optimizer = tf.train.sgd(0.5);
    const loss = () => tf.losses.meanSquaredError(y, model.apply(x) as Tensor) as tfTypes.Scalar;
    const first = loss().dataSync()[0]!;
    for (let i = 0; i < 30; i++) optimizer.minimize(loss);
    const last = loss().dataSync()[0]!;
    expect(last).toBeLessThan(first * 0.5);
    model.dispose();
  });

  it('dropout masks are drawn afresh at every call and only in training', () => {
    // Small random inputs and default initializers keep the gates out of saturation (with all-ones
    // weights tanh and sigmoid round to 1 in float32 whatever the masks), and the layer is wide
    // enough that two independent draws never give the same output by chance.
    const { layers, model } = build(spec('[5, 16]', '  g: {type: GRU, units: 8, dropout: 0.5, recurrent_dropout: 0.5}'));
    const gru = layers.get('g')! as unknown as { apply(x: Tensor, kwargs: Record<string, unknown>): Tensor; cell: { dropoutMask: Tensor[]; recurrentDropoutMask: Tensor[] } };
    const x = tf.randomNormal([4, 5, 16], 0, 0.5, 'float32', 7);
    const a = gru.apply(x, { training: true }).arraySync();
    // Keras draws one mask per gate when recurrent_dropout is set.
    expect([gru.cell.dropoutMask.length, gru.cell.recurrentDropoutMask.length]).toEqual([3, 3]);
    const b = gru.apply(x, { training: true }).arraySync();
    expect(a).not.toEqual(b);
    const c = gru.apply(x, { training: false }).arraySync();
    expect(gru.apply(x, { training: false }).arraySync()).toEqual(c);
    expect(gru.cell.dropoutMask).toBeNull();
    model.dispose();
  });
});

describe('model.json round trip', () => {
  async function roundTrip(model: tfTypes.LayersModel): Promise<tfTypes.LayersModel> {
    let saved: tfTypes.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    return tf.loadLayersModel(tf.io.fromMemory(saved!));
  }

  it.each([
    ['GRU', '  g: {type: GRU, units: 3, return_sequences: true}', 'ResetAfterGRU'],
    ['Bidirectional GRU', '  g: {type: Bidirectional, layer: {type: GRU, units: 3}, merge_mode: sum}', 'Bidirectional'],
  ])('%s reloads with the same class, weights and outputs', async (_, layers, className) => {
    const { model } = build(spec('[4, 2]', layers));
    const loaded = await roundTrip(model);
    expect(loaded.getLayer('g').getClassName()).toBe(className);
    expect(JSON.stringify(loaded.getLayer('g').getConfig())).toContain('"resetAfter":true');
    const x = tf.randomUniform([2, 4, 2], -1, 1, 'float32', 3);
    expect((loaded.predict(x) as Tensor).arraySync()).toEqual((model.predict(x) as Tensor).arraySync());
    model.dispose();
    loaded.dispose();
  });
});

describe('nnspec\'s shapes and weights equal this tfjs GRU (what the oracle skips)', () => {
  const file = join(ROOT, 'test/fixtures/valid/recurrent_gru_reset_after.yaml');

  it(file.slice(ROOT.length), () => {
    const result = compile(readFileSync(file), file);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = result.graph!;
    const built = buildModel(graph, tf);
    for (const node of graph.order) {
      expect({ node: node.name, shape: built.tensors.get(node.name)!.shape }).toEqual({ node: node.name, shape: [...node.output!.shape] });
    }
    for (const layer of graph.layers) {
      const t = built.layers.get(layer.name)!;
      expect({ layer: layer.name, weights: layer.weights!.map((w) => w.shape) }).toEqual({ layer: layer.name, weights: t.weights.map((w) => w.shape) });
      expect({ layer: layer.name, params: layer.params }).toEqual({ layer: layer.name, params: t.countParams() });
    }
    expect(graph.totalParams).toBe(built.model.countParams());
    built.model.dispose();
  });
});
