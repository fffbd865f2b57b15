/**
 * The forward graph: nnspec's layer DAG → ONNX nodes, through the one walker and each layer
 * type's emitter (./layers/). Inputs are in Keras's layout (NHWC/NWC data); each weight is one
 * graph input named as tfjs names it (`dense_1/kernel`) in Keras's shape, or an initializer when
 * the caller gives values (export). Layout changes to ONNX's channels-first happen inside the
 * graph; ONNX Runtime's transpose optimizer cancels the adjacent ones.
 */
import type { Graph, GraphNode, Layer } from '../../compiler/graph.js';
import { walkOutputs } from '../../compiler/walk.js';
import type { WeightSpec } from '../../layers/kind.js';
import type { OnnxGraph, Value } from './graph.js';
import type { EmitContext, Flow } from './layers/emitter.js';
import { layerEmitter } from './layers/index.js';

export interface ForwardOptions {
  g: OnnxGraph;
  /** Training graph (dropout and noise active, BatchNormalization on batch statistics) or inference. */
  training: boolean;
  /** The concrete shape of each model input, batch first, by input name. */
  inputShapes: Readonly<Record<string, readonly number[]>>;
  /** Element type of the integer inputs as fed (ids): int32 (default) or int64. */
  intType?: 'int32' | 'int64';
  /** Base seed of the random ops; each random op gets its own seed drawn from it. */
  seed?: number;
  /** Weight values to bake in as initializers (export); without it every weight is a graph input. */
  weightValues?: (name: string, weight: ForwardWeight) => Float32Array;
}

export interface ForwardWeight {
  /** As tfjs names the variable: `dense_1/kernel`, `bi/forward_bi_lstm/kernel`. */
  name: string;
  layer: string;
  /** The layer's own name for it: `kernel`, `forward_kernel`, `moving_mean`. */
  weight: string;
  shape: number[];
  trainable: boolean;
  value: Value;
}

export interface ForwardResult {
  /** The graph input of each model input. */
  inputs: Map<string, Value>;
  /** Every node's output (and mask), by node name. */
  values: Map<string, Flow>;
  /** The model's outputs, in the spec's order. */
  outputs: Map<string, Flow>;
  /** Every weight in the model's order (layers in order of first call, each layer's weights in Keras's order). */
  weights: ForwardWeight[];
  /**
   * New values of non-trainable weights after this step (BatchNormalization's moving statistics
   * in training), one per weight: a shared layer's calls update it one after the other.
   */
  updates: { name: string; value: Value }[];
}

/**
 * tfjs's variable name for a layer's weight. Bidirectional's copies are layers of their own in
 * tfjs, named `forward_<layer>_<type>` and `backward_<layer>_<type>` inside the wrapper's scope.
 */
export function tfjsWeightName(layer: Layer, weight: string): string {
  if (layer.config.type === 'Bidirectional') {
    const m = /^(forward|backward)_(.*)$/.exec(weight);
    if (m) return `${layer.name}/${m[1]}_${layer.name}_${String((layer.config.layer as { type: string }).type).toLowerCase()}/${m[2]}`;
  }
  return `${layer.name}/${weight}`;
}

/** Seeds for random ops: distinct, reproducible from the base seed (xorshift, kept in float32's exact range). */
function seeder(base: number): () => number {
  let s = (base >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % 16777216;
  };
}

export function emitForward(graph: Graph, opts: ForwardOptions): ForwardResult {
  const { g } = opts;
  const weights: ForwardWeight[] = [];
  const byLayer = new Map<Layer, Map<string, Value>>();
  for (const layer of graph.layers) {
    const mine = new Map<string, Value>();
    for (const w of layer.weights ?? []) mine.set(w.name, declareWeight(layer, w));
    byLayer.set(layer, mine);
  }

  function declareWeight(layer: Layer, w: WeightSpec): Value {
    const name = tfjsWeightName(layer, w.name);
    const entry: ForwardWeight = { name, layer: layer.name, weight: w.name, shape: [...w.shape], trainable: w.trainable, value: undefined as unknown as Value };
    entry.value = opts.weightValues ? g.initializer(name, opts.weightValues(name, entry), w.shape) : g.input(name, w.shape, 'float32');
    weights.push(entry);
    return entry.value;
  }

  const inputs = new Map<string, Value>();
  const updates: { name: string; value: Value }[] = [];
  const seed = seeder(opts.seed ?? 0);

  // A call may return several flows (a recurrent layer's return_state); an input takes the one it taps.
  const all = walkOutputs<Flow>(graph, (node: GraphNode, flows: Flow[]): Flow[] => {
    if (!node.layer) {
      const shape = opts.inputShapes[node.name];
      if (!shape) throw new Error(`internal: no concrete shape for model input '${node.name}'`);
      const dtype = node.output?.dtype === 'int32' ? (opts.intType ?? 'int32') : 'float32';
      const v = g.input(node.name, shape, dtype);
      inputs.set(node.name, v);
      return [{ value: v }];
    }
    const layer = node.layer;
    const emitter = layerEmitter(layer.config.type);
    if (!emitter) throw new Error(`internal: no ONNX emitter for layer type ${layer.config.type}`);
    const own = byLayer.get(layer)!;
    const ctx: EmitContext = {
      g,
      node,
      layer,
      training: opts.training,
      weight(name) {
        const v = own.get(name);
        if (!v) throw new Error(`internal: layer '${layer.name}' has no weight '${name}'`);
        return v;
      },
      update(name, value) {
        const full = tfjsWeightName(layer, name);
        const earlier = updates.findIndex((u) => u.name === full);
        if (earlier === -1) updates.push({ name: full, value });
        else updates[earlier] = { name: full, value };
      },
      latest(name) {
        const full = tfjsWeightName(layer, name);
        return updates.find((u) => u.name === full)?.value ?? ctx.weight(name);
      },
      seed,
    };
    const out = emitter(layer.config, flows, ctx);
    const wanted = node.outputs?.length ?? 1;
    if (out.length !== wanted) throw new Error(`internal: ${layer.config.type} emitted ${out.length} outputs, not ${wanted}`);
    return out;
  });
  const values = new Map([...all].map(([name, flows]) => [name, flows[0]!]));

  return { inputs, values, outputs: new Map(graph.outputs.map((o) => [o, values.get(o)!])), weights, updates };
}
