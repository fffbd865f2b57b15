/**
 * TensorFlow.js layers for the Keras activation arguments tfjs lacks: ReLU's negative_slope and
 * threshold, ELU's alpha, Softmax over a single axis that may not be the last. Registered under
 * their own class names, so a saved model.json never loads as the tfjs layer of the same Keras
 * name with an argument dropped.
 */
import type { Tf, TfLayer } from '../env.js';
import { perTf } from './emitter.js';

type Tensor = ReturnType<Tf['relu']>;
type ShapeArg = Parameters<TfLayer['computeOutputShape']>[0];
type Config = Record<string, number | number[] | null>;
type Ctor<A> = new (args: { name?: string } & A) => TfLayer;

interface Classes {
  ReLU: Ctor<{ maxValue: number | null; negativeSlope: number; threshold: number }>;
  ELU: Ctor<{ alpha: number }>;
  Softmax: Ctor<{ axis: number[] }>;
}

/** A shape-preserving tfjs layer computing `fn(x, config)`, serialized with `config`. */
function elementwise(tf: Tf, className: string, keys: string[], fn: (x: Tensor, c: Config) => Tensor) {
  class Elementwise extends tf.layers.Layer {
    static className = className;
    readonly settings: Config;
    constructor(args: { name?: string } & Config) {
      super({ name: args.name });
      this.settings = Object.fromEntries(keys.map((k) => [k, args[k] ?? null]));
    }
    override computeOutputShape(inputShape: ShapeArg): ShapeArg {
      return inputShape;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => fn(Array.isArray(inputs) ? inputs[0]! : inputs, this.settings));
    }
    override getConfig() {
      return { ...this.settings, ...super.getConfig() };
    }
  }
  tf.serialization.registerClass(Elementwise);
  return Elementwise as unknown as Ctor<never>;
}

export const activationClasses = perTf((tf): Classes => {
  const classes = {
    // Keras `relu(x, negative_slope, max_value, threshold)`: x kept above threshold, capped, slope below.
    ReLU: elementwise(tf, 'NnspecReLU', ['maxValue', 'negativeSlope', 'threshold'], (x, c) => {
      const threshold = c.threshold as number;
      const slope = c.negativeSlope as number;
      let y = threshold === 0 ? tf.relu(x) : tf.mul(x, tf.cast(tf.greater(x, threshold), x.dtype));
      if (c.maxValue !== null) y = tf.clipByValue(y, 0, c.maxValue as number);
      return slope === 0 ? y : tf.sub(y, tf.mul(slope, tf.relu(tf.sub(threshold, x))));
    }),
    // alpha * elu(x) + (1 - alpha) * relu(x): x above 0, alpha * (exp(x) - 1) below, and no exp of large x.
    ELU: elementwise(tf, 'NnspecELU', ['alpha'], (x, c) => {
      const alpha = c.alpha as number;
      return tf.add(tf.mul(alpha, tf.elu(x)), tf.mul(1 - alpha, tf.relu(x)));
    }),
    Softmax: elementwise(tf, 'NnspecSoftmax', ['axis'], (x, c) => tf.exp(tf.sub(x, tf.logSumExp(x, c.axis as number[], true)))),
  } as unknown as Classes;
  return classes;
});
