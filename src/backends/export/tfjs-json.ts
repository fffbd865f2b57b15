/**
 * Graph → TensorFlow.js layers-model files: model.json (format, modelTopology, weightsManifest)
 * and weights.bin, as `tf.loadLayersModel` reads them. The model is built by the tfjs backend
 * (build.ts) and serialized by tfjs itself, so the topology and the weight names agree by
 * construction. Without a trained run the file is topology only: no weightsManifest, and
 * tf.loadLayersModel initializes the weights as the layers' initializers say.
 *
 * nnspec builds some layers with its own tfjs classes where tfjs lacks Keras's behaviour; those
 * need nnspec's classes to load. Global pooling is one of them only for keepdims and masks, so
 * the plain cases are written as tfjs's own GlobalMax/AveragePooling layers.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/graph.js';
import { buildModel } from '../tfjs/build.js';
import { nnspecClassNames } from '../tfjs/register.js';
import { nnspecMetadata, statefulBatch } from './keras-json.js';
import type { Tf } from '../tfjs/env.js';
import { WEIGHTS_FILE } from '../../train/run-files.js';
import { loadWeightsInto } from '../tfjs/save.js';

export interface TfjsExport {
  /** The parsed model.json. */
  modelJson: Record<string, unknown>;
  /** weights.bin, when weights were taken from a run. */
  weights?: Uint8Array;
  notes: string[];
}

type LayerEntry = { class_name: string; name?: string; config: Record<string, unknown> };

/** Whether a layer puts a mask on a sequence; with one in the graph, 1D global pooling keeps nnspec's mask-aware class. */
function hasMaskSource(graph: Graph): boolean {
  return graph.layers.some((l) => l.kind.masks?.(l.config as never) === true);
}

/** tfjs's own class for a global pooling that needs none of nnspec's additions, or undefined. */
function plainGlobalPooling(config: Record<string, unknown>, masked: boolean): LayerEntry | undefined {
  const { mode, rank, data_format, keepdims, name, trainable } = config;
  if (keepdims !== false || (rank === 1 && (masked || data_format !== 'channels_last'))) return undefined;
  const className = `Global${mode === 'max' ? 'Max' : 'Average'}Pooling${String(rank)}D`;
  return { class_name: className, config: { name, trainable, ...(rank === 2 ? { data_format } : {}) } };
}

/**
 * Rewrites what can be plain tfjs and notes what needs
 * nnspec's classes (wrapped layers included).
 */
function portable(topology: { config: { layers: LayerEntry[] } }, graph: Graph, ours: ReadonlySet<string>, notes: string[]): void {
  const masked = hasMaskSource(graph);
  const visit = (entry: LayerEntry, owner: string): void => {
    if (entry.class_name === 'NnspecGlobalPooling') {
      const plain = plainGlobalPooling(entry.config, masked);
      if (plain) {
        entry.class_name = plain.class_name;
        entry.config = plain.config;
      }
    }
    if (ours.has(entry.class_name)) {
      notes.push(`layer '${owner}' is written as nnspec's TensorFlow.js class ${entry.class_name} (tfjs has no layer computing what Keras does here); tf.loadLayersModel loads it only where that class is registered`);
    }
    const inner = entry.config.layer as LayerEntry | undefined;
    if (inner && typeof inner === 'object' && typeof inner.class_name === 'string') visit(inner, owner);
  };
  for (const entry of topology.config.layers) {
    visit(entry, entry.name ?? String(entry.config.name));
  }
}

/**
 * Builds the model, loads `weightsDir`'s model.json + weights.bin into it when given (every weight
 * must match by name and shape: a run of another spec throws), and serializes it.
 */
export async function toTfjsModel(graph: Graph, tf: Tf, opts: { weightsDir?: string; version: string }): Promise<TfjsExport> {
  const { model } = silently(() => buildModel(graph, tf));
  try {
    if (opts.weightsDir !== undefined) loadWeightsInto(tf, model, opts.weightsDir);
    let artifacts: tfTypes.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts!;
    const notes: string[] = [];
    const topology = a.modelTopology as { config: { layers: LayerEntry[] } } & Record<string, unknown>;
    portable(topology, graph, nnspecClassNames(tf), notes);
    markStateful(topology, graph, notes);
    for (const l of graph.layers) {
      if (l.config.activity_regularizer) notes.push(`layer '${l.name}': its activity_regularizer is not in model.json; TensorFlow.js layers cannot apply one (nnspec train adds it to the loss itself)`);
    }
    // As in the Keras export: call-site names, order, description and training, for nnspec import.
    topology.nnspec = nnspecMetadata(graph, opts.version);
    const modelJson: Record<string, unknown> = {
      format: a.format ?? 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: `nnspec ${opts.version}`,
      modelTopology: topology,
    };
    if (opts.weightsDir === undefined) return { modelJson, notes };
    modelJson.weightsManifest = [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }];
    const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
    return { modelJson, weights: new Uint8Array(data), notes };
  } finally {
    model.dispose();
  }
}

/**
 * nnspec builds recurrent layers without `stateful` (its engines start each batch from zero
 * states); the file says what the spec says: stateful layers marked, inputs with the fixed batch
 * size tfjs and Keras need for them.
 */
function markStateful(topology: { config: { layers: LayerEntry[] } }, graph: Graph, notes: string[]): void {
  const batch = statefulBatch(graph, notes);
  if (batch === undefined) return;
  const stateful = new Set(graph.layers.filter((l) => l.config.stateful === true || (l.config.layer as { stateful?: unknown } | undefined)?.stateful === true).map((l) => l.name));
  for (const entry of topology.config.layers) {
    const name = entry.name ?? String(entry.config.name);
    if (entry.class_name === 'InputLayer' && Array.isArray(entry.config.batch_input_shape)) (entry.config.batch_input_shape as (number | null)[])[0] = batch;
    if (!stateful.has(name)) continue;
    const inner = entry.config.layer as LayerEntry | undefined;
    (inner && typeof inner === 'object' ? inner.config : entry.config).stateful = true;
  }
}

/** tfjs warns on the console while initializing ("Orthogonal initializer ... Slowness may result"); an export has no use for it. */
function silently<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}
