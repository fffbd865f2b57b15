/**
 * The TensorFlow.js layers format on disk: model.json (topology + weights manifest) and
 * weights.bin, each written atomically (weights first, so a model.json on disk never names
 * weights that are not there). Also the optimizer's state, in the same encoding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../train/atomic.js';
import type { Tf } from './env.js';
import type { Optimizing } from './optimizers.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.json';
export const OPTIMIZER_WEIGHTS_FILE = 'optimizer.bin';

function joined(tf: Tf, data: tfTypes.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** Writes model.json + weights.bin into `dir` (which must exist). */
export async function saveModel(tf: Tf, model: tfTypes.LayersModel, dir: string, metadata?: Record<string, unknown>): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileAtomic(join(dir, WEIGHTS_FILE), joined(tf, artifacts.weightData));
      const json: Record<string, unknown> = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(metadata ? { userDefinedMetadata: metadata } : {}),
      };
      writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** The saved model as tfjs artifacts, for tf.loadLayersModel(tf.io.fromMemory(...)). */
export function readModelArtifacts(dir: string): tfTypes.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8')) as tfTypes.io.ModelJSON;
  const manifest = json.weightsManifest;
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const parts = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const bytes = Buffer.concat(parts);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  };
}

/** Loads saved weights into a model built from the same spec (matched by name, every one required). */
export function loadWeightsInto(tf: Tf, model: tfTypes.LayersModel, dir: string): void {
  const a = readModelArtifacts(dir);
  const tensors = tf.io.decodeWeights(a.weightData!, a.weightSpecs!);
  try {
    model.loadWeights(tensors, true);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The optimizer's state: its configuration, step count and every slot, named after its weight. */
export async function saveOptimizer(tf: Tf, optimizing: Optimizing, dir: string): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(optimizing.slots());
  writeFileAtomic(join(dir, OPTIMIZER_WEIGHTS_FILE), joined(tf, data));
  writeFileAtomic(join(dir, OPTIMIZER_FILE), JSON.stringify({ config: optimizing.config, iterations: optimizing.iterations, weights: specs }));
}

export function loadOptimizer(tf: Tf, optimizing: Optimizing, dir: string, model: tfTypes.LayersModel): void {
  const { iterations, weights } = JSON.parse(readFileSync(join(dir, OPTIMIZER_FILE), 'utf8')) as { iterations: number; weights: tfTypes.io.WeightsManifestEntry[] };
  const bytes = readFileSync(join(dir, OPTIMIZER_WEIGHTS_FILE));
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), weights);
  const trainable = model.trainableWeights;
  try {
    optimizing.restore(iterations, new Map(Object.entries(map)), trainable.map((w) => w.read() as tfTypes.Variable), trainable.map((w) => w.originalName));
  } finally {
    tf.dispose(Object.values(map));
  }
}
