/**
 * The compiled model. Three nouns, as in Keras: a Layer (configuration and weights), a
 * GraphNode (one call site of a layer, or a model input), and a TensorSpec (what flows on an edge).
 * Sharing a layer means two nodes, one layer.
 */
import type { LayerConfig, LayerKind, WeightSpec } from '../layers/kind.js';
import type { ParamMap } from '../layers/params.js';
import type { TensorSpec } from '../layers/shape.js';
import type { TrainingSpec } from '../spec/types.js';
import type { BlockInstance } from './expand.js';

export interface Layer {
  /** The name of the node that declares the layer's configuration. */
  name: string;
  kind: LayerKind<ParamMap>;
  config: LayerConfig;
  /** Set when first built; every call site must produce the same weights. */
  weights?: WeightSpec[];
  params: number;
  trainableParams: number;
  /** Call sites in topological order (more than one for a shared layer). */
  nodes: GraphNode[];
}

export interface GraphNode {
  name: string;
  /** undefined for a model input. */
  layer?: Layer;
  /** Names of the nodes feeding this one, in order. */
  inputs: string[];
  /** 0 for a layer's first call site, n for its (n+1)-th (Keras's node index). */
  callIndex: number;
  /** undefined where inference failed or was skipped. */
  output?: TensorSpec;
  /** JSON pointer of the node's entry in the spec, for diagnostics. */
  ptr: string;
  /** Set when the node's own entry is invalid; inference skips it and what depends on it. */
  broken?: boolean;
  /**
   * Where an input names one of several outputs (`encoder:state_h`), parallel to `inputs`: the
   * output as written and the reference's JSON pointer. Resolve sets it; infer turns it into `taps`.
   */
  refs?: (OutputRef | undefined)[];
  /** Which output of each input node feeds this one, parallel to `inputs` (absent: each one's first). */
  taps?: number[];
  /** How many of the last `inputs` are a recurrent layer's `initial_state:`. */
  states?: number;
  /** Every output by name where the call returns several (LSTM with return_state); `output` is the first. */
  outputs?: { name: string; spec: TensorSpec }[];
}

/** An input reference's output part: `state_h` or `1` in `encoder:state_h`, `encoder:1`. */
export interface OutputRef {
  output: string;
  ptr: string;
}

/** The name of a call's first output, as a spec may write it (`encoder:output`). */
export const FIRST_OUTPUT = 'output';

/** `encoder:state_h` → the node's name and the output's; a plain name has no output part. */
export function splitRef(ref: string): { name: string; output?: string } {
  const i = ref.lastIndexOf(':');
  return i < 0 ? { name: ref } : { name: ref.slice(0, i), output: ref.slice(i + 1) };
}

/** The tensor the node's `i`-th input takes: the tapped output of the input node. */
export function inputSpec(node: GraphNode, i: number, nodes: ReadonlyMap<string, GraphNode>): TensorSpec | undefined {
  const from = nodes.get(node.inputs[i]!);
  const tap = node.taps?.[i] ?? 0;
  return tap === 0 ? from?.output : from?.outputs?.[tap]?.spec;
}

export interface Graph {
  name: string;
  description?: string;
  /** Model inputs, in declaration order. */
  inputs: GraphNode[];
  /** Every node by name. */
  nodes: Map<string, GraphNode>;
  /** Inputs and layer nodes in topological order (declaration order where the graph allows). */
  order: GraphNode[];
  /** Unique layers, in the order of their first call. */
  layers: Layer[];
  outputs: string[];
  training?: TrainingSpec;
  totalParams: number;
  trainableParams: number;
  /** Format 2: every block instance the layers were expanded from, outermost first. */
  instances?: BlockInstance[];
}

export function outputOf(node: GraphNode): TensorSpec {
  if (!node.output) throw new Error(`internal: node '${node.name}' has no inferred output`);
  return node.output;
}

/** Every pointer at or above a reported one, per set of reported pointers (rebuilt when the set grows). */
const ancestors = new WeakMap<ReadonlySet<string>, { size: number; set: Set<string> }>();

/**
 * Whether the schema reported a problem at the JSON pointer `ptr` or below it. Constant time: a
 * spec of thousands of layers with thousands of problems was quadratic here (seconds per compile).
 */
export function isBroken(broken: ReadonlySet<string>, ptr: string): boolean {
  let index = ancestors.get(broken);
  if (!index || index.size !== broken.size) {
    const set = new Set<string>();
    for (const b of broken) {
      set.add('');
      for (let i = b.indexOf('/', 1); i !== -1; i = b.indexOf('/', i + 1)) set.add(b.slice(0, i));
      set.add(b);
    }
    index = { size: broken.size, set };
    ancestors.set(broken, index);
  }
  return index.set.has(ptr);
}
