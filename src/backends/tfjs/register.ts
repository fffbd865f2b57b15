/**
 * nnspec's own tfjs layer classes (Keras semantics tfjs lacks) register themselves for model.json
 * (de)serialization when first made. Loading a saved model in a fresh process needs them made
 * first: call this before tf.loadLayersModel.
 */
import type { Tf } from './env.js';
import { FAMILIES } from './layers/registry.js';

export function registerNnspecLayers(tf: Tf): void {
  for (const family of FAMILIES) family.classes?.(tf);
}
