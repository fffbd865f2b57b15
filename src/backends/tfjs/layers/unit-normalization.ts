/** UnitNormalization for TensorFlow.js, which has none: x · min(rsqrt(Σ x²), 1e12) over the axes, as Keras's ops.normalize. */
import type * as tfTypes from '@tensorflow/tfjs';
import { UnitNormalization } from '../../../layers/unit-normalization.js';
import type { Tf, TfLayer } from '../env.js';
import { emitter, perTf, type TfjsFamily } from './emitter.js';

type Tensor = tfTypes.Tensor;

export const unitNormalizationClass = perTf((tf: Tf): new (args: { name?: string; axis: number | number[] }) => TfLayer => {
  class NnspecUnitNormalization extends tf.layers.Layer {
    static className = 'NnspecUnitNormalization';
    readonly axis: number | number[];
    constructor(args: { name?: string; axis: number | number[] }) {
      super({ name: args.name });
      this.axis = args.axis;
      this.supportsMasking = true;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const axes = (typeof this.axis === 'number' ? [this.axis] : this.axis).map((a) => (a < 0 ? a + x.rank : a));
        return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), axes, true)), 1e12));
      });
    }
    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), axis: this.axis };
    }
  }
  tf.serialization.registerClass(NnspecUnitNormalization as never);
  return NnspecUnitNormalization as unknown as new (args: { name?: string; axis: number | number[] }) => TfLayer;
});

export const unitNormalization: TfjsFamily = {
  classes: unitNormalizationClass,
  emitters: [emitter(UnitNormalization, (c, { tf, name }) => new (unitNormalizationClass(tf))({ name, axis: typeof c.axis === 'number' ? c.axis : [...c.axis] }))],
};
