/**
 * One spec layer → its serialized Keras layer (`{class_name, config}`), with the keys tf.keras 2.x
 * `get_config` writes. nnspec's arguments already are Keras's, snake_case with Keras defaults;
 * what changes is their serialized form (initializers as objects, tuples spelled out) and the
 * few arguments Keras 2 names or lacks differently. Keys Keras 3 would refuse (it rejects
 * unknown keyword arguments) are left out where they only restate a Keras 2 default.
 */
import type { LayerConfig } from '../../layers/kind.js';
import type { Constraint, Initializer, Regularizer } from '../../layers/params.js';
import { sides } from '../../layers/resizing.js';
import { tuple } from '../../layers/shape.js';
import { kerasConstraint, kerasInitializer, kerasRegularizer, type KerasObject } from './keras-values.js';

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU']);
/** Layers whose `seed` Keras 2 does not take (Keras 3 added it). */
const NO_SEED = RECURRENT;
/** Tuple-valued geometry arguments, as Keras's `normalize_tuple` stores them. */
const TUPLES = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'output_padding', 'size'];

/** The number of spatial axes of a layer type (`Conv1D` → 1), for spelling tuples out. */
function spatialRank(type: string): number {
  return /1D$/.test(type) ? 1 : 2;
}

/** The name nnspec gives a wrapped layer, as in the TensorFlow.js model (build.ts), so weight names agree. */
export function innerName(outer: string, type: string): string {
  return `${outer}_${type.toLowerCase()}`;
}

/**
 * The serialized Keras layer. `notes` collects what could not be carried over (each a sentence
 * naming the layer and the argument), for the command to print as warnings.
 */
export function kerasLayer(layer: LayerConfig, name: string, notes: string[]): KerasObject {
  const { type, trainable, ...args } = layer;
  const config: Record<string, unknown> = { name, trainable: trainable !== false, dtype: 'float32' };
  const n = spatialRank(type);
  for (const [key, value] of Object.entries(args)) {
    if (key === 'seed' && NO_SEED.has(type)) {
      if (value !== null) notes.push(`${type} '${name}': seed ${String(value)} left out; Keras 2 recurrent layers take no seed`);
      continue;
    }
    config[key === 'negative_slope' && type === 'LeakyReLU' ? 'alpha' : key] = kerasValue(type, key, value, n, name, notes);
  }
  if (type === 'LSTM' || type === 'GRU') config.implementation = 2;
  if (type === 'Embedding') config.input_length = null;
  if (type === 'LayerNormalization') Object.assign(config, { beta_constraint: null, gamma_constraint: null });
  if (type === 'MaxPooling1D' || type === 'MaxPooling2D' || type === 'AveragePooling1D' || type === 'AveragePooling2D') {
    // Keras stores strides None as the pool size.
    config.strides = config.strides ?? config.pool_size;
  }
  return { class_name: type, config };
}

function kerasValue(type: string, key: string, value: unknown, n: number, name: string, notes: string[]): unknown {
  if (key === 'layer') {
    const inner = value as LayerConfig;
    return kerasLayer(inner, innerName(name, inner.type), notes);
  }
  const dropped: string[] = [];
  const drop = <T>(v: T): T => {
    for (const d of dropped) notes.push(`${type} '${name}': ${key} argument '${d}' left out; the Keras class takes no such argument`);
    return v;
  };
  if (key.endsWith('_initializer')) return drop(kerasInitializer(value as Initializer, dropped));
  if (key.endsWith('_regularizer')) return kerasRegularizer(value as Regularizer | null);
  if (key.endsWith('_constraint')) return drop(kerasConstraint(value as Constraint | null, dropped));
  if (TUPLES.includes(key) && value !== null) return tuple(value as number | number[], n);
  if ((key === 'padding' && type === 'ZeroPadding2D') || key === 'cropping') return sides(value as Parameters<typeof sides>[0]);
  return value;
}
