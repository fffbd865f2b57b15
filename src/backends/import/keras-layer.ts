/**
 * One serialized Keras layer → a spec layer entry `{type, ...arguments}`. Arguments keep their
 * Keras names (nnspec's are Keras's); only those that differ from nnspec's defaults are written.
 * An argument nnspec does not have is a problem at its key, unless Keras writes it as
 * bookkeeping (dtype, implementation) or it holds the value that means "off" (renorm: false).
 * Argument values nnspec cannot take (groups: 2) are left for the spec's own validation.
 */
import { LAYER_KINDS, layerKind } from '../../layers/registry.js';
import { savedLayer } from '../tfjs/layers/registry.js';
import { COMMON_PARAMS } from '../../layers/params.js';
import type { ImportCode } from '../../diagnostics/codes.js';
import type { LayerKind } from '../../layers/kind.js';
import type { Note, Problem } from './keras-graph.js';
import type { LocatedJson } from './located-json.js';
import { activationFrom, constraintFrom, initializerFrom, regularizerFrom, type Converted } from './keras-values.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Other Keras spellings of a class (each layer definition's keras.aliases). */
const CLASS_ALIASES: Record<string, string> = Object.fromEntries([...LAYER_KINDS.values()].flatMap((k) => (k.keras?.aliases ?? []).map((alias) => [alias, k.type])));

/** Keys Keras or tfjs write that carry no model semantics nnspec has (or that the graph already carries). */
const BOOKKEEPING = new Set(['name', 'dtype', 'batch_input_shape', 'batch_shape', 'input_shape', 'input_dim', 'input_length', 'implementation', 'use_cudnn', 'zero_output_for_mask', 'fused', 'rank']);

/** Keys nnspec lacks, accepted at the value Keras writes when the feature is off. */
const OFF_VALUES: Record<string, unknown> = {
  renorm: false, renorm_clipping: null, renorm_momentum: 0.99, virtual_batch_size: null, adjustment: null, synchronized: false,
  rms_scaling: false, lora_rank: null, lora_alpha: null, quantization_config: null, robust_masking: false, sparse: false,
  time_major: false, groups: 1, beta_constraint: null, gamma_constraint: null, activity_regularizer: null, noise_shape: null,
  seed: null, num_constants: null, optional: false,
};

