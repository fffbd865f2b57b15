/** TensorFlow.js emitters for Bidirectional and TimeDistributed; the wrapped layer comes from env.inner. */
import type { LayerConfig } from '../../../layers/kind.js';
import { Bidirectional, TimeDistributed } from '../../../layers/wrappers.js';
import { defined } from '../args.js';
import type { TfjsEnv, TfLayer } from '../env.js';
import { emitter, type TfjsFamily } from './emitter.js';
import { wrapperClasses } from './wrapper-classes.js';

/** The wrapped tfjs layer, frozen like its config (the compiler freezes only top-level layers). */
function innerTfjs(config: LayerConfig, inner: TfjsEnv['inner']): TfLayer {
  const layer = inner(config);
  if (config.trainable === false) layer.trainable = false;
  return layer;
}

export const wrappers: TfjsFamily = {
  classes: wrapperClasses,
  emitters: [
    emitter(Bidirectional, (c, { tf, name, inner }) =>
      new (wrapperClasses(tf).Bidirectional)(defined({ name, layer: innerTfjs(c.layer, inner), mergeMode: c.merge_mode ?? undefined })),
    ),
    emitter(TimeDistributed, (c, { tf, name, inner }) => tf.layers.timeDistributed({ name, layer: innerTfjs(c.layer, inner) })),
  ],
};
