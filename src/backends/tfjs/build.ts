/**
 * DAG → tf.LayersModel. Walks the compiled graph once: one tfjs layer instance per spec layer
 * (a `shares:` node applies the same instance again), tfjs names = spec names. Never re-infers shapes.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Graph, Layer } from '../../compiler/graph.js';
import { walkOutputs } from '../../compiler/walk.js';
import type { LayerConfig } from '../../layers/kind.js';
import type { Tf, TfjsEnv, TfLayer } from './env.js';
import { emitTfjs } from './layers/registry.js';

export interface BuiltModel {
  model: tfTypes.LayersModel;
  /** The tfjs layer of each spec layer, by the spec layer's name. */
  layers: Map<string, TfLayer>;
  /** The symbolic output of every node, by node name. */
  tensors: Map<string, tfTypes.SymbolicTensor>;
  /**
   * Nodes whose layer has an `activity_regularizer`: tfjs cannot apply one, so the trainer adds
   * regularizer(output) to the objective itself, as Keras adds it to `model.losses`.
   */
  activityRegularized: { node: string; regularizer: unknown }[];
}

function envFor(tf: Tf, name: string): TfjsEnv {
  const env: TfjsEnv = {
    tf,
    name,
    inner: (config: LayerConfig): TfLayer => emitTfjs(config, { ...env, name: `${name}_${config.type.toLowerCase()}` }),
  };
  return env;
}

export function buildModel(graph: Graph, tf: Tf): BuiltModel {
  const instances = new Map<Layer, TfLayer>();
  // A call may return several tensors (a recurrent layer's return_state); an input takes the one it taps.
  const outputs = walkOutputs<tfTypes.SymbolicTensor>(graph, (node, inputs) => {
    const out = node.output!;
    if (!node.layer) return [tf.input({ shape: out.shape.slice(1), dtype: out.dtype, name: node.name })];
    let layer = instances.get(node.layer);
    if (!layer) {
      layer = emitTfjs(node.layer.config, envFor(tf, node.layer.name));
      if (node.layer.config.trainable === false) layer.trainable = false;
      instances.set(node.layer, layer);
    }
    // A recurrent layer's initial states follow its sequence in the list (tfjs's RNN.apply reads them so).
    const result = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tfTypes.SymbolicTensor | tfTypes.SymbolicTensor[];
    return Array.isArray(result) ? result : [result];
  });
  const tensors = new Map([...outputs].map(([name, outs]) => [name, outs[0]!]));
  const model = tf.model({
    inputs: graph.inputs.map((n) => tensors.get(n.name)!),
    outputs: graph.outputs.map((o) => tensors.get(o)!),
    name: graph.name,
  });
  const activityRegularized = graph.order
    .filter((n) => n.layer && n.layer.config.activity_regularizer)
    .map((n) => ({ node: n.name, regularizer: n.layer!.config.activity_regularizer }));
  return { model, layers: new Map([...instances].map(([l, t]) => [l.name, t])), tensors, activityRegularized };
}
