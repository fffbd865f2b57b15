/**
 * Serialized Keras values → spec values: initializers, regularizers, constraints, activations.
 * A value equal to its defaults becomes the bare name (`glorot_uniform`), otherwise
 * `{type, ...the arguments that differ}`. Returns a string when the value cannot be carried over.
 */
import { ACTIVATIONS } from '../../layers/vocabulary.js';
import { CONSTRAINT_CLASSES, INITIALIZER_CLASSES, REGULARIZER_DEFAULT, VARIANCE_SCALING_NAMES } from '../export/keras-vocab.js';

type Obj = Record<string, unknown>;
export type Converted = { value: unknown } | { error: string };

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const lower = (s: string) => s.replace(/_/g, '').toLowerCase();

/** {class_name, config} from a serialized object (Keras 3 adds module/registered_name, ignored). */
function classAndConfig(v: unknown): { className: string; config: Obj } | undefined {
  if (!isObj(v) || typeof v.class_name !== 'string') return undefined;
  return { className: v.class_name, config: isObj(v.config) ? v.config : {} };
}

/** The name alone when every argument is at its default, else {type, ...changed arguments}. */
function nameOrObject(name: string, defaults: Obj, config: Obj, keys: readonly string[]): unknown {
  const changed: Obj = {};
  for (const k of keys) if (k in config && JSON.stringify(config[k]) !== JSON.stringify(defaults[k])) changed[k] = config[k];
  return Object.keys(changed).length === 0 ? name : { type: name, ...changed };
}

/** A VarianceScaling config that is one of the named initializers (TensorFlow.js writes glorot_uniform so). */
function varianceScalingName(config: Obj): string | undefined {
  const uniform = config.distribution === 'uniform';
  return VARIANCE_SCALING_NAMES.find((v) => v.scale === config.scale && v.mode === config.mode && v.uniform === uniform)?.name;
}

export function initializerFrom(v: unknown): Converted {
  if (typeof v === 'string') {
    const name = v === 'uniform' ? 'random_uniform' : v === 'normal' ? 'random_normal' : v;
    return name in INITIALIZER_CLASSES ? { value: name } : { error: `unknown initializer '${v}'` };
  }
  const cc = classAndConfig(v);
  if (!cc) return { error: 'an initializer must be a name or {class_name, config}' };
  // Keras 3 also writes OrthogonalInitializer (its class name; Orthogonal is the alias).
  const wanted = lower(cc.className).replace(/(.)initializer$/, '$1');
  let name = Object.keys(INITIALIZER_CLASSES).find((n) => lower(INITIALIZER_CLASSES[n]!.className) === wanted);
  if (!name) return { error: `initializer ${cc.className} is not one nnspec supports` };
  const config = { ...cc.config };
  if (name === 'variance_scaling') {
    const named = varianceScalingName(config);
    if (named) name = named;
    // TensorFlow.js calls truncated normal 'normal'.
    else if (config.distribution === 'normal') config.distribution = 'truncated_normal';
  }
  const defaults = INITIALIZER_CLASSES[name]!.defaults;
  // Named variance-scaling initializers fix scale, mode and distribution; only the seed is theirs.
  return { value: nameOrObject(name, defaults, config, Object.keys(defaults)) };
}

export function regularizerFrom(v: unknown): Converted {
  if (v === null) return { value: null };
  const cc = classAndConfig(v);
  if (!cc || !['L1L2', 'L1', 'L2'].includes(cc.className)) return { error: `regularizer ${cc?.className ?? JSON.stringify(v)} is not one nnspec supports (l1, l2, l1_l2)` };
  const l1 = typeof cc.config.l1 === 'number' ? cc.config.l1 : 0;
  const l2 = typeof cc.config.l2 === 'number' ? cc.config.l2 : 0;
  if (l1 === 0 && l2 === 0) return { value: null };
  const one = (type: 'l1' | 'l2', f: number) => (f === REGULARIZER_DEFAULT ? type : { type, [type]: f });
  if (l2 === 0) return { value: one('l1', l1) };
  if (l1 === 0) return { value: one('l2', l2) };
  return { value: l1 === REGULARIZER_DEFAULT && l2 === REGULARIZER_DEFAULT ? 'l1_l2' : { type: 'l1_l2', l1, l2 } };
}

export function constraintFrom(v: unknown): Converted {
  if (v === null) return { value: null };
  const cc = classAndConfig(v);
  const name = cc && Object.keys(CONSTRAINT_CLASSES).find((n) => lower(CONSTRAINT_CLASSES[n]!.className) === lower(cc.className));
  if (!cc || !name) return { error: `constraint ${cc?.className ?? JSON.stringify(v)} is not one nnspec supports` };
  const defaults = CONSTRAINT_CLASSES[name]!.defaults;
  return { value: nameOrObject(name, defaults, cc.config, Object.keys(defaults)) };
}

/** TensorFlow.js spellings after its snake_case conversion. */
const ACTIVATION_ALIASES: Record<string, string> = {
  leakyrelu: 'leaky_relu', hardsigmoid: 'hard_sigmoid', logsoftmax: 'log_softmax',
  // nnspec's own tfjs activations (backends/tfjs/layers/activation-functions.ts).
  nnspec_hard_sigmoid: 'hard_sigmoid', nnspec_exponential: 'exponential', nnspec_leaky_relu: 'leaky_relu',
};

export function activationFrom(v: unknown): Converted {
  if (v === null) return { value: 'linear' };
  if (typeof v !== 'string') return { error: `activation ${JSON.stringify(v)} is not a built-in Keras activation` };
  const name = ACTIVATION_ALIASES[v] ?? (v.startsWith('nnspec_') ? v.slice('nnspec_'.length) : v);
  return (ACTIVATIONS as readonly string[]).includes(name) ? { value: name } : { error: `activation '${v}' is not one nnspec supports` };
}
