/**
 * Engines against golden values from an independent computation (NumPy float64 scripts under
 * scripts/): a spec, its inputs and weights (by `layer/weight`, Keras's names), a probe per output,
 * and the expected outputs and gradients of loss = Σ_outputs sum(output ⊙ probe) with respect to
 * weights (`layer/weight`) and float inputs (`input:name`).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { emitForward } from '../../src/backends/onnx/forward.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import type { Graph } from '../../src/compiler/graph.js';

type Tensor = ReturnType<Tf['tensor']>;
export interface Values {
  shape: number[];
  values: number[];
}
export interface Golden {
  spec: string;
  inputs: Record<string, Values>;
  /** By `layer/weight`. */
  weights: Record<string, Values>;
  probes: Record<string, Values>;
  outputs: Record<string, Values>;
  /** By `layer/weight` or `input:name`. */
  grads: Record<string, number[]>;
}
export interface Result {
  outputs: Record<string, Float32Array>;
  grads: Record<string, Float32Array>;
}

const isInt = (graph: Graph, input: string) => graph.inputs.find((n) => n.name === input)!.output!.dtype === 'int32';

/** tfjs: the golden's weights set by spec layer and Keras name; outputs, and gradients of Σ sum(output ⊙ probe). */
export function runTfjs(tf: Tf, graph: Graph, g: Golden): Result {
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
    const got = vars.length ? tf.variableGrads(() => lossOf(feeds, true), vars).grads : (tf.tidy(() => lossOf(feeds, true)), {});
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

/** The ONNX engine: forward graph and ./autodiff gradients of the same loss, run by ONNX Runtime. */
export async function runOnnx(graph: Graph, g: Golden): Promise<Result> {
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

export const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Largest |got - want| / (|want| + 0.1 scale): relative, with elements far below `scale` measured
 * against a tenth of it (float32 sums that cancel to ~0 carry the rounding of their large terms).
 */
export function relative(got: ArrayLike<number>, want: number[], scale: number): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i]! - w) / (Math.abs(w) + 0.1 * scale + 1e-30))));
  return worst;
}

/**
 * Every output and gradient within `tol`; returns the worst error. A weight's gradient is measured
 * at its layer's scale, so one that is 0 in exact arithmetic (attention's key bias: softmax ignores
 * a shift shared by a row) is judged against the layer's other gradients.
 */
export function expectGolden(r: Result, g: Golden, tol: number): number {
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

/** A goldens file under test/fixtures/. */
export function readGoldens(relative: string): Record<string, Golden> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${relative}`, import.meta.url), 'utf8')) as Record<string, Golden>;
}
