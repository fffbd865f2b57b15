/**
 * Keras losses by their canonical names and Keras arguments (from_logits, label_smoothing,
 * ignore_class, focal alpha/gamma, huber delta), written with tfjs ops to Keras 3's formulas
 * (epsilon 1e-7, clipping, hinge labels converted from 0/1, the logits forms TensorFlow uses).
 * Each returns the per-sample values with the last axis reduced; the caller reduces them as
 * Keras's sum_over_batch_size (reduceLoss).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { CanonicalLoss, LossArgs } from '../../train/objective.js';
import { LOSS_ARG_DEFAULTS } from '../../train/objective.js';
import type { Tf } from './env.js';

type T = tfTypes.Tensor;
export type LossFn = (yTrue: T, yPred: T) => T;

export const EPSILON = 1e-7;

/** Class ids of rank p.rank − 1 (a trailing 1 axis squeezed), int32. */
export function sparseIds(tf: Tf, y: T, p: T): T {
  const ids = y.rank === p.rank ? tf.squeeze(y, [-1]) : y;
  return ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
}

export function lossFunction(tf: Tf, name: CanonicalLoss, args: LossArgs = LOSS_ARG_DEFAULTS): LossFn {
  const eps = EPSILON;
  const mean = (x: T) => tf.mean(x, -1);
  const l2normalize = (x: T) => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
  const hingeLabels = (y: T) => {
    // Keras converts 0/1 labels to -1/1 when every label is 0 or 1.
    const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1))).dataSync()[0] === 1;
    return binary ? tf.sub(tf.mul(y, 2), 1) : y;
  };
  const ls = args.label_smoothing;
  const smoothCategorical = (y: T) => (ls ? tf.add(tf.mul(y, 1 - ls), ls / y.shape[y.shape.length - 1]!) : y);
  const smoothBinary = (y: T) => (ls ? tf.add(tf.mul(y, 1 - ls), 0.5 * ls) : y);
  /** −Σ y·log q over the last axis, q the renormalized and clipped probabilities, or log-softmax of logits. */
  const crossentropy = (y: T, p: T) => {
    if (args.from_logits) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(p, -1)), -1));
    const q = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), eps, 1 - eps);
    return tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1));
  };
  /** Elementwise binary crossentropy of probabilities (clipped). */
  const bceProb = (y: T, p: T) => {
    const q = tf.clipByValue(p, eps, 1 - eps);
    return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))));
  };
  /** TensorFlow's sigmoid_cross_entropy_with_logits: max(x, 0) − x·y + log(1 + e^−|x|). */
  const bceLogits = (y: T, x: T) => tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.softplus(tf.neg(tf.abs(x))));
  const fns: Record<CanonicalLoss, LossFn> = {
    mean_squared_error: (y, p) => mean(tf.squaredDifference(p, y)),
    mean_absolute_error: (y, p) => mean(tf.abs(tf.sub(p, y))),
    mean_absolute_percentage_error: (y, p) => tf.mul(mean(tf.abs(tf.div(tf.sub(y, p), tf.maximum(tf.abs(y), eps)))), 100),
    mean_squared_logarithmic_error: (y, p) => mean(tf.squaredDifference(tf.log1p(tf.maximum(p, eps)), tf.log1p(tf.maximum(y, eps)))),
    huber: (y, p) => {
      // Keras's where(|e| ≤ δ, e²/2, δ|e| − δ²/2) as ½·min(|e|, δ)² + δ·(|e| − min(|e|, δ)): the same
      // values, and tfjs has no gradient for the comparison inside a where.
      const d = args.delta;
      const abs = tf.abs(tf.sub(p, y));
      const quadratic = tf.minimum(abs, d);
      return mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.mul(tf.sub(abs, quadratic), d)));
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
    categorical_crossentropy: (y, p) => crossentropy(smoothCategorical(y), p),
    sparse_categorical_crossentropy: (y, p) => {
      const classes = p.shape[p.shape.length - 1]!;
      let ids = sparseIds(tf, y, p);
      const valid = args.ignore_class === null ? undefined : tf.notEqual(ids, args.ignore_class);
      // Keras zeroes the ignored ids (so one-hot stays in range) and their losses.
      if (valid) ids = tf.mul(ids, tf.cast(valid, 'int32'));
      const values = crossentropy(tf.oneHot(ids, classes), p);
      return valid ? tf.where(valid, values, tf.zerosLike(values)) : values;
    },
    binary_crossentropy: (y, p) => {
      const t = smoothBinary(y);
      return mean(args.from_logits ? bceLogits(t, p) : bceProb(t, p));
    },
    binary_focal_crossentropy: (y, p) => {
      const t = smoothBinary(y);
      const q = args.from_logits ? tf.sigmoid(p) : p;
      const pt = tf.add(tf.mul(t, q), tf.mul(tf.sub(1, t), tf.sub(1, q)));
      let focal = tf.mul(tf.pow(tf.sub(1, pt), args.gamma), bceProb(t, q));
      if (args.apply_class_balancing) focal = tf.mul(tf.add(tf.mul(t, args.alpha), tf.mul(tf.sub(1, t), 1 - args.alpha)), focal);
      return mean(focal);
    },
    categorical_focal_crossentropy: (y, p) => {
      const t = smoothCategorical(y);
      const q = args.from_logits ? tf.softmax(p, -1) : p;
      const out = tf.clipByValue(tf.div(q, tf.sum(q, -1, true)), eps, 1 - eps);
      const cce = tf.neg(tf.mul(t, tf.log(out)));
      return tf.sum(tf.mul(tf.mul(tf.pow(tf.sub(1, out), args.gamma), args.alpha), cce), -1);
    },
  };
  return fns[name];
}

/** Where the loss counts (Keras's mask from ignore_class), or undefined when everywhere. */
export function lossMask(tf: Tf, name: CanonicalLoss, args: LossArgs, y: T, p: T): T | undefined {
  if (name !== 'sparse_categorical_crossentropy' || args.ignore_class === null) return undefined;
  return tf.cast(tf.notEqual(sparseIds(tf, y, p), args.ignore_class), 'float32');
}

/**
 * Keras's sum_over_batch_size of per-sample values: Σ values·weight / number of values, where a
 * mask (ignore_class) counts only its valid entries in the divisor (0 when none is valid).
 */
export function reduceLoss(tf: Tf, values: T, weights?: T, mask?: T): T {
  if (!weights && !mask) return tf.mean(values);
  let v = values;
  if (weights) v = tf.mul(v, tf.reshape(weights, [values.shape[0]!, ...values.shape.slice(1).map(() => 1)]));
  if (!mask) return tf.div(tf.sum(v), values.size);
  const valid = tf.sum(mask);
  return tf.where(tf.greater(valid, 0), tf.div(tf.sum(tf.mul(v, mask)), tf.maximum(valid, 1)), tf.scalar(0));
}
