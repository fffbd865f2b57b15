/**
 * tf.LayersModel ⇄ the TensorFlow.js layers format on disk (model.json + weights.bin, see
 * train/run-files.ts), for export and for loading files as a user's tf.loadLayersModel would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../train/atomic.js';
import { MODEL_FILE, WEIGHTS_FILE } from '../../train/run-files.js';
import type { Tf } from './env.js';

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
