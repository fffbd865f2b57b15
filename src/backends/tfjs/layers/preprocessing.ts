/** TensorFlow.js emitters of Keras 3's preprocessing layers: nnspec's classes (preprocessing-classes.ts) with the spec layer's arguments. */
import { imagePreprocessingLayers } from '../../../layers/preprocessing-image.js';
import { preprocessingLayers } from '../../../layers/preprocessing.js';
import type { LayerKind } from '../../../layers/kind.js';
import type { TfLayer } from '../env.js';
import { emitter, type TfjsFamily } from './emitter.js';
import { preprocessingClasses } from './preprocessing-classes.js';

export const preprocessing: TfjsFamily = {
  classes: preprocessingClasses,
  emitters: ([...preprocessingLayers, ...imagePreprocessingLayers] as unknown as LayerKind[]).map((kind) =>
    emitter(kind, (c, { tf, name }) => {
      const classes = preprocessingClasses(tf) as Record<string, new (args: Record<string, unknown>) => TfLayer>;
      return new classes[kind.type]!({ ...(c as Record<string, unknown>), name });
    }),
  ),
};
