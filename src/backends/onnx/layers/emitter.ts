/**
 * How the ONNX engine runs a layer: one emitter per layer type, found through the registry in
 * ./index.ts, translating the layer's meaning (src/layers/) into ONNX ops. The layer module owns
 * arguments, shape rule and parameter count; the emitter owns only how it runs here.
 */
import type { GraphNode, Layer } from '../../../compiler/graph.js';
import type { LayerConfig } from '../../../layers/kind.js';
import type { OnnxGraph, Value } from '../graph.js';

/** What flows on an edge of the model: the tensor and, where Keras propagates one, its mask. */
export interface Flow {
  value: Value;
  /** bool [batch, steps] (Keras's timestep mask), from mask_zero or Masking. */
  mask?: Value;
}

export interface EmitContext {
  g: OnnxGraph;
  /** The node being emitted (its layer's config is `config`), for names and diagnostics. */
  node: GraphNode;
  layer: Layer;
  /** Training graph (dropout active, BatchNormalization on batch statistics) or inference. */
  training: boolean;
  /** The layer's weight by Keras name (`kernel`, `bias`, `embeddings`, ...), in Keras's layout. */
  weight(name: string): Value;
  /**
   * A non-trainable weight's new value after this call (BatchNormalization's moving mean and
   * variance in training). The engine writes it back after the step.
   */
  update(name: string, value: Value): void;
  /**
   * A non-trainable weight as this call sees it: the value an earlier call of the same (shared)
   * layer updated it to in this graph, else the weight itself (Keras assigns call by call).
   */
  latest(name: string): Value;
  /** A fresh seed for a random op (dropout, noise), drawn from the run's seed. */
  seed(): number;
}

export type LayerEmitter = (config: LayerConfig, inputs: Flow[], ctx: EmitContext) => Flow[];
