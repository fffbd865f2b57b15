/**
 * Gradient checks for the ONNX op rules: one small graph per case, y = op(inputs), and the scalar
 * loss L = Σ y·r for a fixed random r (so dL/dy = r). `gradients()` builds the backward graph;
 * one ONNX Runtime session computes L and the gradients, then
 * - finite differences: central, per element, on the same session (float64 where ONNX Runtime has
 *   the kernels; float32 with a looser tolerance where it has not: Conv, pools, Erf, Resize);
 * - TensorFlow.js cpu: the equivalent tfjs function's y, and its `tf.grads` with dy = r, to 1e-4.
 * Errors are relative to the reference's largest element (floored, so all-zero gradients compare
 * absolutely): max |a − b| / max(max |b|, floor).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { OnnxGraph, type Value } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { loadTf } from '../../src/backends/tfjs/load.js';

export type Tf = typeof tfTypes;
type Dtype = 'float32' | 'float64';

export interface InputSpec {
  shape: number[];
  /** Values by flat index; default uniform in [−1, 1) from the case's seed. */
  values?: readonly number[] | ((i: number, rnd: () => number) => number);
  /** int64 constant (indices, axes): never differentiated; tfjs receives int32. */
  int?: boolean;
  /** false: a constant, not differentiated (default true for float inputs). */
  grad?: boolean;
}

export interface GradCase {
  name: string;
  inputs: Record<string, InputSpec>;
  /** The forward graph; returns y. */
  build(g: OnnxGraph, x: Record<string, Value>): Value;
  /** The same function in TensorFlow.js; absent when tfjs has no equivalent. */
  tf?(tf: Tf, x: Record<string, tfTypes.Tensor>): tfTypes.Tensor;
  /** Finite differences in float64 (default) or float32 (ops ONNX Runtime has only in float32). */
  dtype?: Dtype;
  /** Relative tolerance of the finite-difference check (default 1e-6 in float64, 3e-3 in float32). */
  fdTol?: number;
  /** Finite-difference step (default 1e-6 in float64, 3e-3 in float32; larger is exact for linear ops). */
  eps?: number;
  /** No finite differences: for tie-breaking cases, where the function has no derivative. */
  noFd?: boolean;
  /** Relative tolerance against tfjs (default 1e-4). */
  tfTol?: number;
  seed?: number;
}

export interface GradReport {
  fdErr: number;
  tfErr: number | undefined;
  grads: Record<string, Float64Array>;
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in ±[lo, hi): values kept away from a kink at 0. */
export const away =
  (lo = 0.1, hi = 1) =>
  (_i: number, rnd: () => number) => {
    const m = lo + (hi - lo) * rnd();
    return rnd() < 0.5 ? -m : m;
  };

/** Distinct values in random order (no ties for max/min/pool), spread over [−1, 1]. */
export const distinct =
  (n: number) =>
  (i: number): number => {
    const perm = (i * 7919 + 13) % n;
    return -1 + (2 * perm + 1) / n;
  };

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function makeData(spec: InputSpec, rnd: () => number): number[] {
  const n = size(spec.shape);
  const v = spec.values;
  if (Array.isArray(v)) return [...v];
  return Array.from({ length: n }, (_, i) => (typeof v === 'function' ? v(i, rnd) : rnd() * 2 - 1));
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(Number(a[i]) - Number(b[i])));
    scale = Math.max(scale, Math.abs(Number(b[i])));
  }
  return diff / scale;
}

