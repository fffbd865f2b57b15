/**
 * The ONNX forward graph against the tfjs cpu backend: a compiled spec built both ways, the tfjs
 * model's weights set to seeded random values and copied into the ONNX graph's weight inputs, the
 * same seeded inputs fed to both (integer ids with padding zeros at the end of some rows).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import { compile } from '../../src/compiler/compile.js';
import { ROOT } from '../helpers.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import type { Graph } from '../../src/compiler/graph.js';
import { emitForward, type ForwardResult } from '../../src/backends/onnx/forward.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { rng } from './rng.js';

type Tensor = ReturnType<Tf['tensor']>;

export interface OracleOptions {
  batch?: number;
  /** Size given to unknown (null) input dims. */
  steps?: number;
  seed?: number;
  intType?: 'int32' | 'int64';
  /** Pad every other row's end with zeros: ids (for mask_zero) and the feature vectors of sequences (for Masking). */
  padIds?: boolean;
  /**
   * The model tfjs runs, when it must differ from the ONNX one (to avoid a tfjs bug): the same
   * inputs and outputs, and the layers of the same names with the same weights.
   */
  reference?: Graph;
}

export interface OutputDiff {
  name: string;
  shape: number[];
  /**
   * Largest |onnx - tfjs| / (|tfjs| + 0.1 max|tfjs|) over the elements: relative, except that
   * elements far below the output's scale are measured against a tenth of it (float32 sums that
   * cancel to ~0 carry the rounding of their large terms).
   */
  relative: number;
  maxAbs: number;
  onnx: Float32Array;
  tfjs: Float32Array;
}

function normal(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** The smallest Embedding vocabulary fed directly by `input`, so ids are valid everywhere. */
function vocabulary(graph: Graph, input: string): number {
  let v = 1000;
  for (const node of graph.order) {
    if (!node.layer || !node.inputs.includes(input)) continue;
    const c = node.layer.config;
    if (c.type === 'Embedding') v = Math.min(v, c.input_dim as number);
  }
  return v;
}

export interface Feeds {
  shapes: Record<string, number[]>;
  data: Record<string, Float32Array | Int32Array>;
}

export function makeFeeds(graph: Graph, opts: OracleOptions = {}): Feeds {
  const next = rng(opts.seed ?? 7);
  const batch = opts.batch ?? 2;
  const shapes: Record<string, number[]> = {};
  const data: Record<string, Float32Array | Int32Array> = {};
  for (const node of graph.inputs) {
    const shape = [batch, ...node.output!.shape.slice(1).map((d) => d ?? opts.steps ?? 5)];
    shapes[node.name] = shape;
    const size = shape.reduce((a, b) => a * b, 1);
    if (node.output!.dtype === 'int32') {
      const vocab = vocabulary(graph, node.name);
      const ids = Int32Array.from({ length: size }, () => 1 + Math.floor(next() * (vocab - 1)));
      if (opts.padIds && shape.length === 2) {
        const steps = shape[1]!;
        for (let b = 0; b < batch; b += 2) for (let t = steps - 1 - b / 2; t < steps; t++) if (t > 0) ids[b * steps + t] = 0;
      }
      data[node.name] = ids;
    } else {
      const values = Float32Array.from({ length: size }, () => normal(next));
      if (opts.padIds && shape.length === 3) {
        const [, steps, features] = shape as [number, number, number];
        for (let b = 0; b < batch; b += 2) for (let t = steps - 1 - b / 2; t < steps; t++) if (t > 0) values.fill(0, (b * steps + t) * features, (b * steps + t + 1) * features);
      }
      data[node.name] = values;
    }
  }
  return { shapes, data };
}

/** Sets every weight of the tfjs model to seeded random values (variances positive). */
export function randomizeWeights(tf: Tf, graph: Graph, layers: Map<string, { weights: { shape: number[] }[]; setWeights(ws: Tensor[]): void }>, seed = 11): void {
  const next = rng(seed);
  for (const layer of graph.layers) {
    const t = layers.get(layer.name)!;
    const values = t.weights.map((w, k) => {
      const name = layer.weights![k]!.name;
      const size = w.shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, () => (name.endsWith('moving_variance') ? 0.5 + next() : next() - 0.5));
      return tf.tensor(data, w.shape);
    });
    t.setWeights(values);
  }
}

