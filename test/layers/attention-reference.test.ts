/**
 * MultiHeadAttention, Attention and AdditiveAttention on both engines against Keras 3's formulas
 * written out in NumPy float64 (scripts/attention-goldens.py, goldens in test/fixtures/attention/):
 * outputs and the gradients of sum(output ⊙ probe) with masks from mask_zero, the causal mask and
 * an attention_mask input, on the script's weights and inputs.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { emitForward } from '../../src/backends/onnx/forward.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import type { Graph } from '../../src/compiler/graph.js';
import { specGraph } from '../support/onnx-oracle.js';

type Tensor = ReturnType<Tf['tensor']>;
interface Array_ {
  shape: number[];
  values: number[];
}
interface Golden {
  spec: string;
  inputs: Record<string, Array_>;
  /** By `layer/weight`. */
  weights: Record<string, Array_>;
  probes: Record<string, Array_>;
  outputs: Record<string, Array_>;
  /** By `layer/weight` or `input:name`. */
  grads: Record<string, number[]>;
}
interface Result {
  outputs: Record<string, Float32Array>;
  grads: Record<string, Float32Array>;
}

const GOLDENS = JSON.parse(readFileSync(new URL('../fixtures/attention/goldens.json', import.meta.url), 'utf8')) as Record<string, Golden>;

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

const isInt = (graph: Graph, input: string) => graph.inputs.find((n) => n.name === input)!.output!.dtype === 'int32';

function runTfjs(graph: Graph, g: Golden): Result {
  const { model, layers } = buildModel(graph, tf);
  try {
    type Variable = { val: Parameters<Tf['variableGrads']>[1] extends (infer V)[] | undefined ? V : never };
    const variables = new Map<string, Variable>();
    for (const layer of graph.layers) {
      const t = layers.get(layer.name)!;
      t.setWeights(layer.weights!.map((w, k) => tf.tensor(g.weights[`${layer.name}/${w.name}`]!.values, t.weights[k]!.shape as number[])));
      layer.weights!.forEach((w, k) => variables.set(`${layer.name}/${w.name}`, t.weights[k] as unknown as Variable));
    }
    const feeds = graph.inputs.map((n) => tf.tensor(g.inputs[n.name]!.values, g.inputs[n.name]!.shape, isInt(graph, n.name) ? 'int32' : 'float32'));
    const outputs: Record<string, Float32Array> = {};
    const lossOf = (xs: Tensor[], keep: boolean) => {
      const outs = [model.apply(xs, { training: false })].flat() as Tensor[];
      if (keep) graph.outputs.forEach((o, i) => (outputs[o] = outs[i]!.dataSync() as Float32Array));
      return tf.addN(graph.outputs.map((o, i) => tf.sum(tf.mul(outs[i]!, tf.tensor(g.probes[o]!.values, g.probes[o]!.shape))))) as never;
    };
    const names = Object.keys(g.grads).filter((n) => !n.startsWith('input:'));
    const vars = names.map((n) => variables.get(n)!.val);
    const got = tf.variableGrads(() => lossOf(feeds, true), vars).grads;
    const grads: Record<string, Float32Array> = Object.fromEntries(names.map((n, i) => [n, got[vars[i]!.name]!.dataSync() as Float32Array]));
    const floats = graph.inputs.map((n, i) => [n.name, i] as const).filter(([n]) => `input:${n}` in g.grads);
    if (floats.length) {
      const f = (...xs: Tensor[]) => lossOf(feeds.map((t, i) => { const at = floats.findIndex(([, j]) => j === i); return at >= 0 ? xs[at]! : t; }), false);
      const d = tf.grads(f as never)(floats.map(([, i]) => feeds[i]!) as never);
      floats.forEach(([n], i) => (grads[`input:${n}`] = d[i]!.dataSync() as Float32Array));
    }
    return { outputs, grads };
  } finally {
    model.dispose();
  }
}

