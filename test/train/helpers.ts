/** Helpers for the training tests: temporary run and data directories, .npy files, loading runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { NdArray } from '../../src/data/array.js';
import { npyBytes } from '../../src/data/npy-write.js';
import { readNpy } from '../../src/data/npy.js';
import { ROOT } from '../helpers.js';

export const SPECS = join(ROOT, 'specs');
export const BIN = join(ROOT, 'bin', 'nnspec');

export function tempDir(prefix = 'nnspec-train-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeSpec(dir: string, text: string, name = 'spec.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function writeArrays(dir: string, arrays: Record<string, NdArray>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, a] of Object.entries(arrays)) writeFileSync(join(dir, `${name}.npy`), npyBytes(a));
  return dir;
}

export function f32(shape: number[], f: (i: number) => number): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, i) => f(i)) };
}

export function i32(shape: number[], f: (i: number) => number): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'int32', shape, data: Int32Array.from({ length: n }, (_, i) => f(i)) };
}

export function readArray(path: string): NdArray {
  return readNpy(path);
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** tfjs on the cpu backend with nnspec's layer classes registered (to load saved models). */
export async function cpuTf(): Promise<typeof tfTypes> {
  const { selectBackend } = await import('../../src/backends/tfjs/backend.js');
  return (await selectBackend('cpu')).tf as typeof tfTypes;
}

/** Loads a saved model.json + weights.bin with tf.loadLayersModel, as a user would. */
export async function loadSaved(tf: typeof tfTypes, dir: string): Promise<tfTypes.LayersModel> {
  const { readModelArtifacts } = await import('../../src/backends/tfjs/save.js');
  return tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(dir)));
}

/** Every weight of a saved model, by name. */
export async function savedWeights(tf: typeof tfTypes, dir: string): Promise<Map<string, Float32Array>> {
  const model = await loadSaved(tf, dir);
  const out = new Map<string, Float32Array>();
  for (const w of model.weights) out.set(w.originalName, w.read().dataSync() as Float32Array);
  model.dispose();
  return out;
}

export interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stderr has matched `re` (or the process ended). */
  waitFor(re: RegExp): Promise<boolean>;
}

/** Runs the built CLI (bin/nnspec) in a child process, for signals. */
export function spawnCli(args: string[], cwd = ROOT): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (ok: boolean) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.re.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(true);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    check();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve(false);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exit,
    waitFor: (re) =>
      new Promise((resolve) => {
        if (re.test(err)) return resolve(true);
        if (child.exitCode !== null || child.signalCode !== null) return resolve(false);
        waiters.push({ re, resolve });
      }),
  };
}