export interface OracleRun {
  diffs: OutputDiff[];
  forward: ForwardResult;
}

/** Predicts with tfjs (inference) and runs the ONNX forward graph; returns each output's difference. */
export async function compareForward(tf: Tf, graph: Graph, opts: OracleOptions = {}): Promise<OracleRun> {
  const reference = opts.reference ?? graph;
  const built = buildModel(reference, tf);
  try {
    randomizeWeights(tf, reference, built.layers as never, (opts.seed ?? 7) + 1);
    const feeds = makeFeeds(graph, opts);
    const tfFeeds = graph.inputs.map((n) => tf.tensor(feeds.data[n.name]!, feeds.shapes[n.name], n.output!.dtype));
    const expected = ([built.model.predict(tfFeeds)].flat() as Tensor[]).map((t) => t.dataSync() as Float32Array);

    const g = new OnnxGraph(graph.name);
    const forward = emitForward(graph, { g, training: false, inputShapes: feeds.shapes, intType: opts.intType });
    for (const [name, flow] of forward.outputs) g.output(flow.value, `out_${name}`);
    const session = await createSession(g.toBytes(), { threads: 1 });
    const ort = loadOrt();
    const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const n of graph.inputs) {
      const d = feeds.data[n.name]!;
      const shape = feeds.shapes[n.name]!;
      inputs[n.name] =
        d instanceof Int32Array
          ? opts.intType === 'int64'
            ? new ort.Tensor('int64', BigInt64Array.from(d, (x) => BigInt(x)), shape)
            : new ort.Tensor('int32', d, shape)
          : new ort.Tensor('float32', d, shape);
    }
    for (const fw of forward.weights) {
      const index = graph.layers.find((l) => l.name === fw.layer)!.weights!.findIndex((w) => w.name === fw.weight);
      const w = built.layers.get(fw.layer)!.weights[index]!;
      // The ONNX weight input is named as tfjs names the variable (before tfjs's uniquifying suffix).
      expect(fw.name).toBe(w.originalName);
      inputs[fw.name] = new ort.Tensor('float32', w.read().dataSync() as Float32Array, fw.shape);
    }
    const out = await session.run(inputs);
    await session.release();
    const diffs = graph.outputs.map((name, i): OutputDiff => {
      const o = out[`out_${name}`]!;
      const a = o.data as Float32Array;
      const b = expected[i]!;
      const scale = b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      let relative = 0;
      let maxAbs = 0;
      for (let j = 0; j < b.length; j++) {
        const d = Math.abs(a[j]! - b[j]!);
        maxAbs = Math.max(maxAbs, d);
        relative = Math.max(relative, d / (Math.abs(b[j]!) + 0.1 * scale + 1e-30));
      }
      if (a.length !== b.length) relative = Number.POSITIVE_INFINITY;
      return { name, shape: [...o.dims], relative, maxAbs, onnx: a, tfjs: b };
    });
    return { diffs, forward };
  } finally {
    built.model.dispose();
  }
}

/** A compiled spec: a path under the repository (with text edits) or inline YAML. */
export function specGraph(pathOrYaml: string, edits: [string, string][] = []): Graph {
  const inline = pathOrYaml.includes('\n');
  const file = inline ? '<inline>' : join(ROOT, pathOrYaml);
  let text = inline ? pathOrYaml : readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const result = compile(text, file);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.graph!;
}

/** Every output within `tolerance` (relative, see OutputDiff) of tfjs's; returns the worst error seen. */
export async function expectSameAsTfjs(tf: Tf, spec: string, opts: OracleOptions & { edits?: [string, string][]; tolerance?: number; referenceSpec?: string } = {}): Promise<number> {
  const reference = opts.referenceSpec ? specGraph(opts.referenceSpec) : undefined;
  const { diffs } = await compareForward(tf, specGraph(spec, opts.edits), { ...opts, reference });
  const tol = opts.tolerance ?? 1e-5;
  for (const d of diffs) expect({ output: d.name, relative: d.relative < tol ? 'ok' : d.relative }).toEqual({ output: d.name, relative: 'ok' });
  return Math.max(...diffs.map((d) => d.relative));
}

