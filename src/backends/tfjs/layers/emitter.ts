/**
 * What the tfjs engine knows per layer type: an emitter building the TensorFlow.js layer from the
 * spec layer's configuration, and (for some families) nnspec's own tfjs classes, registered for
 * model.json. The layer's meaning (arguments, shape rule) stays in src/layers/.
 */
import type { LayerConfig, LayerKind } from '../../../layers/kind.js';
import type { ConfigOf, ParamMap } from '../../../layers/params.js';
import type { Tf, TfjsEnv, TfLayer } from '../env.js';

export interface Emitter {
  type: string;
  emit(config: LayerConfig, env: TfjsEnv): TfLayer;
}

/** A family module's contribution to the registry (registry.ts). */
export interface TfjsFamily {
  emitters: Emitter[];
  /** Makes and registers the family's own classes (once per tf module; see perTf). */
  classes?: (tf: Tf) => unknown;
  /**
   * How a saved model.json's entry of one of those classes reads back as a spec layer, by class
   * name, where it is not NnspecX for Keras's X with the same arguments.
   */
  saved?: Record<string, (config: Record<string, unknown>) => SavedLayer>;
}

/** A spec layer read back from a saved tfjs class: its type and Keras arguments. */
export interface SavedLayer {
  type: string;
  config: Record<string, unknown>;
}

/** An emitter typed by its layer's arguments. */
export function emitter<P extends ParamMap>(kind: LayerKind<P>, emit: (config: ConfigOf<P>, env: TfjsEnv) => TfLayer): Emitter {
  return { type: kind.type, emit: emit as unknown as Emitter['emit'] };
}

/**
 * `make` run once per tf module. nnspec's classes extend the injected module's classes (tfjs is
 * never imported here), so each module gets its own, registered with its own serialization map.
 */
export function perTf<T>(make: (tf: Tf) => T): (tf: Tf) => T {
  const made = new WeakMap<object, T>();
  return (tf) => {
    let value = made.get(tf);
    if (value === undefined) {
      value = make(tf);
      made.set(tf, value);
    }
    return value;
  };
}

/** The class tfjs registers under a Keras name (nnspec's own classes use other names, so this is tfjs's). */
export function tfjsClass<C = new (args: Record<string, unknown>) => TfLayer>(tf: Tf, className: string): C {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`internal: TensorFlow.js has no layer class ${className}`);
  return entry[0] as unknown as C;
}

/** tfjs's dataFormat spelling. */
export const tfFormat = (f: 'channels_last' | 'channels_first') => (f === 'channels_first' ? ('channelsFirst' as const) : ('channelsLast' as const));
