/**
 * The Keras constructor arguments a loss or metric takes when written as an object
 * (`{type: categorical_crossentropy, from_logits: true, label_smoothing: 0.1}`), with Keras 3's
 * defaults. One table each, keyed by canonical name; the schema builds one variant per name from
 * it (so one bad argument gives one error) and train/objective.ts fills the defaults from it.
 */
import { LOSS_ALIASES, LOSSES, METRIC_ALIASES, METRICS } from './vocabulary.js';

type JsonSchema = Record<string, unknown>;
export type CanonicalLossName = (typeof LOSS_ALIASES)[keyof typeof LOSS_ALIASES];
export type CanonicalMetricName = (typeof METRIC_ALIASES)[keyof typeof METRIC_ALIASES];

const fromLogits: JsonSchema = { type: 'boolean', default: false, description: 'Whether the output holds logits (no softmax/sigmoid applied) rather than probabilities.' };
const labelSmoothing: JsonSchema = { type: 'number', minimum: 0, maximum: 1, default: 0, description: 'Moves targets towards uniform: y·(1−s) + s/classes (categorical) or + s/2 (binary).' };
const alpha: JsonSchema = { type: 'number', minimum: 0, default: 0.25, description: 'Focal loss weighting factor.' };
const gamma: JsonSchema = { type: 'number', minimum: 0, default: 2, description: 'Focal loss focusing parameter; 0 gives plain crossentropy.' };

export const LOSS_ARGUMENTS: Record<CanonicalLossName, Record<string, JsonSchema>> = {
  mean_squared_error: {},
  mean_absolute_error: {},
  mean_absolute_percentage_error: {},
  mean_squared_logarithmic_error: {},
  categorical_crossentropy: { from_logits: fromLogits, label_smoothing: labelSmoothing },
  sparse_categorical_crossentropy: {
    from_logits: fromLogits,
    ignore_class: { type: ['integer', 'null'], default: null, description: 'A class id whose samples count for nothing (Keras masks them out of the mean).' },
  },
  binary_crossentropy: { from_logits: fromLogits, label_smoothing: labelSmoothing },
  binary_focal_crossentropy: {
    apply_class_balancing: { type: 'boolean', default: false, description: 'Weight class 1 by alpha and class 0 by 1 − alpha.' },
    alpha: { ...alpha, maximum: 1 },
    gamma,
    from_logits: fromLogits,
    label_smoothing: labelSmoothing,
  },
  categorical_focal_crossentropy: { alpha, gamma, from_logits: fromLogits, label_smoothing: labelSmoothing },
  huber: { delta: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Where the loss changes from quadratic to linear.' } },
  kl_divergence: {},
  poisson: {},
  hinge: {},
  squared_hinge: {},
  categorical_hinge: {},
  log_cosh: {},
  cosine_similarity: {},
};

const threshold: JsonSchema = { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'A prediction above it counts as positive.' };
const k: JsonSchema = { type: 'integer', minimum: 1, default: 5, description: 'A sample counts as right when its class is among the k highest predictions.' };
const average: JsonSchema = {
  enum: ['micro', 'macro', 'weighted', null],
  default: null,
  description: 'null: one score per class (reported as <name>_<class>); micro: from all counts; macro: mean over classes; weighted: mean weighted by class support.',
};
const classId: JsonSchema = { type: ['integer', 'null'], minimum: 0, default: null, description: 'Only this class (column of the last axis) counts; null: every element.' };
const atThresholds: JsonSchema = { type: 'integer', minimum: 1, default: 200, description: 'Thresholds in [0, 1] at which the constraint is looked for.' };
const unit = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 1, description });
/** Arguments Keras requires (no default): a metric written by name alone lacks them (NN201). */
export const REQUIRED_METRIC_ARGUMENTS: Partial<Record<CanonicalMetricName, string>> = {
  precision_at_recall: 'recall',
  recall_at_precision: 'precision',
  sensitivity_at_specificity: 'specificity',
  specificity_at_sensitivity: 'sensitivity',
};
const f1Threshold: JsonSchema = { type: ['number', 'null'], minimum: 0, maximum: 1, default: null, description: 'A prediction above it is positive; null: the highest prediction of each sample.' };

