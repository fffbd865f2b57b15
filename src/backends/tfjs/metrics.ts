/**
 * Keras metrics as accumulators: each batch contributes a numerator and a denominator, and the
 * epoch's value is their ratio, so a metric over an epoch equals the metric over all its samples
 * (Keras's MeanMetricWrapper; precision and recall count true and false positives).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { CanonicalMetric } from '../../train/objective.js';
import type { Tf } from './env.js';
import { lossFunction } from './losses.js';

type T = tfTypes.Tensor;
/** [numerator, denominator] for one batch, as two scalars. */
export type MetricFn = (yTrue: T, yPred: T) => [T, T];

export function metricFunction(tf: Tf, kind: CanonicalMetric): MetricFn {
  const meanOf = (values: T): [T, T] => [tf.sum(values), tf.scalar(values.size)];
  const positives = (y: T, p: T) => ({ pred: tf.greater(p, 0.5), truth: tf.notEqual(y, 0) });
  switch (kind) {
    case 'binary_accuracy':
      return (y, p) => meanOf(tf.mean(tf.cast(tf.equal(y, tf.cast(tf.greater(p, 0.5), y.dtype)), 'float32'), -1));
    case 'categorical_accuracy':
      return (y, p) => meanOf(tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(p, -1)), 'float32'));
    case 'sparse_categorical_accuracy':
      return (y, p) => {
        const ids = y.rank === p.rank ? tf.squeeze(y, [-1]) : y;
        return meanOf(tf.cast(tf.equal(tf.cast(ids, 'int32'), tf.argMax(p, -1)), 'float32'));
      };
    case 'precision':
      return (y, p) => {
        const { pred, truth } = positives(y, p);
        return [tf.sum(tf.cast(tf.logicalAnd(pred, truth), 'float32')), tf.sum(tf.cast(pred, 'float32'))];
      };
    case 'recall':
      return (y, p) => {
        const { pred, truth } = positives(y, p);
        return [tf.sum(tf.cast(tf.logicalAnd(pred, truth), 'float32')), tf.sum(tf.cast(truth, 'float32'))];
      };
    default: {
      const loss = lossFunction(tf, kind);
      return (y, p) => meanOf(loss(y, p));
    }
  }
}
