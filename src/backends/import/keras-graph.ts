/**
 * A Keras or TensorFlow.js model JSON → one plain graph: model inputs, layers with their
 * configurations and call sites, outputs. Reads every form the writers produce:
 *  - tf.keras 2.x `model.to_json()`: {class_name: Functional|Model|Sequential, config, keras_version};
 *    inbound nodes as [[layer, node, tensor, kwargs], ...];
 *  - Keras 3 `model.to_json()`: the same with `module`/`registered_name`, inbound nodes as
 *    {args: [keras tensor or list of them], kwargs}, a keras tensor being
 *    {class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}};
 *    input_layers/output_layers may be a single [layer, node, tensor] or a dict;
 *  - TensorFlow.js: `model.toJSON()` (Keras 2 layout, class "Model"), or a model.json whose
 *    `modelTopology` holds it (or holds `model_config`, as tensorflowjs_converter writes).
 */
import type { Code } from '../../diagnostics/codes.js';
import { layerKind } from '../../layers/registry.js';
import type { NnspecMetadata } from '../export/keras-json.js';
import type { LocatedJson } from './located-json.js';

/** A tensor as Keras addresses it: the layer, which of its calls, which output. */
export interface Ref {
  layer: string;
  node: number;
  tensor: number;
}

/**
 * One call of a layer: the tensors it takes. For a recurrent layer, the last `states` of them are
 * its initial_state (other layers take every tensor as an input).
 */
export interface KerasCall {
  refs: Ref[];
  states: number;
  /** The `training` call argument when given as true or false (Keras 3 writes it). */
  training?: { value: boolean; at: number };
  /** Set when the call could not be read (its problem is in the graph's problems). */
  broken?: boolean;
}

export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** One entry per call (a call that could not be read is there, broken, so later references still find it). */
  calls: KerasCall[];
  /** The layer's object in the JSON, for locating problems. */
  raw: object;
}

export interface KerasInput {
  name: string;
  shape: (number | null)[];
  dtype: string;
  raw: object;
  /** A fixed batch size (batch_shape [64, 50]) and where it is written. */
  batch?: { size: number; at: number };
}

export interface KerasGraph {
  /** "Keras 2 Functional", "Keras 3 Sequential", "TensorFlow.js Model"... for the spec's header. */
  format: string;
  name: string;
  inputs: KerasInput[];
  layers: KerasLayer[];
  outputs: Ref[];
  metadata?: NnspecMetadata;
  /**
   * Problems found while reading that leave the graph readable (a call argument, an input's
   * shape): toSpec reports them with its own, so that a file's problems come out at once.
   */
  problems: Problem[];
}

export interface Problem {
  /** NN7xx, or the spec code when the generated spec fails one of nnspec's own checks. */
  code: Code;
  message: string;
  /** Offset in the JSON text. */
  at: number;
}

