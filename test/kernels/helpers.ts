/**
 * Shared by the gap-kernel tests: tfjs with the wasm and cpu backends, the cpu backend's own kernels
 * kept aside as the reference, seeded random tensors, and a relative comparison.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { registerGapKernels, type GapKernels } from '../../src/backends/tfjs/kernels/index.js';

export const KERNELS = [
  'UnsortedSegmentSum',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'GatherV2',
  'Sum',
  'MaxPoolGrad',
  'AvgPoolGrad',
] as const;

export interface Setup {
  tf: Tf;
  gap: GapKernels;
  /** The cpu backend's own kernels, as registered before ours. */
  cpuOwn: Record<string, KernelConfig>;
  /** The wasm backend's own kernels (where it has one). */
  wasmOwn: Record<string, KernelConfig | undefined>;
}

/** Loads tfjs and the wasm backend quietly and registers the gap kernels for `backends`. */
export async function setup(backends: string[] = ['wasm', 'cpu']): Promise<Setup> {
  const saved = { log: console.log, warn: console.warn, info: console.info };
  console.log = console.warn = console.info = () => {};
  try {
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    await tf.setBackend('cpu');
    tf.scalar(0).dispose(); // the cpu backend's first write prints a banner
    const cpuOwn: Record<string, KernelConfig> = {};
    const wasmOwn: Record<string, KernelConfig | undefined> = {};
    for (const k of KERNELS) [cpuOwn[k], wasmOwn[k]] = [tf.getKernel(k, 'cpu')!, tf.getKernel(k, 'wasm')];
    const gap = registerGapKernels(tf, backends);
    return { tf, gap, cpuOwn, wasmOwn };
  } finally {
    Object.assign(console, saved);
  }
}

/** A deterministic stream in [-1, 1) (mulberry32), so a failing case reproduces. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export interface Array_ {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export function randomArray(shape: number[], seed: number): Array_ {
  const next = random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: size }, next), shape, dtype: 'float32' };
}

/**
 * Runs `kernel` (ours or a given config) on `backendName` with fresh copies of the inputs, and checks
 * that it leaves no intermediate tensor behind.
 */
export function runKernel(
  s: Setup,
  backendName: string,
  kernelName: string,
  inputs: Record<string, Array_>,
  attrs: object,
  config: KernelConfig = s.tf.getKernel(kernelName, backendName)!,
): { values: Float32Array | Int32Array; shape: number[] } {
  const backend = s.tf.findBackend(backendName)!;
  const before = backend.numDataIds();
  const infos: Record<string, TensorInfo> = {};
  for (const [k, a] of Object.entries(inputs)) infos[k] = { dataId: backend.write(a.values, a.shape, a.dtype), shape: a.shape, dtype: a.dtype };
  const out = config.kernelFunc({ inputs: infos, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
  const values = backend.readSync(out.dataId) as Float32Array | Int32Array;
  const result = { values: values.slice(), shape: [...out.shape] };
  backend.disposeData(out.dataId);
  for (const i of Object.values(infos)) backend.disposeData(i.dataId);
  expect(backend.numDataIds(), 'tensors left behind').toBe(before);
  return result;
}

/** The cpu backend's own kernel: the reference. */
export function reference(s: Setup, kernelName: string, inputs: Record<string, Array_>, attrs: object) {
  return runKernel(s, 'cpu', kernelName, inputs, attrs, s.cpuOwn[kernelName]);
}

/** Every element within `tolerance` of the reference, relative to the reference's largest magnitude. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  const relative = worst / Math.max(scale, 1e-30);
  if (!(relative <= tolerance)) expect.fail(`element ${at}: ${actual[at]} vs ${expected[at]} (relative error ${relative.toExponential(2)} > ${tolerance})`);
}
