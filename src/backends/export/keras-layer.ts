/**
 * One spec layer → its serialized Keras layer (`{class_name, config}`), with the keys tf.keras 2.x
 * `get_config` writes. nnspec's arguments already are Keras's, snake_case with Keras defaults;
 * what changes is their serialized form (initializers as objects, tuples spelled out) and the
 * few arguments Keras 2 names or lacks differently. Keys Keras 3 would refuse (it rejects
 * unknown keyword arguments) are left out where they only restate a Keras 2 default.
 */
import type { KerasForm, LayerConfig } from '../../layers/kind.js';
import type { Constraint, Initializer, Regularizer } from '../../layers/params.js';
import { layerKind } from '../../layers/registry.js';
import { sides } from '../../layers/resizing.js';
import { tuple } from '../../layers/shape.js';
import { kerasConstraint, kerasInitializer, kerasRegularizer, type KerasObject } from './keras-values.js';

/** Tuple-valued geometry arguments, as Keras's `normalize_tuple` stores them (one entry per spatial axis). */
const TUPLES = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'output_padding', 'size'];

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
  const keras: KerasForm = layerKind(type)?.keras ?? {};
  const config: Record<string, unknown> = { name, trainable: trainable !== false, dtype: 'float32' };
  for (const [key, value] of Object.entries(args)) {
    if (keras.notInKeras2?.includes(key)) {
      if (value !== null) notes.push(`${type} '${name}': ${key} ${String(value)} left out; Keras 2's ${type} takes no ${key}`);
      continue;
    }
    config[keras.keras2Names?.[key] ?? key] = kerasValue(type, keras, key, value, name, notes);
  }
  Object.assign(config, keras.keras2Extra);
  for (const [key, other] of Object.entries(keras.nullIs ?? {})) config[key] = config[key] ?? config[other];
  return { class_name: type, config };
}

function kerasValue(type: string, keras: KerasForm, key: string, value: unknown, name: string, notes: string[]): unknown {
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
  if (TUPLES.includes(key) && value !== null) {
    if (keras.spatialRank === undefined) throw new Error(`internal: ${type} has the tuple argument ${key} but its layer definition gives no keras.spatialRank`);
    return tuple(value as number | number[], keras.spatialRank);
  }
  if (keras.sides?.includes(key)) return sides(value as Parameters<typeof sides>[0]);
  return value;
}