/** Something changed to fit a spec (a warning, NN707), at its offset in the JSON when it has one. */
export interface Note {
  message: string;
  at?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function readKerasGraph(json: LocatedJson): { graph?: KerasGraph; problems: Problem[] } {
  const problems: Problem[] = [];
  const fail = (message: string, where: unknown) => ({ problems: [...problems, { code: 'NN701' as const, message, at: json.at(where) }] });
  let root = json.value;
  let family = 'Keras';
  // nnspec's metadata (see NnspecMetadata): in the topology, or a model.json's userDefinedMetadata.
  let metadata: NnspecMetadata | undefined;
  if (isObj(root) && isObj(root.modelTopology)) {
    family = 'TensorFlow.js';
    if (isObj(root.userDefinedMetadata) && isObj(root.userDefinedMetadata.nnspec)) metadata = root.userDefinedMetadata.nnspec as unknown as NnspecMetadata;
    root = root.modelTopology;
  }
  if (isObj(root) && isObj(root.model_config)) root = root.model_config;
  if (!isObj(root) || typeof root.class_name !== 'string') {
    return fail('not a Keras model: expected an object with class_name and config (what model.to_json() writes), or a TensorFlow.js model.json', root);
  }
  if (typeof root.keras_version === 'string' && root.keras_version.startsWith('tfjs')) family = 'TensorFlow.js';
  else if (family === 'Keras') family = 'module' in root || JSON.stringify(root.config ?? {}).includes('"__keras_tensor__"') ? 'Keras 3' : 'Keras 2';
  if (isObj(root.nnspec)) metadata = root.nnspec as unknown as NnspecMetadata;
  const className = root.class_name;
  const format = `${family} ${className}`;
  let read: { graph?: Omit<KerasGraph, 'format' | 'metadata' | 'problems'>; problems: Problem[] };
  if (className === 'Sequential') read = readSequential(root.config, json);
  else if (className === 'Functional' || className === 'Model') read = readFunctional(root.config, json);
  else return fail(`'${className}' is not a model class nnspec reads; expected Functional, Model or Sequential`, root);
  if (!read.graph) return { problems: read.problems };
  return { graph: { ...read.graph, format, ...(metadata ? { metadata } : {}), problems: read.problems }, problems: [] };
}

/** Classes of a model, which may appear as a layer of another model. */
const MODEL_CLASSES: ReadonlySet<string> = new Set(['Functional', 'Model', 'Sequential']);

function layerName(entry: Obj): string {
  const config = isObj(entry.config) ? entry.config : {};
  return String(entry.name ?? config.name ?? '');
}

/** The key of a batch shape in any spelling Keras or tfjs used (tensorflowjs_converter may write camelCase). */
export const BATCH_SHAPE_KEYS = ['batch_input_shape', 'batch_shape', 'batchInputShape', 'batchShape'] as const;

/**
 * An InputLayer's shape without the batch axis, from any spelling Keras or tfjs used; the batch
 * size when the model fixes one. An input without a usable shape is still returned (shape []),
 * after its problem, so that the layers it feeds are read and checked too.
 */
function inputOf(name: string, entry: Obj, config: Obj, problems: Problem[], json: LocatedJson): KerasInput {
  const key = BATCH_SHAPE_KEYS.find((k) => config[k] !== undefined && config[k] !== null);
  // The config may be assembled from a Sequential's first layer: then the layer's place.
  const where = (k: string) => json.keyAt(config, k) || json.at(entry);
  const batchShape = key ? config[key] : undefined;
  const dtype = typeof (config.dtype ?? config.dType) === 'string' ? String(config.dtype ?? config.dType) : 'float32';
  if (!Array.isArray(batchShape) || batchShape.length === 0 || !batchShape.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 1))) {
    problems.push({ code: 'NN705', message: `input '${name}' has no usable batch_input_shape (a list of sizes or nulls, batch first)`, at: key ? where(key) : json.at(entry) });
    return { name, shape: [], dtype, raw: entry };
  }
  for (const flag of ['sparse', 'ragged']) {
    if (config[flag] === true) problems.push({ code: 'NN705', message: `input '${name}' is ${flag}; nnspec inputs are dense tensors`, at: json.keyAt(config, flag) });
  }
  const batch = batchShape[0] as number | null;
  return { name, shape: (batchShape as (number | null)[]).slice(1), dtype, raw: entry, ...(batch !== null ? { batch: { size: batch, at: where(key!) } } : {}) };
}

function readFunctional(config: unknown, json: LocatedJson): { graph?: Omit<KerasGraph, 'format' | 'metadata' | 'problems'>; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObj(config) || !Array.isArray(config.layers)) return { problems: [{ code: 'NN701', message: 'the model config has no layers list', at: json.at(config) }] };
  const inputsByName = new Map<string, KerasInput>();
  const layers: KerasLayer[] = [];
  for (const entry of config.layers) {
    if (!isObj(entry) || typeof entry.class_name !== 'string') {
      problems.push({ code: 'NN701', message: 'a layer entry is not an object with class_name and config', at: json.at(entry) });
      continue;
    }
    const layerConfig = isObj(entry.config) ? entry.config : {};
    if (entry.class_name === 'InputLayer') {
      const input = inputOf(layerName(entry), entry, layerConfig, problems, json);
      inputsByName.set(input.name, input);
      continue;
    }
    const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    const calls = nodes.map((node): KerasCall => readCall(node, layerName(entry), problems, json) ?? { refs: [], states: 0, broken: true });
    layers.push({ name: layerName(entry), className: entry.class_name, config: layerConfig, calls, raw: entry });
  }
  const inputRefs = refList(config.input_layers);
  const outputs = refList(config.output_layers);
  if (!inputRefs || !outputs) return { problems: [...problems, { code: 'NN701', message: 'input_layers and output_layers must list [layer, node, tensor] triples', at: json.at(config) }] };
  const inputs: KerasInput[] = [];
  for (const ref of inputRefs) {
    const input = inputsByName.get(ref.layer);
    if (input) inputs.push(input);
    else problems.push({ code: 'NN704', message: `model input '${ref.layer}' is not an InputLayer of the model (nested models are not supported)`, at: json.keyAt(config, 'input_layers') });
  }
  return { graph: { name: String(config.name ?? 'model'), inputs, layers, outputs }, problems };
}

