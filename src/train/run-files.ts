/**
 * The weights of a run on disk, whatever engine trained it: model.json (the TensorFlow.js layers
 * format, loadable by tf.loadLayersModel) with weights.bin, and a checkpoint's optimizer.json with
 * optimizer.bin. Weights are float32, little-endian, concatenated in manifest order, as
 * tf.io.encodeWeights writes them. Each file is written atomically, weights first, so a
 * model.json on disk never names weights that are not there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { ModelDescription, NamedArray, Slots } from './engine.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.json';
export const OPTIMIZER_WEIGHTS_FILE = 'optimizer.bin';

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
}

function encode(arrays: NamedArray[]): { bytes: Uint8Array; specs: ManifestEntry[] } {
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + a.values.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength), at);
    at += a.values.byteLength;
  }
  return { bytes, specs: arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: 'float32' })) };
}

function decode(bytes: Buffer, specs: ManifestEntry[], file: string): NamedArray[] {
  let at = 0;
  return specs.map((s) => {
    if (s.dtype !== 'float32') throw new Error(`${file}: weight '${s.name}' has dtype ${s.dtype}; nnspec writes float32 only`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at + 4 * n > bytes.byteLength) throw new Error(`${file} ends before weight '${s.name}'`);
    const values = new Float32Array(n);
    new Uint8Array(values.buffer).set(bytes.subarray(at, at + 4 * n));
    at += 4 * n;
    return { name: s.name, shape: s.shape, values };
  });
}

/** How a file is written (atomically by default; a checkpoint's temporary directory needs no rename per file). */
export type FileWriter = (path: string, data: Uint8Array | string) => void;

/** Writes model.json + weights.bin into `dir` (which must exist). */
export function writeModelFiles(dir: string, model: ModelDescription, weights: NamedArray[], write: FileWriter = writeFileAtomic): void {
  const { bytes, specs } = encode(weights);
  write(join(dir, WEIGHTS_FILE), bytes);
  const json = { ...model, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }] };
  write(join(dir, MODEL_FILE), JSON.stringify(json));
}

/** The weights a model.json names, read from its weight files. */
export function readModelWeights(dir: string): NamedArray[] {
  const json = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8')) as { weightsManifest?: { paths: string[]; weights: ManifestEntry[] }[] };
  const manifest = json.weightsManifest ?? [];
  const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return decode(bytes, manifest.flatMap((g) => g.weights), join(dir, WEIGHTS_FILE));
}

/** The optimizer's state: its configuration, step count and every slot, named after its weight. */
export function writeOptimizerFiles(dir: string, config: unknown, state: Slots, write: FileWriter = writeFileAtomic): void {
  const { bytes, specs } = encode(state.slots);
  write(join(dir, OPTIMIZER_WEIGHTS_FILE), bytes);
  write(join(dir, OPTIMIZER_FILE), JSON.stringify({ config, iterations: state.iterations, weights: specs }));
}

export function readOptimizerFiles(dir: string): Slots {
  const { iterations, weights } = JSON.parse(readFileSync(join(dir, OPTIMIZER_FILE), 'utf8')) as { iterations: number; weights: ManifestEntry[] };
  return { iterations, slots: decode(readFileSync(join(dir, OPTIMIZER_WEIGHTS_FILE)), weights, join(dir, OPTIMIZER_WEIGHTS_FILE)) };
}