export async function gradCheck(c: GradCase): Promise<GradReport> {
  const dtype: Dtype = c.dtype ?? 'float64';
  const Arr = dtype === 'float64' ? Float64Array : Float32Array;
  const rnd = rng(c.seed ?? 1234);
  const data = Object.fromEntries(Object.entries(c.inputs).map(([k, s]) => [k, makeData(s, rnd)]));
  const wrtNames = Object.keys(c.inputs).filter((k) => !c.inputs[k]!.int && c.inputs[k]!.grad !== false);

  const g = new OnnxGraph(c.name);
  const x: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) {
    if (s.int) x[k] = g.initializer(k, BigInt64Array.from(data[k]!.map((v) => BigInt(v))), s.shape);
    else if (s.grad === false) x[k] = g.initializer(k, Arr.from(data[k]!), s.shape);
    else x[k] = g.input(k, s.shape, dtype);
  }
  const y = c.build(g, x);
  expect(y.dtype, `${c.name}: y's dtype`).toBe(dtype);
  const r = Array.from({ length: size(y.shape) }, () => rnd() * 2 - 1);
  const loss = g.op1('ReduceSum', [g.op1('Mul', [y, g.constant(Arr.from(r), y.shape)])], { keepdims: 0 });
  const grads = gradients(g, loss, wrtNames.map((k) => x[k]!));
  g.output(loss, 'checked_loss');
  g.output(y, 'checked_y');
  const outNames = wrtNames.map((k, i) => (grads[i] ? g.output(grads[i]!, `grad_${k}`).name : undefined));

  const ort = loadOrt();
  const session = await createSession(g.toBytes(), { threads: 1 });
  const feeds = (vals: Record<string, number[]>) => Object.fromEntries(wrtNames.map((k) => [k, new ort.Tensor(dtype, Arr.from(vals[k]!), c.inputs[k]!.shape)]));
  try {
    const base = await session.run(feeds(data));
    const got: Record<string, Float64Array> = {};
    wrtNames.forEach((k, i) => {
      const out = outNames[i];
      got[k] = out ? Float64Array.from(base[out]!.data as Float64Array) : new Float64Array(size(c.inputs[k]!.shape));
    });

    // Finite differences.
    const eps = c.eps ?? (dtype === 'float64' ? 1e-6 : 3e-3);
    const lossAt = async (vals: Record<string, number[]>) => Number((await session.run(feeds(vals), ['checked_loss'])).checked_loss!.data[0]);
    let fdErr = 0;
    for (const k of c.noFd ? [] : wrtNames) {
      const fd = new Float64Array(data[k]!.length);
      for (let j = 0; j < fd.length; j++) {
        const v = data[k]![j]!;
        data[k]![j] = v + eps;
        const up = await lossAt(data);
        data[k]![j] = v - eps;
        const down = await lossAt(data);
        data[k]![j] = v;
        fd[j] = (up - down) / (2 * eps);
      }
      const e = relErr(got[k]!, fd, 0.1);
      fdErr = Math.max(fdErr, e);
      expect(e, `${c.name}: d/d${k} against finite differences (${dtype}); ours [${fmt(got[k]!)}] fd [${fmt(fd)}]`).toBeLessThanOrEqual(c.fdTol ?? (dtype === 'float64' ? 1e-6 : 3e-3));
    }

    // TensorFlow.js.
    let tfErr: number | undefined;
    if (c.tf) {
      const tf = await loadTf('cpu');
      const consts: Record<string, tfTypes.Tensor> = {};
      for (const [k, s] of Object.entries(c.inputs)) if (!wrtNames.includes(k)) consts[k] = tf.tensor(data[k]!, s.shape, s.int ? 'int32' : 'float32');
      const xs = wrtNames.map((k) => tf.tensor(data[k]!, c.inputs[k]!.shape, 'float32'));
      const f = (...args: tfTypes.Tensor[]) => c.tf!(tf, { ...consts, ...Object.fromEntries(wrtNames.map((k, i) => [k, args[i]!])) });
      const yRef = f(...xs);
      expect(yRef.shape, `${c.name}: tfjs output shape`).toEqual(y.shape);
      const yOurs = Float64Array.from(base.checked_y!.data as Float64Array);
      const yWant = yRef.dataSync();
      expect(relErr(yOurs, yWant, 1e-3), `${c.name}: y against tfjs; ours [${fmt(yOurs)}] tfjs [${fmt(yWant)}]`).toBeLessThanOrEqual(c.tfTol ?? 1e-4);
      const ref = tf.grads(f)(xs, tf.tensor(r, [...y.shape], 'float32'));
      tfErr = 0;
      for (const [i, k] of wrtNames.entries()) {
        const want = ref[i]!.dataSync();
        const e = relErr(got[k]!, want, 1e-3);
        tfErr = Math.max(tfErr, e);
        expect(e, `${c.name}: d/d${k} against tfjs; ours [${fmt(got[k]!)}] tfjs [${fmt(want)}]`).toBeLessThanOrEqual(c.tfTol ?? 1e-4);
      }
      tf.dispose([...xs, ...ref, yRef, ...Object.values(consts)]);
    }
    return { fdErr, tfErr, grads: got };
  } finally {
    await session.release();
  }
}

function fmt(a: ArrayLike<number>): string {
  return Array.from(a, (v) => Number(v).toPrecision(5))
    .slice(0, 12)
    .join(', ');
}
