/**
 * Keras losses by their canonical names, written with tfjs ops to Keras 3's formulas (epsilon
 * 1e-7, clipping, hinge labels converted from 0/1). Each returns the per-sample values with the
 * last axis reduced; the caller averages them over everything else (Keras's sum_over_batch_size).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { CanonicalLoss } from '../../train/objective.js';
import type { Tf } from './env.js';

type T = tfTypes.Tensor;
export type LossFn = (yTrue: T, yPred: T) => T;

export const EPSILON = 1e-7;

export function lossFunction(tf: Tf, name: CanonicalLoss): LossFn {
  const eps = EPSILON;
  const mean = (x: T) => tf.mean(x, -1);
  const l2normalize = (x: T) => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
  const hingeLabels = (y: T) => {
    // Keras converts 0/1 labels to -1/1 when every label is 0 or 1.
    const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1))).dataSync()[0] === 1;
    return binary ? tf.sub(tf.mul(y, 2), 1) : y;
  };
  const fns: Record<CanonicalLoss, LossFn> = {
    mean_squared_error: (y, p) => mean(tf.squaredDifference(p, y)),
    mean_absolute_error: (y, p) => mean(tf.abs(tf.sub(p, y))),
    mean_absolute_percentage_error: (y, p) => tf.mul(mean(tf.abs(tf.div(tf.sub(y, p), tf.maximum(tf.abs(y), eps)))), 100),
    mean_squared_logarithmic_error: (y, p) => mean(tf.squaredDifference(tf.log1p(tf.maximum(p, eps)), tf.log1p(tf.maximum(y, eps)))),
    huber: (y, p) => {
      const err = tf.sub(p, y);
      const abs = tf.abs(err);
      return mean(tf.where(tf.lessEqual(abs, 1), tf.mul(tf.square(err), 0.5), tf.sub(abs, 0.5)));
    },
    log_cosh: (y, p) => {
      const x = tf.sub(p, y);
      return mean(tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.log(2)));
    },
    kl_divergence: (y, p) => {
      const yc = tf.clipByValue(y, eps, 1);
      const pc = tf.clipByValue(p, eps, 1);
      return tf.sum(tf.mul(yc, tf.log(tf.div(yc, pc))), -1);
    },
    poisson: (y, p) => mean(tf.sub(p, tf.mul(y, tf.log(tf.add(p, eps))))),
    hinge: (y, p) => mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(y), p)))),
    squared_hinge: (y, p) => mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(y), p))))),
    categorical_hinge: (y, p) => {
      const pos = tf.sum(tf.mul(y, p), -1);
      const neg = tf.max(tf.mul(tf.sub(1, y), p), -1);
      return tf.relu(tf.add(tf.sub(neg, pos), 1));
    },
    cosine_similarity: (y, p) => tf.neg(tf.sum(tf.mul(l2normalize(y), l2normalize(p)), -1)),
    categorical_crossentropy: (y, p) => {
      const q = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), eps, 1 - eps);
      return tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1));
    },
    sparse_categorical_crossentropy: (y, p) => {
      const classes = p.shape[p.shape.length - 1]!;
      const ids = y.rank === p.rank ? tf.squeeze(y, [-1]) : y;
      const q = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), eps, 1 - eps);
      return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(ids, 'int32'), classes), tf.log(q)), -1));
    },
    binary_crossentropy: (y, p) => {
      const q = tf.clipByValue(p, eps, 1 - eps);
      return mean(tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))));
    },
  };
  return fns[name];
}
