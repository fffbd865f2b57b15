/**
 * Reading the TensorFlow.js layers format on disk (model.json + weights.bin, written by
 * train/run-files.ts) into tfjs, as a user's tf.loadLayersModel would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { MODEL_FILE } from '../../train/run-files.js';
import type { Tf } from './env.js';

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
