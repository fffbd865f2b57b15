/**
 * nnspec's names for initializers, constraints and regularizers next to the Keras classes they
 * serialize as, with the configuration Keras writes for their defaults (tf.keras 2.x
 * `get_config`). Export reads it one way, import the other.
 */

/** Keras initializer class and the config its `get_config` writes with default arguments. */
export const INITIALIZER_CLASSES: Record<string, { className: string; defaults: Record<string, unknown> }> = {
  zeros: { className: 'Zeros', defaults: {} },
  ones: { className: 'Ones', defaults: {} },
  constant: { className: 'Constant', defaults: { value: 0 } },
  random_normal: { className: 'RandomNormal', defaults: { mean: 0, stddev: 0.05, seed: null } },
  random_uniform: { className: 'RandomUniform', defaults: { minval: -0.05, maxval: 0.05, seed: null } },
  truncated_normal: { className: 'TruncatedNormal', defaults: { mean: 0, stddev: 0.05, seed: null } },
  glorot_uniform: { className: 'GlorotUniform', defaults: { seed: null } },
  glorot_normal: { className: 'GlorotNormal', defaults: { seed: null } },
  he_uniform: { className: 'HeUniform', defaults: { seed: null } },
  he_normal: { className: 'HeNormal', defaults: { seed: null } },
  lecun_uniform: { className: 'LecunUniform', defaults: { seed: null } },
  lecun_normal: { className: 'LecunNormal', defaults: { seed: null } },
  orthogonal: { className: 'Orthogonal', defaults: { gain: 1, seed: null } },
  identity: { className: 'Identity', defaults: { gain: 1 } },
  variance_scaling: { className: 'VarianceScaling', defaults: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: null } },
};

/**
 * The variance-scaling initializers by their fixed arguments: TensorFlow.js writes GlorotUniform
 * and friends with these in the config (and as `VarianceScaling` for glorot_uniform).
 */
export const VARIANCE_SCALING_NAMES: { name: string; scale: number; mode: string; uniform: boolean }[] = [
  { name: 'glorot_uniform', scale: 1, mode: 'fan_avg', uniform: true },
  { name: 'glorot_normal', scale: 1, mode: 'fan_avg', uniform: false },
  { name: 'he_uniform', scale: 2, mode: 'fan_in', uniform: true },
  { name: 'he_normal', scale: 2, mode: 'fan_in', uniform: false },
  { name: 'lecun_uniform', scale: 1, mode: 'fan_in', uniform: true },
  { name: 'lecun_normal', scale: 1, mode: 'fan_in', uniform: false },
];

export const CONSTRAINT_CLASSES: Record<string, { className: string; defaults: Record<string, unknown> }> = {
  max_norm: { className: 'MaxNorm', defaults: { max_value: 2, axis: 0 } },
  min_max_norm: { className: 'MinMaxNorm', defaults: { min_value: 0, max_value: 1, rate: 1, axis: 0 } },
  non_neg: { className: 'NonNeg', defaults: {} },
  unit_norm: { className: 'UnitNorm', defaults: { axis: 0 } },
};

/** Keras's `l1`, `l2` and `l1_l2` default to 0.01 for each factor they name. */
export const REGULARIZER_DEFAULT = 0.01;
