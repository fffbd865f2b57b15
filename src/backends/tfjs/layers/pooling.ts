/** TensorFlow.js emitters for the pooling layers. */
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from '../../../layers/pooling.js';
import type { TfLayer } from '../env.js';
import { emitter, tfFormat, type Emitter, type TfjsFamily } from './emitter.js';
import { globalPoolingClass } from './global-pooling.js';

/** The four windowed poolings share one argument list (1D offers only channels_last). */
function window(kind: typeof MaxPooling1D | typeof MaxPooling2D, n: 1 | 2, mode: 'Max' | 'Average'): Emitter {
  return emitter(kind as typeof MaxPooling2D, (c, { tf, name }): TfLayer => {
    // tfjs's defaults equal Keras's; strides are passed resolved so the config reads the same in both.
    const args = { name, poolSize: c.pool_size, strides: c.strides ?? c.pool_size, padding: c.padding } as never;
    if (n === 1) return mode === 'Max' ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args);
    const args2 = { ...(args as object), dataFormat: tfFormat(c.data_format) } as never;
    return mode === 'Max' ? tf.layers.maxPooling2d(args2) : tf.layers.averagePooling2d(args2);
  });
}

/** One nnspec class for all four: tfjs's have no keepdims and throw on a mask. */
function global(kind: typeof GlobalMaxPooling1D, n: 1 | 2, mode: 'Max' | 'Average'): Emitter {
  return emitter(kind, (c, { tf, name }) =>
    new (globalPoolingClass(tf))({ name, mode: mode === 'Max' ? 'max' : 'average', rank: n, dataFormat: tfFormat(c.data_format), keepdims: c.keepdims }),
  );
}

export const pooling: TfjsFamily = {
  classes: globalPoolingClass,
  saved: {
    NnspecGlobalPooling: ({ mode, rank, ...config }) => ({ type: `Global${mode === 'max' ? 'Max' : 'Average'}Pooling${String(rank)}D`, config }),
  },
  emitters: [
    window(MaxPooling1D, 1, 'Max'),
    window(MaxPooling2D, 2, 'Max'),
    window(AveragePooling1D, 1, 'Average'),
    window(AveragePooling2D, 2, 'Average'),
    global(GlobalMaxPooling1D, 1, 'Max'),
    global(GlobalMaxPooling2D, 2, 'Max'),
    global(GlobalAveragePooling1D, 1, 'Average'),
    global(GlobalAveragePooling2D, 2, 'Average'),
  ],
};
