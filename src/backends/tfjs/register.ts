/**
 * nnspec's own tfjs layer classes (Keras semantics tfjs lacks) register themselves for model.json
 * (de)serialization when first made. Loading a saved model in a fresh process needs them made
 * first: call this before tf.loadLayersModel.
 */
import type { Tf } from './env.js';
import { activationFunctions } from './layers/activation-functions.js';
import { FAMILIES } from './layers/registry.js';
import { registerOrthogonal } from './orthogonal.js';
import { maskedMerges } from './layers/merge-masks.js';

export function registerNnspecLayers(tf: Tf): void {
  activationFunctions(tf);
  registerOrthogonal(tf);
  maskedMerges(tf);
  for (const family of FAMILIES) family.classes?.(tf);
}

/** The class names nnspec registers with tfjs: a model.json naming one loads only where they are registered. */
export function nnspecClassNames(tf: Tf): ReadonlySet<string> {
  const names = new Set<string>();
  for (const family of FAMILIES) {
    const made = family.classes?.(tf);
    const classes = typeof made === 'function' ? [made] : Object.values((made ?? {}) as Record<string, unknown>);
    for (const cls of classes) names.add((cls as { className: string }).className);
  }
  return names;
}