export interface OnnxRun {
  forward: ForwardResult;
  /** Each model output by node name, then each update by weight name. */
  outputs: Map<string, Float32Array>;
  updates: Map<string, Float32Array>;
  /** The weights fed, by tfjs name. */
  weights: Map<string, Float32Array>;
  /** Runs the same session again on the same feeds (random ops draw afresh). */
  again(): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

/** Emits and runs the forward graph alone: seeded random weights (or `weights` by tfjs name) and feeds. */
export async function runOnnx(graph: Graph, feeds: Feeds, opts: { training: boolean; seed?: number; weights?: Map<string, Float32Array> }): Promise<OnnxRun> {
  const g = new OnnxGraph(graph.name);
  const forward = emitForward(graph, { g, training: opts.training, inputShapes: feeds.shapes, seed: opts.seed ?? 1 });
  for (const [name, flow] of forward.outputs) g.output(flow.value, `out_${name}`);
  forward.updates.forEach((u, i) => g.output(u.value, `update_${i}`));
  const session = await createSession(g.toBytes(), { threads: 1 });
  const ort = loadOrt();
  const next = rng(5);
  const weights = new Map<string, Float32Array>();
  const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const fw of forward.weights) {
    const size = fw.shape.reduce((a, b) => a * b, 1);
    const data = opts.weights?.get(fw.name) ?? Float32Array.from({ length: size }, () => (fw.weight.endsWith('moving_variance') ? 0.5 + next() : next() - 0.5));
    weights.set(fw.name, data);
    inputs[fw.name] = new ort.Tensor('float32', data, fw.shape);
  }
  for (const n of graph.inputs) {
    const d = feeds.data[n.name]!;
    inputs[n.name] = d instanceof Int32Array ? new ort.Tensor('int32', d, feeds.shapes[n.name]!) : new ort.Tensor('float32', d, feeds.shapes[n.name]!);
  }
  const collect = async () => {
    const out = await session.run(inputs);
    return new Map(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  };
  const first = await collect();
  return {
    forward,
    outputs: new Map(graph.outputs.map((o) => [o, first.get(`out_${o}`)!])),
    updates: new Map(forward.updates.map((u, i) => [u.name, first.get(`update_${i}`)!])),
    weights,
    again: async () => {
      const out = await collect();
      return new Map(graph.outputs.map((o) => [o, out.get(`out_${o}`)!]));
    },
    release: () => session.release(),
  };
}

export interface GradDiff {
  /** A weight's tfjs name, or `input:<name>` for a model input. */
  of: string;
  relative: number;
}

type LayerVariable = { name: string; read(): Tensor; val: Parameters<Tf['variableGrads']>[1] extends (infer V)[] | undefined ? V : never };

/**
 * Gradients of loss = Σ_outputs Σ(output ⊙ R) (R seeded normal, one per output) with respect to
 * every trainable weight the loss depends on and every float model input: the ONNX graph's
 * (forward + ./autodiff gradients) against tfjs's on the same weights and inputs. Relative as
 * OutputDiff.
 */
export async function compareGradients(tf: Tf, graph: Graph, opts: OracleOptions & { training?: boolean } = {}): Promise<GradDiff[]> {
  const { gradients } = await import('../../src/backends/onnx/autodiff.js');
  const reference = opts.reference ?? graph;
  const built = buildModel(reference, tf);
  try {
    randomizeWeights(tf, reference, built.layers as never, (opts.seed ?? 7) + 1);
    const feeds = makeFeeds(graph, opts);
    const g = new OnnxGraph(graph.name);
    const training = opts.training ?? false;
    const forward = emitForward(graph, { g, training, inputShapes: feeds.shapes, intType: opts.intType });
    const next = rng((opts.seed ?? 7) + 2);
    const probes = graph.outputs.map((o) => {
      const shape = forward.outputs.get(o)!.value.shape;
      return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => normal(next)) };
    });
    const terms = graph.outputs.map((o, i) => g.op1('ReduceSum', [g.op1('Mul', [forward.outputs.get(o)!.value, g.constant(probes[i]!.data, probes[i]!.shape)])], { keepdims: 0 }));
    const loss = terms.slice(1).reduce((a, b) => g.op1('Add', [a, b]), terms[0]!);
    const floatInputs = graph.inputs.filter((n) => n.output!.dtype === 'float32');
    const wrt = [
      ...forward.weights.filter((w) => w.trainable).map((w) => ({ of: w.name, value: w.value })),
      ...floatInputs.map((n) => ({ of: `input:${n.name}`, value: forward.inputs.get(n.name)! })),
    ];
    const grads = gradients(g, loss, wrt.map((w) => w.value));
    const reached = wrt.filter((_, i) => grads[i] !== undefined);
    grads.forEach((d, i) => d && g.output(d, `grad_${i}`));
    const session = await createSession(g.toBytes(), { threads: 1 });
    const ort = loadOrt();
    const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {};
    const variable = new Map<string, LayerVariable>();
    for (const fw of forward.weights) {
      const index = graph.layers.find((l) => l.name === fw.layer)!.weights!.findIndex((w) => w.name === fw.weight);
      const w = built.layers.get(fw.layer)!.weights[index]! as unknown as LayerVariable;
      variable.set(fw.name, w);
      inputs[fw.name] = new ort.Tensor('float32', w.read().dataSync() as Float32Array, fw.shape);
    }
    for (const n of graph.inputs) {
      const d = feeds.data[n.name]!;
      const shape = feeds.shapes[n.name]!;
      inputs[n.name] = d instanceof Int32Array ? new ort.Tensor('int32', d, shape) : new ort.Tensor('float32', d, shape);
    }
    const out = reached.length ? await session.run(inputs) : {};
    await session.release();