/** Geometry arguments where n equal sizes mean the same as one (Keras's normalize_tuple). */
const TUPLES = new Set(['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'size', 'output_padding', 'axes']);

export interface LayerContext {
  json: LocatedJson;
  /** `layer 'conv_1' (Conv2D)`: how problems name the layer. */
  describe: string;
  problems: Problem[];
  /** Warnings: what was left out without changing the model's shapes or parameters. */
  notes: Note[];
}

/** The spec entry (without `inputs`), or undefined after reporting why there is none. */
export function specLayer(className: string, config: Obj, raw: object, ctx: LayerContext): Obj | undefined {
  const problem = (message: string, at: number, code: ImportCode = 'NN703') => void ctx.problems.push({ code, message: `${ctx.describe}: ${message}`, at });
  // A trained run's model.json may name nnspec's own tfjs classes (NnspecConv2D, ResetAfterGRU).
  const saved = savedLayer(className, config) ?? { type: CLASS_ALIASES[className] ?? className, config };
  const type = saved.type;
  const args: Obj = { ...saved.config };
  const kind = layerKind(type);
  if (!kind || type === 'InputLayer') {
    problem(unsupportedClass(className, raw), ctx.json.at(raw), 'NN702');
    return undefined;
  }
  const params = { ...kind.params, ...COMMON_PARAMS } as Record<string, { default?: unknown }>;
  const keras2Names = Object.fromEntries(Object.entries(kind.keras?.keras2Names ?? {}).map(([ours, theirs]) => [theirs, ours]));
  const entry: Obj = { type };
  for (const [rawKey, value] of Object.entries(args)) {
    // tensorflowjs_converter may keep TensorFlow.js's camelCase keys (returnSequences).
    const snake = rawKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const key = keras2Names[snake] ?? snake;
    const at = ctx.json.keyAt(config, rawKey);
    if (key === 'dtype') noteDtype(value, ctx, at);
    if (key === 'backward_layer' && type === 'Bidirectional') {
      if (!mirrors(value, args.layer)) problem('backward_layer is not a backward copy of layer; nnspec runs a copy of the forward layer backwards', at);
      continue;
    }
    if (!(key in params)) {
      if (BOOKKEEPING.has(key)) continue;
      if (key in OFF_VALUES && JSON.stringify(value) === JSON.stringify(OFF_VALUES[key])) continue;
      problem(`argument ${key}: ${JSON.stringify(value)} is not supported by nnspec's ${type}`, at);
      continue;
    }
    // TensorFlow.js writes an argument it was not given as null, and reads a null flag as false.
    const given = value === null && typeof params[key]!.default === 'boolean' ? false : value;
    const converted = convert(key, given, ctx, isObj(value) ? value : config);
    if ('error' in converted) {
      problem(`argument ${key}: ${converted.error}`, at);
      continue;
    }
    if (converted.value !== undefined) entry[key] = converted.value;
  }
  simplify(kind, entry, params);
  // Only what differs from nnspec's defaults, in the order the layer declares its arguments.
  const ordered: Obj = { type };
  for (const key of Object.keys(params)) {
    if (key in entry && JSON.stringify(normalized(key, params[key]!.default)) !== JSON.stringify(normalized(key, entry[key]))) ordered[key] = entry[key];
  }
  return ordered;
}

/** Code in the file (Lambda), code outside it (a custom class), or a Keras layer nnspec lacks. */
function unsupportedClass(className: string, raw: object): string {
  const entry = raw as Obj;
  if (['Functional', 'Model', 'Sequential'].includes(className)) return `${className} is not a layer type nnspec supports; nested models are not supported (call the inner model's layers directly)`;
  const cannot = 'nnspec cannot represent arbitrary code (a spec holds layers and their arguments)';
  if (/Lambda$/.test(className)) {
    return `${className} runs Python code stored with the model, and ${cannot}: rewrite it with built-in layers (Rescaling, Activation, Reshape, a merge layer) and import again`;
  }
  const registered = typeof entry.registered_name === 'string' ? entry.registered_name : undefined;
  const module = typeof entry.module === 'string' ? entry.module : undefined;
  if (registered?.includes('>') || (module !== undefined && !/^(keras|tf_keras|tensorflow)(\.|$)/.test(module))) {
    return `${className} is a custom layer (${registered ? `registered as '${registered}'` : `module ${module}`}): its code is not in the file, and ${cannot}`;
  }
  return `${className} is not a layer type nnspec supports (a Keras layer nnspec lacks, or a custom layer: nnspec cannot represent a custom layer's code)`;
}

function convert(key: string, value: unknown, ctx: LayerContext, raw: object): Converted {
  if (key === 'layer') {
    if (!isObj(value) || typeof value.class_name !== 'string') return { error: 'the wrapped layer must be {class_name, config}' };
    const inner = specLayer(value.class_name, isObj(value.config) ? value.config : {}, raw, { ...ctx, describe: `${ctx.describe}, wrapped ${value.class_name}` });
    return inner ? { value: inner } : { value: undefined };
  }
  if (key.endsWith('_initializer')) return initializerFrom(value);
  if (key.endsWith('_regularizer')) return regularizerFrom(value);
  if (key.endsWith('_constraint')) return constraintFrom(value);
  if (key === 'activation' || key === 'recurrent_activation') return activationFrom(value);
  // BatchNormalization stores its axis as a list once built ([3]).
  if (key === 'axis' && Array.isArray(value) && value.length === 1) return { value: value[0] };
  if (key === 'data_format' && value === null) return { value: undefined };
  // TensorFlow.js writes Reshape's inferred size (-1) as null.
  if (key === 'target_shape' && Array.isArray(value)) return { value: value.map((d) => (d === null ? -1 : d)) };
  return { value };
}

/** Spelling that reads as the user would write it: [3, 3] → 3, [[1, 1], [1, 1]] → 1; pooling strides equal to the pool size dropped. */
function simplify(kind: LayerKind, entry: Obj, params: Record<string, { default?: unknown }>): void {
  for (const key of Object.keys(entry)) {
    const v = entry[key];
    if (TUPLES.has(key) && Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0] && typeof x === 'number')) entry[key] = v[0];
  }
  for (const key of kind.keras?.sides ?? []) if (entry[key] !== undefined) entry[key] = sidesShort(entry[key]);
  for (const [key, other] of Object.entries(kind.keras?.nullIs ?? {})) {
    if (JSON.stringify(normalized(key, entry[key])) === JSON.stringify(normalized(other, entry[other] ?? params[other]?.default))) delete entry[key];
  }
}

/** [[t, b], [l, r]] in its shortest Keras spelling. */
function sidesShort(v: unknown): unknown {
  if (!Array.isArray(v) || v.length !== 2) return v;
  const pair = (s: unknown) => (typeof s === 'number' ? [s, s] : Array.isArray(s) ? s : [s, s]);
  const [[t, b], [l, r]] = [pair(v[0]), pair(v[1])];
  if (t === b && l === r) return t === l ? t : [t, l];
  return [[t, b], [l, r]];
}

/** Defaults and values compared in their short spelling ([2, 2] and 2 are the same pool size). */
function normalized(key: string, v: unknown): unknown {
  if (TUPLES.has(key) && Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0])) return v[0];
  if ((key === 'padding' || key === 'cropping') && Array.isArray(v)) return sidesShort(v);
  return v;
}

/** Keras 3's Bidirectional always writes backward_layer: the forward layer's config with go_backwards flipped. */
function mirrors(backward: unknown, forward: unknown): boolean {
  if (!isObj(backward) || !isObj(forward) || backward.class_name !== forward.class_name) return false;
  const strip = (c: unknown) => {
    const { name: _n, go_backwards: _g, ...rest } = isObj(c) ? c : {};
    return JSON.stringify(rest);
  };
  return strip(backward.config) === strip(forward.config);
}

/** Layer dtypes other than float32 (mixed precision, float64) are a computation choice nnspec does not carry. */
function noteDtype(value: unknown, ctx: LayerContext, at: number): void {
  const name = isObj(value) && isObj(value.config) ? value.config.name : value;
  if (name !== undefined && name !== null && name !== 'float32') ctx.notes.push({ message: `${ctx.describe}: dtype ${JSON.stringify(name)} left out; nnspec computes in float32`, at });
}