/**
 * One inbound node: Keras 2's list of [layer, node, tensor, kwargs], or Keras 3's {args, kwargs}.
 * Call arguments read: `training` (kept on the call for to-spec), `initial_state` (Keras 3; Keras 2
 * lists the states after the sequence), `mask: null`. Any other non-null argument is a problem.
 */
function readCall(node: unknown, owner: string, problems: Problem[], json: LocatedJson): KerasCall | undefined {
  const bad = (why: string, where: unknown = node) => {
    problems.push({ code: 'NN704', message: `layer '${owner}': ${why}`, at: json.at(where) });
    return undefined;
  };
  const call: KerasCall = { refs: [], states: 0 };
  /** The call arguments nnspec reads; false after reporting the others. */
  const kwargsOk = (kwargs: unknown, where: unknown, keras3: boolean): boolean => {
    if (kwargs === undefined || kwargs === null) return true;
    if (!isObj(kwargs)) return bad('has call arguments that are not an object', where) ?? false;
    const readable = new Set(['training', 'mask', ...(keras3 ? ['initial_state'] : [])]);
    const others = Object.keys(kwargs).filter((k) => kwargs[k] !== null && !readable.has(k));
    if (others.length > 0) return bad(`is called with ${others.map((k) => `${k}: ${brief(kwargs[k])}`).join(', ')}; nnspec calls layers on their inputs only (and reads training and initial_state)`, where) ?? false;
    if (kwargs.mask !== undefined && kwargs.mask !== null) return bad('is called with an explicit mask; nnspec layers take their masks from their inputs', where) ?? false;
    const training = kwargs.training;
    if (training !== undefined && training !== null) {
      if (typeof training !== 'boolean') return bad(`is called with training: ${brief(training)}; expected true, false or null`, where) ?? false;
      call.training = { value: training, at: json.keyAt(kwargs, 'training') };
    }
    return true;
  };
  const history = (t: unknown): Ref | undefined => {
    const h = isObj(t) && t.class_name === '__keras_tensor__' && isObj(t.config) ? t.config.keras_history : undefined;
    return Array.isArray(h) && typeof h[0] === 'string' ? { layer: h[0], node: Number(h[1] ?? 0), tensor: Number(h[2] ?? 0) } : undefined;
  };
  if (Array.isArray(node)) {
    for (const item of node) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || item[0] === '_CONSTANT_VALUE') return bad('is called on a constant or an unreadable inbound node; nnspec calls layers on tensors only');
      if (!kwargsOk(item[3], item, false)) return undefined;
      call.refs.push({ layer: item[0], node: Number(item[1] ?? 0), tensor: Number(item[2] ?? 0) });
    }
    // tf.keras 2 and tfjs record a recurrent layer's initial states as inputs after the sequence.
    call.states = Math.max(0, call.refs.length - 1);
    return call;
  }
  if (isObj(node) && Array.isArray(node.args)) {
    if (node.args.length !== 1) return bad(`is called with ${node.args.length} positional arguments; nnspec calls a layer on one tensor or a list of tensors`);
    if (!kwargsOk(node.kwargs, node, true)) return undefined;
    const first = node.args[0];
    for (const t of Array.isArray(first) ? first : [first]) {
      const ref = history(t);
      if (!ref) return bad('is called on something that is not a Keras tensor', t);
      call.refs.push(ref);
    }
    const initial = isObj(node.kwargs) ? node.kwargs.initial_state : undefined;
    if (initial !== undefined && initial !== null) {
      for (const t of Array.isArray(initial) ? initial : [initial]) {
        const ref = history(t);
        if (!ref) return bad('is called with an initial_state that is not a Keras tensor', t);
        call.refs.push(ref);
        call.states++;
      }
    } else call.states = 0;
    return call;
  }
  return bad('has an inbound node nnspec cannot read');
}