async function runOnnx(graph: Graph, g: Golden): Promise<Result> {
  const shapes = Object.fromEntries(Object.entries(g.inputs).map(([n, a]) => [n, a.shape]));
  const og = new OnnxGraph(graph.name);
  const forward = emitForward(graph, { g: og, training: false, inputShapes: shapes });
  const terms = graph.outputs.map((o) => og.op1('ReduceSum', [og.op1('Mul', [forward.outputs.get(o)!.value, og.constant(Float32Array.from(g.probes[o]!.values), g.probes[o]!.shape)])], { keepdims: 0 }));
  const loss = terms.slice(1).reduce((a, b) => og.op1('Add', [a, b]), terms[0]!);
  const names = Object.keys(g.grads);
  const wrt = names.map((n) => (n.startsWith('input:') ? forward.inputs.get(n.slice(6))! : forward.weights.find((w) => `${w.layer}/${w.weight}` === n)!.value));
  const grads = gradients(og, loss, wrt);
  graph.outputs.forEach((o) => og.output(forward.outputs.get(o)!.value, `out_${o}`));
  grads.forEach((d, i) => {
    expect({ gradient: names[i], reached: d !== undefined }).toEqual({ gradient: names[i], reached: true });
    og.output(d!, `grad_${i}`);
  });
  const ort = loadOrt();
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const w of forward.weights) feeds[w.name] = new ort.Tensor('float32', Float32Array.from(g.weights[`${w.layer}/${w.weight}`]!.values), w.shape);
  for (const [n, a] of Object.entries(g.inputs)) feeds[n] = isInt(graph, n) ? new ort.Tensor('int32', Int32Array.from(a.values), a.shape) : new ort.Tensor('float32', Float32Array.from(a.values), a.shape);
  const session = await createSession(og.toBytes(), { threads: 1 });
  try {
    const out = await session.run(feeds);
    return {
      outputs: Object.fromEntries(graph.outputs.map((o) => [o, out[`out_${o}`]!.data as Float32Array])),
      grads: Object.fromEntries(names.map((n, i) => [n, out[`grad_${i}`]!.data as Float32Array])),
    };
  } finally {
    await session.release();
  }
}

const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Largest |got - want| / (|want| + 0.1 scale): relative, with elements far below `scale` measured
 * against a tenth of it (float32 sums that cancel to ~0 carry the rounding of their large terms).
 */
function relative(got: ArrayLike<number>, want: number[], scale: number): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i]! - w) / (Math.abs(w) + 0.1 * scale + 1e-30))));
  return worst;
}

/** Every output and gradient within `tol`. A weight's gradient is measured at its layer's scale: Keras's key bias has gradient 0 (softmax ignores a shift shared by a row), so it is judged against the layer's other gradients. */
function expectGolden(r: Result, g: Golden, tol: number): number {
  let worst = 0;
  const check = (what: string, got: ArrayLike<number>, want: number[], scale: number) => {
    const e = relative(got, want, scale);
    worst = Math.max(worst, e);
    expect({ what, error: e < tol ? 'ok' : e }).toEqual({ what, error: 'ok' });
  };
  for (const [o, want] of Object.entries(g.outputs)) check(`output ${o}`, r.outputs[o]!, want.values, maxAbs(want.values));
  const layerScale = (layer: string) => Math.max(...Object.entries(g.grads).filter(([n]) => n.startsWith(`${layer}/`)).map(([, v]) => maxAbs(v)));
  for (const [n, want] of Object.entries(g.grads)) check(`d/d ${n}`, r.grads[n]!, want, n.startsWith('input:') ? maxAbs(want) : layerScale(n.split('/')[0]!));
  return worst;
}

describe.each(Object.keys(GOLDENS))('attention %s = Keras\'s formula in NumPy float64', (key) => {
  const g = GOLDENS[key]!;
  it('tfjs cpu: outputs and gradients', () => {
    const graph = specGraph(g.spec);
    expectGolden(runTfjs(graph, g), g, 1e-5);
  });
  it('onnx: outputs and gradients', async () => {
    const graph = specGraph(g.spec);
    expectGolden(await runOnnx(graph, g), g, 1e-5);
  });
});

describe('the goldens exercise what they claim', () => {
  it('padded ids and a zero key-bias gradient are in the self case', () => {
    const g = GOLDENS.self!;
    expect(g.inputs.ids!.values).toContain(0);
    expect(maxAbs(g.grads['mha/key/bias']!)).toBeLessThan(1e-9);
    expect(maxAbs(g.grads['mha/query/bias']!)).toBeGreaterThan(1e-2);
  });
  it('a wrong mask is caught: the self case\'s golden differs from an unmasked computation on tfjs', () => {
    const g = GOLDENS.self!;
    const unmasked = g.spec.replace('mask_zero: true', 'mask_zero: false');
    const r = runTfjs(specGraph(unmasked), g);
    expect(relative(r.outputs.mha!, g.outputs.mha!.values, maxAbs(g.outputs.mha!.values))).toBeGreaterThan(1e-2);
  });
});
