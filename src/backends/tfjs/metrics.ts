/**
 * Keras metrics as batch states in the layout of train/metrics/state.ts (sum and count,
 * confusion counts at thresholds, per-class counts), computed with tfjs ops; the host sums them
 * over the epoch and computes each metric's value.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { metricThresholds } from '../../train/metrics/state.js';
import type { CanonicalLoss, LossArgs, MetricPlan } from '../../train/objective.js';
import { LOSS_ARG_DEFAULTS, METRIC_LOSS } from '../../train/objective.js';
import type { Tf } from './env.js';
import { lossFunction, sparseIds } from './losses.js';

type T = tfTypes.Tensor;
/** The batch's state as 1-D float32 pieces, concatenated in order. */
export type MetricFn = (yTrue: T, yPred: T) => T[];


export function metricFunction(tf: Tf, plan: MetricPlan): MetricFn {
  const f32 = (x: T) => tf.cast(x, 'float32');
  const meanOf = (values: T): T[] => [tf.sum(f32(values)), tf.scalar(values.size)];
  const a = plan.args;
  /** Rows of the last axis: [rows, C]. */
  const rows = (x: T) => tf.reshape(x, [-1, x.shape[x.shape.length - 1] ?? 1]);
  /** In the top k: fewer than k classes score strictly higher than the target (TensorFlow's in_top_k, ties in). */
  const inTopK = (target: T, p: T) => {
    const score = tf.sum(tf.mul(target, p), -1, true);
    return tf.less(tf.sum(f32(tf.greater(p, score)), -1), a.k!);
  };
  /** Keras's class_id: only that column of the last axis counts. */
  const classColumn = (x: T) => (a.class_id === null || a.class_id === undefined ? x : tf.slice(x, [...x.shape.map(() => 0).slice(0, -1), a.class_id], [...x.shape.slice(0, -1), 1]));
  const thresholds = metricThresholds(plan);
  if (thresholds) {
    // Confusion counts at each threshold (prediction above it is positive): [tp × T, fp × T, tn × T, fn × T].
    return (y, p) => {
      const q = tf.reshape(classColumn(a.from_logits ? tf.sigmoid(p) : p), [-1, 1]);
      const predPos = tf.greater(q, tf.tensor1d(thresholds).reshape([1, -1]));
      const labelPos = tf.reshape(tf.notEqual(classColumn(y), 0), [-1, 1]);
      const count = (l: T, pr: T) => tf.sum(f32(tf.logicalAnd(l, pr)), 0);
      const labelNeg = tf.logicalNot(labelPos);
      const predNeg = tf.logicalNot(predPos);
      return [count(labelPos, predPos), count(labelNeg, predPos), count(labelNeg, predNeg), count(labelPos, predNeg)];
    };
  }
  switch (plan.kind) {
    case 'true_positives':
    case 'false_positives':
    case 'true_negatives':
    case 'false_negatives':
      return (y, p) => {
        const pred = tf.greater(p, a.thresholds!);
        const truth = tf.notEqual(y, 0);
        const wantPred = plan.kind === 'true_positives' || plan.kind === 'false_positives';
        const wantTruth = plan.kind === 'true_positives' || plan.kind === 'false_negatives';
        return [tf.sum(f32(tf.logicalAnd(wantPred ? pred : tf.logicalNot(pred), wantTruth ? truth : tf.logicalNot(truth))))];
      };
    case 'binary_accuracy':
      return (y, p) => meanOf(tf.mean(f32(tf.equal(f32(y), f32(tf.greater(p, a.threshold!)))), -1));
    case 'categorical_accuracy':
      return (y, p) => meanOf(tf.equal(tf.argMax(y, -1), tf.argMax(p, -1)));
    case 'sparse_categorical_accuracy':
      return (y, p) => meanOf(tf.equal(sparseIds(tf, y, p), tf.argMax(p, -1)));
    case 'top_k_categorical_accuracy':
      return (y, p) => meanOf(inTopK(tf.oneHot(tf.argMax(y, -1), p.shape[p.shape.length - 1]!), p));
    case 'sparse_top_k_categorical_accuracy':
      return (y, p) => meanOf(inTopK(tf.oneHot(sparseIds(tf, y, p), p.shape[p.shape.length - 1]!), p));
    case 'precision':
    case 'recall':
      return (y, p) => {
        const pred = tf.greater(classColumn(p), a.thresholds!);
        const truth = tf.notEqual(classColumn(y), 0);
        const tp = tf.sum(f32(tf.logicalAnd(pred, truth)));
        return [tp, tf.sum(f32(plan.kind === 'precision' ? pred : truth))];
      };
    case 'f1_score':
    case 'fbeta_score':
      return (y, p) => {
        const yr = f32(rows(y));
        const pr = rows(p);
        // No threshold: the highest prediction of each row is positive (not an all-zero row).
        const pos = a.threshold === null || a.threshold === undefined ? tf.logicalAnd(tf.greaterEqual(pr, tf.max(pr, -1, true)), tf.greater(tf.abs(pr), 1e-9)) : tf.greater(pr, a.threshold);
        const yp = f32(pos);
        return [tf.sum(tf.mul(yp, yr), 0), tf.sum(tf.mul(yp, tf.sub(1, yr)), 0), tf.sum(tf.mul(tf.sub(1, yp), yr), 0), tf.sum(yr, 0)];
      };
    case 'r2_score':
      return (y, p) => {
        const yr = f32(rows(y));
        const pr = rows(p);
        return [tf.sum(yr, 0), tf.sum(tf.square(yr), 0), tf.sum(tf.squaredDifference(yr, pr), 0), tf.scalar(yr.shape[0]!)];
      };
    case 'cosine_similarity': {
      // The metric is the similarity itself; the loss is its negative.
      const loss = lossFunction(tf, 'cosine_similarity');
      return (y, p) => meanOf(tf.neg(loss(y, p)));
    }
    default: {
      const loss = lossFunction(tf, METRIC_LOSS[plan.kind]!, { ...LOSS_ARG_DEFAULTS, from_logits: a.from_logits ?? false, label_smoothing: a.label_smoothing ?? 0 });
      return (y, p) => meanOf(loss(y, p));
    }
  }
}