/** A call argument's value, short, for a message. */
function brief(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** input_layers/output_layers: a [layer, node, tensor] triple, a list of them, or a dict of them (Keras 3). */
function refList(value: unknown): Ref[] | undefined {
  const leaf = (v: unknown): v is [string, number, number] => Array.isArray(v) && v.length === 3 && typeof v[0] === 'string';
  const items = leaf(value) ? [value] : Array.isArray(value) ? value : isObj(value) ? Object.values(value) : undefined;
  if (!items || !items.every(leaf)) return undefined;
  return items.map(([layer, node, tensor]) => ({ layer, node: Number(node), tensor: Number(tensor) }));
}

/**
 * Sequential: a chain. The input comes from an InputLayer entry (Keras 3, recent Keras 2), the
 * first layer's batch_input_shape (Keras 2, tfjs), or build_input_shape; it is named as Keras 2
 * names the input it creates, `<first layer>_input`.
 */
function readSequential(config: unknown, json: LocatedJson): { graph?: Omit<KerasGraph, 'format' | 'metadata' | 'problems'>; problems: Problem[] } {
  const problems: Problem[] = [];
  const entries = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (!entries) return { problems: [{ code: 'NN701', message: 'the Sequential config has no layers list', at: json.at(config) }] };
  const objects = entries.filter((e): e is Obj => isObj(e) && typeof e.class_name === 'string');
  if (objects.length !== entries.length) problems.push({ code: 'NN701', message: 'a layer entry is not an object with class_name and config', at: json.at(config) });
  let input: KerasInput | undefined;
  let rest = objects;
  if (objects[0]?.class_name === 'InputLayer') {
    input = inputOf(layerName(objects[0]), objects[0], isObj(objects[0].config) ? objects[0].config : {}, problems, json);
    rest = objects.slice(1);
  } else if (objects[0]) {
    const first = objects[0];
    let firstConfig = isObj(first.config) ? first.config : {};
    // A nested model as the first layer (a transfer-learning base): the input is its input, and the
    // model itself stays in the layer list, where it is reported by name.
    const nestedInput = MODEL_CLASSES.has(String(first.class_name)) && Array.isArray(firstConfig.layers) ? firstConfig.layers.find((l) => isObj(l) && l.class_name === 'InputLayer') : undefined;
    if (isObj(nestedInput)) firstConfig = isObj(nestedInput.config) ? nestedInput.config : {};
    const buildShape = isObj(config) ? config.build_input_shape : undefined;
    const given = BATCH_SHAPE_KEYS.map((k) => firstConfig[k]).find((v) => v !== undefined && v !== null) ?? buildShape;
    // A first layer that reads integer ids (Embedding) is fed int32, whatever its own dtype says.
    const dtype = layerKind(String(first.class_name))?.data?.ids ? 'int32' : typeof firstConfig.dtype === 'string' ? firstConfig.dtype : 'float32';
    const name = `${layerName(first)}_input`;
    // A nested model with no readable input: its own problem (NN702, at the model) says what is wrong.
    if (given === undefined && MODEL_CLASSES.has(String(first.class_name))) input = { name, shape: [], dtype, raw: first };
    else input = inputOf(name, first, { ...firstConfig, batch_input_shape: given, dtype }, problems, json);
  }
  if (!input) return { problems: [{ code: 'NN701', message: 'the Sequential model has no layers', at: json.at(config) }] };
  const layers: KerasLayer[] = [];
  let previous = input.name;
  for (const entry of rest) {
    const name = layerName(entry);
    layers.push({ name, className: String(entry.class_name), config: isObj(entry.config) ? entry.config : {}, calls: [{ refs: [{ layer: previous, node: 0, tensor: 0 }], states: 0 }], raw: entry });
    previous = name;
  }
  if (layers.length === 0) return { problems: [...problems, { code: 'NN701', message: 'the Sequential model has no layers after its input', at: json.at(config) }] };
  const name = isObj(config) && typeof config.name === 'string' ? config.name : 'sequential';
  return { graph: { name, inputs: [input], layers, outputs: [{ layer: previous, node: 0, tensor: 0 }] }, problems };
}
