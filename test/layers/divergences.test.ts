/**
 * Issue 9's divergences from Keras 3, each checked on both engines against an independent
 * computation: values worked out by hand here, or NumPy-made goldens in test/fixtures/divergences/
 * (made by scripts/divergence-goldens.py, committed with them).
 */
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
  for (const [layer, ws] of Object.entries(weights)) layers.get(layer)!.weights.forEach((w, k) => byName.set(w.name, Float32Array.from(ws[k]!)));
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
