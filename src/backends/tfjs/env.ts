/**
 * What a layer's TensorFlow.js emitter is given. Only types are imported here, so the
 * validate and summary commands never load TensorFlow.js.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { LayerConfig } from '../../layers/kind.js';

export type Tf = typeof tfTypes;
export type TfLayer = tfTypes.layers.Layer;

export interface TfjsEnv {
  tf: Tf;
  /** The spec's node name, used as the tfjs layer name. */
  name: string;
  /** Builds a nested layer config (for wrappers); unnamed. */
  inner(config: LayerConfig): TfLayer;
}