export const METRIC_ARGUMENTS: Record<Exclude<CanonicalMetricName, 'accuracy'>, Record<string, JsonSchema>> = {
  binary_accuracy: { threshold },
  categorical_accuracy: {},
  sparse_categorical_accuracy: {},
  top_k_categorical_accuracy: { k },
  sparse_top_k_categorical_accuracy: { k },
  mean_absolute_error: {},
  mean_squared_error: {},
  root_mean_squared_error: {},
  mean_absolute_percentage_error: {},
  mean_squared_logarithmic_error: {},
  cosine_similarity: {},
  log_cosh_error: {},
  kl_divergence: {},
  poisson: {},
  hinge: {},
  squared_hinge: {},
  categorical_hinge: {},
  precision: { thresholds: threshold, class_id: classId },
  recall: { thresholds: threshold, class_id: classId },
  true_positives: { thresholds: threshold },
  false_positives: { thresholds: threshold },
  true_negatives: { thresholds: threshold },
  false_negatives: { thresholds: threshold },
  precision_at_recall: { recall: unit('The recall the precision is read at: the best precision among thresholds with at least this recall.'), num_thresholds: atThresholds, class_id: classId },
  recall_at_precision: { precision: unit('The precision the recall is read at: the best recall among thresholds with at least this precision.'), num_thresholds: atThresholds, class_id: classId },
  sensitivity_at_specificity: { specificity: unit('The specificity the sensitivity is read at: the best sensitivity among thresholds with at least this specificity.'), num_thresholds: atThresholds, class_id: classId },
  specificity_at_sensitivity: { sensitivity: unit('The sensitivity the specificity is read at: the best specificity among thresholds with at least this sensitivity.'), num_thresholds: atThresholds, class_id: classId },
  auc: {
    num_thresholds: { type: 'integer', minimum: 2, default: 200, description: 'Thresholds at which true and false positives are counted.' },
    curve: { enum: ['ROC', 'PR'], default: 'ROC', description: 'ROC (true against false positive rate) or PR (precision against recall).' },
    summation_method: { enum: ['interpolation', 'minoring', 'majoring'], default: 'interpolation', description: 'How the area between thresholds is summed.' },
    from_logits: fromLogits,
  },
  f1_score: { average, threshold: f1Threshold },
  fbeta_score: { average, beta: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Weight of recall against precision.' }, threshold: f1Threshold },
  r2_score: {
    class_aggregation: { enum: ['uniform_average', 'variance_weighted_average', null], default: 'uniform_average', description: 'How the scores of several output columns are combined; null: one score per column (reported as <name>_<column>).' },
    num_regressors: { type: 'integer', minimum: 0, default: 0, description: 'Regressors for the adjusted R² (0: plain R²).' },
  },
  binary_crossentropy: { from_logits: fromLogits, label_smoothing: labelSmoothing },
  categorical_crossentropy: { from_logits: fromLogits, label_smoothing: labelSmoothing },
  sparse_categorical_crossentropy: { from_logits: fromLogits },
};

/** The names (aliases included) that mean `canonical`. */
function namesOf<N extends string>(all: readonly N[], aliases: Record<N, string>, canonical: string): N[] {
  return all.filter((n) => aliases[n] === canonical);
}

/** One object variant per loss: `type` (the name or an alias) and that loss's arguments. */
export function lossVariants(): JsonSchema[] {
  return Object.entries(LOSS_ARGUMENTS).map(([canonical, args]) => ({
    type: 'object',
    properties: { type: { enum: namesOf(LOSSES, LOSS_ALIASES, canonical) }, ...args },
    required: ['type'],
    additionalProperties: false,
  }));
}

/** One object variant per metric; every metric also takes `name`, the key it is reported under. */
export function metricVariants(): JsonSchema[] {
  const canonicals = [...new Set(Object.values(METRIC_ALIASES))];
  return canonicals.map((canonical) => {
    const args = canonical === 'accuracy' ? {} : METRIC_ARGUMENTS[canonical];
    return {
      type: 'object',
      properties: {
        type: { enum: namesOf(METRICS, METRIC_ALIASES, canonical) },
        name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', description: 'The key the metric is reported under (default: its name as written).' },
        ...args,
      },
      required: ['type', ...(REQUIRED_METRIC_ARGUMENTS[canonical] ? [REQUIRED_METRIC_ARGUMENTS[canonical]] : [])],
      additionalProperties: false,
    };
  });
}

/** Every argument of a canonical loss with its Keras default. */
export function lossDefaults(canonical: CanonicalLossName): Record<string, unknown> {
  return Object.fromEntries(Object.entries(LOSS_ARGUMENTS[canonical]).map(([k, v]) => [k, v.default]));
}

export function metricDefaults(canonical: Exclude<CanonicalMetricName, 'accuracy'>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(METRIC_ARGUMENTS[canonical]).map(([k, v]) => [k, v.default]));
}
