/**
 * AlphaDropout for TensorFlow.js as Keras computes it: tfjs's own sets dropped units to
 * +alpha·scale (it adds (kept − 1)·alphaP where Keras adds (1 − kept)·alphaP), so nnspec has its own.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { AlphaDropout, alphaDropoutConstants } from '../../../layers/alpha-dropout.js';
import type { Tf, TfLayer } from '../env.js';
import { emitter, perTf, type TfjsFamily } from './emitter.js';

type Tensor = tfTypes.Tensor;
type Args = { name?: string; rate: number; noiseShape?: (number | null)[] | null; seed?: number | null };

export const alphaDropoutClass = perTf((tf: Tf): new (args: Args) => TfLayer => {
  class NnspecAlphaDropout extends tf.layers.Layer {
    static className = 'NnspecAlphaDropout';
    readonly rate: number;
    readonly noiseShape: (number | null)[] | null;
    readonly seed: number | null;
    constructor(args: Args) {
      super({ name: args.name });
      this.rate = args.rate;
      this.noiseShape = args.noiseShape ?? null;
      this.seed = args.seed ?? null;
      this.supportsMasking = true;
    }
    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        if (kwargs?.training !== true || !(this.rate > 0 && this.rate < 1)) return tf.clone(x);
        const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]!) : x.shape;
        const kept = tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', this.seed ?? undefined), this.rate), 'float32');
        const { alphaP, a, b } = alphaDropoutConstants(this.rate);
        return tf.add(tf.mul(tf.add(tf.mul(x, kept), tf.mul(tf.sub(1, kept), alphaP)), a), b);
      });
    }
    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
    }
  }
  tf.serialization.registerClass(NnspecAlphaDropout as never);
  return NnspecAlphaDropout as unknown as new (args: Args) => TfLayer;
});

export const alphaDropout: TfjsFamily = {
  classes: alphaDropoutClass,
  emitters: [emitter(AlphaDropout, (c, { tf, name }) => new (alphaDropoutClass(tf))({ name, rate: c.rate, noiseShape: c.noise_shape, seed: c.seed }))],
};
