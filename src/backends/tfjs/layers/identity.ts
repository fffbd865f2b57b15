/** Identity for TensorFlow.js, which has none: a copy of its input, the mask passed on (saved as NnspecIdentity, read back as Identity). */
import type * as tfTypes from '@tensorflow/tfjs';
import { Identity } from '../../../layers/identity.js';
import type { Tf, TfLayer } from '../env.js';
import { emitter, perTf, type TfjsFamily } from './emitter.js';

type Tensor = tfTypes.Tensor;

export const identityClass = perTf((tf: Tf): new (args: { name?: string }) => TfLayer => {
  class NnspecIdentity extends tf.layers.Layer {
    static className = 'NnspecIdentity';
    constructor(args: { name?: string }) {
      super(args);
      this.supportsMasking = true;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      // A tensor of its own (sharing the data): tfjs disposes a layer's output apart from its input.
      return tf.clone(Array.isArray(inputs) ? inputs[0]! : inputs);
    }
  }
  tf.serialization.registerClass(NnspecIdentity as never);
  return NnspecIdentity as unknown as new (args: { name?: string }) => TfLayer;
});

export const identity: TfjsFamily = {
  classes: identityClass,
  emitters: [emitter(Identity, (_c, { tf, name }) => new (identityClass(tf))({ name }))],
};