    const tfFeeds = graph.inputs.map((n) => tf.tensor(feeds.data[n.name]!, feeds.shapes[n.name], n.output!.dtype));
    const lossOf = (xs: Tensor[]) => {
      const outs = [built.model.apply(xs, { training })].flat() as Tensor[];
      return tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, tf.tensor(probes[i]!.data, [...probes[i]!.shape]))))) as never;
    };
    const expected = new Map<string, Float32Array>();
    const weights = reached.filter((w) => !w.of.startsWith('input:'));
    if (weights.length) {
      const vars = weights.map((w) => variable.get(w.of)!);
      const got = tf.variableGrads(() => lossOf(tfFeeds), vars.map((v) => v.val)).grads;
      weights.forEach((w, i) => expected.set(w.of, got[vars[i]!.val.name]!.dataSync() as Float32Array));
    }
    const positions = floatInputs.map((n) => graph.inputs.indexOf(n));
    if (reached.some((w) => w.of.startsWith('input:'))) {
      const f = (...xs: Tensor[]) => lossOf(tfFeeds.map((t, i) => (positions.includes(i) ? xs[positions.indexOf(i)]! : t)));
      const got = tf.grads(f as never)(positions.map((i) => tfFeeds[i]!) as never);
      floatInputs.forEach((n, i) => expected.set(`input:${n.name}`, got[i]!.dataSync() as Float32Array));
    }
    return wrt.flatMap((w, i): GradDiff[] => {
      if (!grads[i]) return [];
      const a = out[`grad_${i}`]!.data as Float32Array;
      const b = expected.get(w.of)!;
      const scale = b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      let relative = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
      for (let j = 0; j < b.length; j++) relative = Math.max(relative, Math.abs(a[j]! - b[j]!) / (Math.abs(b[j]!) + 0.1 * scale + 1e-30));
      return [{ of: w.of, relative }];
    });
  } finally {
    built.model.dispose();
  }
}

/** Every gradient within `tolerance` of tfjs's; returns the worst error seen. */
export async function expectSameGradients(tf: Tf, spec: string, opts: OracleOptions & { edits?: [string, string][]; tolerance?: number; training?: boolean } = {}): Promise<number> {
  const diffs = await compareGradients(tf, specGraph(spec, opts.edits), opts);
  const tol = opts.tolerance ?? 1e-4;
  expect(diffs.length).toBeGreaterThan(0);
  for (const d of diffs) expect({ of: d.of, relative: d.relative < tol ? 'ok' : d.relative }).toEqual({ of: d.of, relative: 'ok' });
  return Math.max(0, ...diffs.map((d) => d.relative));
}
