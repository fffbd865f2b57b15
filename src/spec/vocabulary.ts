/**
 * Names the spec's `training:` section accepts where Keras accepts a string: losses, metrics,
 * optimizers. One list each, used by the schema and by "did you mean". The layer arguments'
 * names (activations, initializers, ...) are in layers/vocabulary.ts.
 */

/** Keras loss names, with their aliases mapped to the canonical name. */
export const LOSS_ALIASES = {
  mse: 'mean_squared_error',
  mean_squared_error: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mean_absolute_error: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  categorical_crossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  binary_crossentropy: 'binary_crossentropy',
  binary_focal_crossentropy: 'binary_focal_crossentropy',
  categorical_focal_crossentropy: 'categorical_focal_crossentropy',
  huber: 'huber',
  huber_loss: 'huber',
  kl_divergence: 'kl_divergence',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  poisson: 'poisson',
  hinge: 'hinge',
  squared_hinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge',
  log_cosh: 'log_cosh',
  logcosh: 'log_cosh',
  cosine_similarity: 'cosine_similarity',
} as const;
export type LossName = keyof typeof LOSS_ALIASES;
export const LOSSES = Object.keys(LOSS_ALIASES) as LossName[];

export const METRIC_ALIASES = {
  acc: 'accuracy',
  accuracy: 'accuracy',
  binary_accuracy: 'binary_accuracy',
  categorical_accuracy: 'categorical_accuracy',
  sparse_categorical_accuracy: 'sparse_categorical_accuracy',
  mae: 'mean_absolute_error',
  mean_absolute_error: 'mean_absolute_error',
  mse: 'mean_squared_error',
  mean_squared_error: 'mean_squared_error',
  mape: 'mean_absolute_percentage_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  top_k_categorical_accuracy: 'top_k_categorical_accuracy',
  sparse_top_k_categorical_accuracy: 'sparse_top_k_categorical_accuracy',
  rmse: 'root_mean_squared_error',
  root_mean_squared_error: 'root_mean_squared_error',
  msle: 'mean_squared_logarithmic_error',
  mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  cosine_similarity: 'cosine_similarity',
  log_cosh_error: 'log_cosh_error',
  logcosh: 'log_cosh_error',
  kl_divergence: 'kl_divergence',
  kld: 'kl_divergence',
  poisson: 'poisson',
  hinge: 'hinge',
  squared_hinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge',
  precision: 'precision',
  recall: 'recall',
  true_positives: 'true_positives',
  false_positives: 'false_positives',
  true_negatives: 'true_negatives',
  false_negatives: 'false_negatives',
  precision_at_recall: 'precision_at_recall',
  recall_at_precision: 'recall_at_precision',
  sensitivity_at_specificity: 'sensitivity_at_specificity',
  specificity_at_sensitivity: 'specificity_at_sensitivity',
  auc: 'auc',
  f1_score: 'f1_score',
  fbeta_score: 'fbeta_score',
  r2_score: 'r2_score',
  binary_crossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
} as const;
export type MetricName = keyof typeof METRIC_ALIASES;
export const METRICS = Object.keys(METRIC_ALIASES) as MetricName[];

/** Optimizers and their Keras constructor arguments with Keras defaults. */
export const OPTIMIZERS = {
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
  adamw: { learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 },
  adadelta: { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
  adamax: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
} as const;
export type OptimizerName = keyof typeof OPTIMIZERS;
