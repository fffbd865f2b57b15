/**
 * Issue 9's divergences from Keras 3, each checked on both engines against an independent
 * computation: values worked out by hand here, or NumPy-made goldens in test/fixtures/divergences/
 * (made by scripts/divergence-goldens.py, committed with them).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import type { Graph } from '../../src/compiler/graph.js';
import { runOnnx, specGraph } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

type Inputs = Record<string, { shape: number[]; values: number[] }>;

/** tfjs predict of the spec's single output, with the given weights (by spec layer, in Keras order). */
function tfjsPredict(graph: Graph, inputs: Inputs, weights: Record<string, number[][]> = {}, training = false): number[] {
  const { model, layers } = buildModel(graph, tf);
  try {
    for (const [layer, ws] of Object.entries(weights)) {
      const l = layers.get(layer)!;
      l.setWeights(ws.map((w, k) => tf.tensor(w, l.weights[k]!.shape as number[])));
    }
    const xs = graph.inputs.map((n) => tf.tensor(inputs[n.name]!.values, inputs[n.name]!.shape));
    const y = training ? (model.apply(xs, { training: true }) as ReturnType<Tf['tensor']>) : (model.predict(xs) as ReturnType<Tf['tensor']>);
    return Array.from(y.dataSync());
  } finally {
    model.dispose();
  }
}

/** The ONNX engine's forward output, with the same weights. */
async function onnxPredict(graph: Graph, inputs: Inputs, weights: Record<string, number[][]> = {}, training = false): Promise<number[]> {
  const { model, layers } = buildModel(graph, tf);
  const byName = new Map<string, Float32Array>();
  for (const [layer, ws] of Object.entries(weights)) layers.get(layer)!.weights.forEach((w, k) => byName.set(w.originalName, Float32Array.from(ws[k]!)));
  model.dispose();
  const feeds = { shapes: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.shape])), data: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Float32Array.from(v.values)])) };
  const run = await runOnnx(graph, feeds, { training, weights: byName });
  try {
    return Array.from(run.outputs.get(graph.outputs[0]!)!);
  } finally {
    await run.release();
  }
}

function expectClose(got: number[], want: number[], tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)))) throw new Error(`[${i}]: got ${g}, want ${want[i]}`);
  });
}

const activationSpec = (act: string) => `
nnspec: 1
name: act
inputs:
  x: {shape: [9]}
layers:
  y: {type: Activation, activation: ${act}, inputs: x}
outputs: [y]
`;
const xs = [-5, -3, -1.5, -0.3, 0, 0.6, 2, 3, 4.5];

describe('1. hard_sigmoid is Keras 3\'s relu6(x + 3) / 6', () => {
  // By hand: 0 at or below -3, 1 at or above 3, x / 6 + 1/2 between.
  const want = [0, 0, 0.25, 0.45, 0.5, 0.6, 5 / 6, 1, 1];
  it('tfjs', () => expectClose(tfjsPredict(specGraph(activationSpec('hard_sigmoid')), { x: { shape: [1, 9], values: xs } }), want));
  it('onnx', async () => expectClose(await onnxPredict(specGraph(activationSpec('hard_sigmoid')), { x: { shape: [1, 9], values: xs } }), want));
});

