/**
 * nnspec's own tfjs layer classes (Keras semantics tfjs lacks) register themselves for model.json
 * (de)serialization when first made. Loading a saved model in a fresh process needs them made
 * first: call this before tf.loadLayersModel.
 */
import { activationClasses } from '../../layers/activations-tfjs.js';
import { convClasses } from '../../layers/conv-tfjs.js';
import { globalPoolingClass } from '../../layers/pooling-tfjs.js';
import { bilinearUpSamplingClass } from '../../layers/resizing-tfjs.js';
import { customLayers } from './custom-layers.js';
import type { Tf } from './env.js';
import { resetAfterGru } from './gru.js';

export function registerNnspecLayers(tf: Tf): void {
  customLayers(tf);
  activationClasses(tf);
  convClasses(tf);
  globalPoolingClass(tf);
  bilinearUpSamplingClass(tf);
  resetAfterGru(tf);
}
