/** Spec argument values → the serialized Keras objects tf.keras 2.x writes for them: `{class_name, config}`. */
import type { Constraint, Initializer, Regularizer } from '../../layers/params.js';
import { CONSTRAINT_CLASSES, INITIALIZER_CLASSES, REGULARIZER_DEFAULT } from './keras-vocab.js';

export interface KerasObject {
  class_name: string;
  config: Record<string, unknown>;
}

/** `{type, ...args}` or a bare name, split. */
function named(value: string | ({ type: string } & Record<string, unknown>)): { type: string; args: Record<string, unknown> } {
  if (typeof value === 'string') return { type: value, args: {} };
  const { type, ...args } = value;
  return { type, args };
}

/**
 * The Keras class with its default config overridden by the spec's arguments. Arguments the
 * Keras class does not take (the schema accepts any initializer argument on any initializer)
 * would make Keras refuse the file, so they are left out and reported in `dropped`.
 */
function withDefaults(className: string, defaults: Record<string, unknown>, args: Record<string, unknown>, dropped: string[]): KerasObject {
  const config = { ...defaults };
  for (const [k, v] of Object.entries(args)) {
    if (k in defaults) config[k] = v;
    else dropped.push(k);
  }
  return { class_name: className, config };
}

export function kerasInitializer(init: Initializer, dropped: string[]): KerasObject {
  const { type, args } = named(init);
  const known = INITIALIZER_CLASSES[type]!;
  return withDefaults(known.className, known.defaults, args, dropped);
}

export function kerasConstraint(c: Constraint | null, dropped: string[]): KerasObject | null {
  if (c === null) return null;
  const { type, args } = named(c);
  const known = CONSTRAINT_CLASSES[type]!;
  return withDefaults(known.className, known.defaults, args, dropped);
}

/**
 * Always `L1L2`: Keras 2 and 3 read it and so does TensorFlow.js, which has no `L1`/`L2`
 * classes; a factor the spec's regularizer does not name is 0, as in Keras's `l1`/`l2`.
 */
export function kerasRegularizer(r: Regularizer | null): KerasObject | null {
  if (r === null) return null;
  const spec: { type: string; l1?: number; l2?: number } = typeof r === 'string' ? { type: r } : r;
  const l1 = spec.type === 'l2' ? 0 : (spec.l1 ?? REGULARIZER_DEFAULT);
  const l2 = spec.type === 'l1' ? 0 : (spec.l2 ?? REGULARIZER_DEFAULT);
  return { class_name: 'L1L2', config: { l1, l2 } };
}