describe('2. exponential and leaky_relu activations', () => {
  const cases: [string, number[]][] = [
    ['exponential', xs.map((x) => Math.exp(x))],
    // Keras 3's leaky_relu activation has negative_slope 0.2.
    ['leaky_relu', [-1, -0.6, -0.3, -0.06, 0, 0.6, 2, 3, 4.5]],
  ];
  it.each(cases)('%s on tfjs', (act, want) => expectClose(tfjsPredict(specGraph(activationSpec(act)), { x: { shape: [1, 9], values: xs } }), want));
  it.each(cases)('%s on onnx', async (act, want) => expectClose(await onnxPredict(specGraph(activationSpec(act)), { x: { shape: [1, 9], values: xs } }), want));
  it.each(['exponential', 'leaky_relu'])('a Dense layer with activation %s trains on tfjs (gradients flow)', (act) => {
    const graph = specGraph(`
nnspec: 1
name: d
inputs:
  x: {shape: [3]}
layers:
  y: {type: Dense, units: 2, activation: ${act}, inputs: x}
outputs: [y]
`);
    const { model } = buildModel(graph, tf);
    try {
      const x = tf.tensor([[0.5, -1, 2]]);
      const { grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as ReturnType<Tf['tensor']>) as never);
      expect(Object.keys(grads)).toHaveLength(2);
      for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});

interface Golden {
  x: number[];
  shape: number[];
  weights: number[][];
  output?: number[];
  inference?: number[];
  training?: number[];
  moving_mean?: number[];
  moving_variance?: number[];
  r: number[];
  d_gamma?: number[];
  d_beta?: number[];
}
const GOLDENS = JSON.parse(readFileSync(new URL('../fixtures/divergences/goldens.json', import.meta.url), 'utf8')) as Record<string, Golden>;

const normSpec = (shape: number[], layer: string) => `
nnspec: 1
name: norm
inputs:
  x: {shape: ${JSON.stringify(shape.slice(1))}}
layers:
  n: ${layer}
outputs: [n]
`;

type TfTensor = ReturnType<Tf['tensor']>;

/** tfjs in training mode: the output, the moving statistics after the call, and d(sum(y * r)) by trainable weight. */
function tfjsTraining(graph: Graph, g: Golden) {
  const { model, layers } = buildModel(graph, tf);
  try {
    const l = layers.get('n')!;
    l.setWeights(g.weights.map((w, k) => tf.tensor(w, l.weights[k]!.shape as number[])));
    const x = tf.tensor(g.x, g.shape);
    const r = tf.tensor(g.r, g.shape);
    let out: number[] = [];
    const vars = l.trainableWeights.map((w) => (w as unknown as { val: Parameters<Tf['variableGrads']>[1] extends (infer V)[] | undefined ? V : never }).val);
    const { grads } = tf.variableGrads(() => {
      const y = model.apply(x, { training: true }) as TfTensor;
      out = Array.from(y.dataSync());
      return tf.sum(tf.mul(y, r)) as never;
    }, vars);
    const byWeight = Object.fromEntries(l.trainableWeights.map((w, k) => [w.originalName.split('/').pop()!, Array.from(grads[vars[k]!.name]!.dataSync())]));
    const moving = Object.fromEntries(l.weights.filter((w) => !w.trainable).map((w) => [w.originalName.split('/').pop()!, Array.from(w.read().dataSync())]));
    return { out, grads: byWeight, moving };
  } finally {
    model.dispose();
  }
}

function expectTrainingGolden(graph: Graph, g: Golden): void {
  const t = tfjsTraining(graph, g);
  expectClose(t.out, g.training ?? g.output!, 1e-4);
  if (g.d_gamma) expectClose(t.grads.gamma!, g.d_gamma, 1e-4);
  else expect(t.grads.gamma).toBeUndefined();
  if (g.d_beta) expectClose(t.grads.beta!, g.d_beta, 1e-4);
  else expect(t.grads.beta).toBeUndefined();
  if (g.moving_mean) {
    expectClose(t.moving.moving_mean!, g.moving_mean, 1e-5);
    expectClose(t.moving.moving_variance!, g.moving_variance!, 1e-5);
  }
}

const NORM_CASES: [string, string, string][] = [
  // 4: axis 1 after channels_first.
  ['4', 'bn_axis1', '{type: BatchNormalization, axis: 1, momentum: 0.9}'],
  // 6: center or scale false.
  ['6', 'bn_no_center', '{type: BatchNormalization, center: false}'],
  ['6', 'bn_no_scale', '{type: BatchNormalization, scale: false}'],
  ['6', 'ln_no_center', '{type: LayerNormalization, center: false}'],
  ['6', 'ln_no_scale', '{type: LayerNormalization, scale: false}'],
  // 7: rank 5.
  ['7', 'bn_rank5', '{type: BatchNormalization}'],
  ['7', 'ln_rank5', '{type: LayerNormalization}'],
];

describe('4, 6, 7. BatchNormalization and LayerNormalization: any axis, center/scale false, rank 5', () => {
  it.each(NORM_CASES)('%s. %s on tfjs: prediction', (_n, key, layer) => {
    const g = GOLDENS[key]!;
    const graph = specGraph(normSpec(g.shape, layer));
    expectClose(tfjsPredict(graph, { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.inference ?? g.output!, 1e-4);
  });
  it.each(NORM_CASES)('%s. %s on tfjs: training (batch statistics, moving averages, gradients)', (_n, key, layer) => {
    const g = GOLDENS[key]!;
    expectTrainingGolden(specGraph(normSpec(g.shape, layer)), g);
  });
  it.each(NORM_CASES)('%s. %s on onnx: prediction and training output', async (_n, key, layer) => {
    const g = GOLDENS[key]!;
    const graph = specGraph(normSpec(g.shape, layer));
    expectClose(await onnxPredict(graph, { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.inference ?? g.output!, 1e-4);
    expectClose(await onnxPredict(graph, { x: { shape: g.shape, values: g.x } }, { n: g.weights }, true), g.training ?? g.output!, 1e-4);
  });
  it('a BatchNormalization tfjs computes right itself saves under tfjs\'s class name; one it gets wrong under nnspec\'s', () => {
    for (const [layer, shape, name] of [
      ['{type: BatchNormalization}', [2, 3], 'BatchNormalization'],
      ['{type: BatchNormalization, axis: 1}', [2, 3, 4], 'NnspecBatchNormalization'],
      ['{type: LayerNormalization}', [2, 3], 'LayerNormalization'],
      ['{type: LayerNormalization, scale: false}', [2, 3], 'NnspecLayerNormalization'],
    ] as const) {
      const { model, layers } = buildModel(specGraph(normSpec([...shape], layer)), tf);
      expect(layers.get('n')!.getClassName()).toBe(name);
      model.dispose();
    }
  });
});

describe('1. hard_sigmoid as an LSTM recurrent_activation (NumPy golden)', () => {
  const g = GOLDENS.lstm_hard_sigmoid!;
  const spec = `
nnspec: 1
name: lstm
inputs:
  x: {shape: [3, 2]}
layers:
  n: {type: LSTM, units: 2, recurrent_activation: hard_sigmoid}
outputs: [n]
`;
  it('tfjs', () => expectClose(tfjsPredict(specGraph(spec), { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.output!, 1e-5));
  it('onnx', async () => expectClose(await onnxPredict(specGraph(spec), { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.output!, 1e-5));
});

describe('3. Bidirectional with return_sequences over a masked sequence: zeros at masked steps in both directions (NumPy golden)', () => {
  const g = GOLDENS.bidirectional_masked!;
  const spec = `
nnspec: 1
name: bi
inputs:
  x: {shape: [4, 2]}
layers:
  m: {type: Masking, mask_value: 0}
  n: {type: Bidirectional, layer: {type: SimpleRNN, units: 2, return_sequences: true}}
outputs: [n]
`;
  it('tfjs', () => expectClose(tfjsPredict(specGraph(spec), { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.output!, 1e-5));
  it('onnx', async () => expectClose(await onnxPredict(specGraph(spec), { x: { shape: g.shape, values: g.x } }, { n: g.weights }), g.output!, 1e-5));
});
