/**
 * TensorFlow.js BatchNormalization and LayerNormalization computing Keras's function where tfjs's
 * does not: BatchNormalization on an axis that is not the last (tfjs's cpu batchNorm applies the
 * per-channel parameters along the last axis; training throws), either layer with `center: false`
 * or `scale: false` (tfjs's training path reads the missing weight and throws), and either on
 * rank-5 inputs (tfjs's batchNorm stops at rank 4). The normalisation is written with elementwise
 * ops, so gradients come from autodiff. Each extends tfjs's class of the same Keras name (weights,
 * initializers, build and config are tfjs's); only the call changes. A layer tfjs computes
 * correctly anyway saves under tfjs's class name; any other as NnspecBatchNormalization or
 * NnspecLayerNormalization (registered), so a saved model.json never loads as tfjs's wrong layer.
 */
import type { Tf, TfLayer } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;
type Ctor = new (args: Args) => TfLayer;
type Variable = { read(): Tensor; write(v: Tensor): void };

interface NormFields {
  axis: number | number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: Variable | null | undefined;
  beta: Variable | null | undefined;
}

/** (x - mean) / sqrt(var + eps) * gamma + beta over `axes` kept, parameters broadcast along `kept`. */
function normalize(tf: Tf, x: Tensor, mean: Tensor, variance: Tensor, f: NormFields, paramShape: number[]): Tensor {
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, f.epsilon)));
  if (f.scale && f.gamma) y = tf.mul(y, tf.reshape(f.gamma.read(), paramShape));
  if (f.center && f.beta) y = tf.add(y, tf.reshape(f.beta.read(), paramShape));
  return y;
}

export const normalizationClasses = perTf((tf: Tf) => {
  const BatchNorm = tfjsClass<Ctor>(tf, 'BatchNormalization');
  const LayerNorm = tfjsClass<Ctor>(tf, 'LayerNormalization');

  class NnspecBatchNormalization extends (BatchNorm as unknown as new (args: Args) => TfLayer & NormFields & { momentum: number; movingMean: Variable; movingVariance: Variable }) {
    static className = 'NnspecBatchNormalization';
    /** The input rank, known once built. */
    rank = 0;
    override build(inputShape: Parameters<TfLayer['build']>[0]): void {
      const shape = (Array.isArray((inputShape as unknown[])[0]) ? (inputShape as unknown[])[0] : inputShape) as unknown[];
      this.rank = shape.length;
      super.build(inputShape);
    }
    /** tfjs's own class computes this layer correctly: last axis, rank ≤ 4, both parameters. */
    plain(): boolean {
      const axis = this.axis as number;
      return this.rank > 0 && this.rank <= 4 && (axis === -1 || axis === this.rank - 1) && this.center && this.scale;
    }
    override getClassName(): string {
      return this.plain() ? 'BatchNormalization' : NnspecBatchNormalization.className;
    }
    override call(inputs: Tensor | Tensor[], kwargs: Args): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const rank = x.shape.length;
        const axis = (this.axis as number) < 0 ? (this.axis as number) + rank : (this.axis as number);
        const paramShape = x.shape.map((d, i) => (i === axis ? d : 1));
        const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
        if (kwargs['training'] !== true) {
          const mean = tf.reshape(this.movingMean.read(), paramShape);
          const variance = tf.reshape(this.movingVariance.read(), paramShape);
          return normalize(tf, x, mean, variance, this, paramShape);
        }
        const { mean, variance } = tf.moments(x, reduce, true);
        const decay = 1 - this.momentum;
        // Keras: moving = moving * momentum + batch * (1 - momentum), with the batch's (biased) variance.
        for (const [moving, batch] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
          tf.tidy(() => {
            const old = moving.read();
            moving.write(tf.sub(old, tf.mul(tf.sub(old, tf.reshape(batch, old.shape)), decay)));
          });
        }
        return normalize(tf, x, mean, variance, this, paramShape);
      });
    }
  }

  class NnspecLayerNormalization extends (LayerNorm as unknown as new (args: Args) => TfLayer & NormFields) {
    static className = 'NnspecLayerNormalization';
    rank = 0;
    override build(inputShape: Parameters<TfLayer['build']>[0]): void {
      const shape = (Array.isArray((inputShape as unknown[])[0]) ? (inputShape as unknown[])[0] : inputShape) as unknown[];
      this.rank = shape.length;
      super.build(inputShape);
    }
    plain(): boolean {
      return this.rank > 0 && this.rank <= 4 && this.center && this.scale;
    }
    override getClassName(): string {
      return this.plain() ? 'LayerNormalization' : NnspecLayerNormalization.className;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const rank = x.shape.length;
        const axes = (typeof this.axis === 'number' ? [this.axis] : this.axis).map((a) => (a < 0 ? a + rank : a));
        const paramShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
        const { mean, variance } = tf.moments(x, axes, true);
        return normalize(tf, x, mean, variance, this, paramShape);
      });
    }
  }

  tf.serialization.registerClass(NnspecBatchNormalization as never);
  tf.serialization.registerClass(NnspecLayerNormalization as never);
  return { BatchNormalization: NnspecBatchNormalization as unknown as Ctor, LayerNormalization: NnspecLayerNormalization as unknown as Ctor };
});
