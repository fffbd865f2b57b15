/**
 * Graph → the Keras functional model config that `model.to_json()` writes in tf.keras 2.x and
 * `tf.keras.models.model_from_json` reads (Keras 3 and TensorFlow.js read it too):
 *
 *   {class_name: "Functional", config: {name, trainable, layers, input_layers, output_layers},
 *    keras_version, backend}
 *
 * Each layer appears once, with one inbound node per call site; a node refers to its inputs as
 * [layer name, node index, tensor index, call kwargs]. A shared layer's second call is its node 1,
 * so what reads that call's output refers to [layer, 1, 0, {}].
 */
import type { Graph } from '../../compiler/graph.js';
import { walkOutputs } from '../../compiler/walk.js';
import { statefulNodes } from '../../layers/recurrent.js';
import { kerasLayer } from './keras-layer.js';

/** A tensor as Keras addresses it: the layer that made it, which call, which output. */
type Coordinates = [layer: string, node: number, tensor: number];

export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name: string;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

/**
 * What Keras has no place for, kept so that `nnspec import` restores the spec exactly: the names
 * of a shared layer's later call sites, the description and the training section. Keras and
 * TensorFlow.js ignore keys they do not know at this level.
 */
export interface NnspecMetadata {
  version: string;
  /** Call sites after a layer's first, by node name: [layer, node index]. */
  nodes?: Record<string, [string, number]>;
  /** Every node in the spec's order (TensorFlow.js lists layers by depth; a shared layer's calls are not in the layer list). */
  order?: string[];
  description?: string;
  training?: unknown;
}

export interface KerasModelJson {
  class_name: 'Functional';
  config: { name: string; trainable: true; layers: KerasLayerJson[]; input_layers: Coordinates[]; output_layers: Coordinates[] };
  keras_version: string;
  backend: 'tensorflow';
  nnspec: NnspecMetadata;
}

/** The tf.keras release whose format this is; model_from_json does not read it. */
export const KERAS_VERSION = '2.15.0';

/** The model config, and notes on anything Keras 2 cannot express (each a sentence). Needs a complete graph. */
export function toKerasModel(graph: Graph, nnspecVersion: string): { model: KerasModelJson; notes: string[] } {
  const notes: string[] = [];
  const entries = new Map<string, KerasLayerJson>();
  // One coordinate per output of a call: a recurrent layer's return_state states are its tensors 1, 2...
  // An initial_state's tensors follow the sequence in the inbound node, as tf.keras 2 records them.
  const coordinates = walkOutputs<Coordinates>(graph, (node, inputs) => {
    if (!node.layer) {
      const out = node.output!;
      const config = { batch_input_shape: out.shape, dtype: out.dtype, sparse: false, ragged: false, name: node.name };
      entries.set(node.name, { class_name: 'InputLayer', config, name: node.name, inbound_nodes: [] });
      return [[node.name, 0, 0]];
    }
    const layer = node.layer;
    let entry = entries.get(layer.name);
    if (!entry) {
      const { class_name, config } = kerasLayer(layer.config, layer.name, notes);
      entry = { class_name, config, name: layer.name, inbound_nodes: [] };
      entries.set(layer.name, entry);
    }
    entry.inbound_nodes.push(inputs.map(([name, index, tensor]) => [name, index, tensor, {}]));
    return Array.from({ length: node.outputs?.length ?? 1 }, (_, tensor): Coordinates => [layer.name, node.callIndex, tensor]);
  });
  const first = (name: string) => coordinates.get(name)![0]!;
  const batch = statefulBatch(graph, notes);
  if (batch !== undefined) {
    for (const entry of entries.values()) if (entry.class_name === 'InputLayer') (entry.config.batch_input_shape as (number | null)[])[0] = batch;
  }
  const model: KerasModelJson = {
    class_name: 'Functional',
    config: {
      name: graph.name,
      trainable: true,
      layers: [...entries.values()],
      input_layers: graph.inputs.map((n) => first(n.name)),
      output_layers: graph.outputs.map(first),
    },
    keras_version: KERAS_VERSION,
    backend: 'tensorflow',
    nnspec: nnspecMetadata(graph, nnspecVersion),
  };
  return { model, notes };
}

/**
 * Keras builds a stateful recurrent layer only with a fixed batch size (its states have one row per
 * sample): the inputs get training.batch_size (32 when not given), with a note. Undefined when no
 * layer is stateful.
 */
export function statefulBatch(graph: Graph, notes: string[]): number | undefined {
  const stateful = statefulNodes(graph);
  if (stateful.length === 0) return undefined;
  const batch = graph.training?.batch_size ?? 32;
  const from = graph.training?.batch_size !== undefined ? 'training.batch_size' : 'the default, 32; set training.batch_size to change it';
  notes.push(`${stateful.map((s) => `${s.type} '${s.name}'`).join(', ')} ${stateful.length === 1 ? 'is' : 'are'} stateful, which Keras builds only with a fixed batch size: the inputs are written with batch size ${batch} (${from})`);
  return batch;
}

/** What the spec says that the Keras config cannot (see NnspecMetadata). */
export function nnspecMetadata(graph: Graph, nnspecVersion: string): NnspecMetadata {
  const metadata: NnspecMetadata = { version: nnspecVersion };
  for (const node of graph.order) if (node.layer && node.callIndex > 0) (metadata.nodes ??= {})[node.name] = [node.layer.name, node.callIndex];
  metadata.order = graph.order.map((n) => n.name);
  if (graph.description !== undefined) metadata.description = graph.description;
  if (graph.training !== undefined) metadata.training = graph.training;
  return metadata;
}
