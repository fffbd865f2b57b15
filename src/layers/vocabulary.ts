/**
 * Names a layer argument accepts where Keras accepts a string: activations, initializers,
 * regularizers, constraints. One list each, used by the schema and by "did you mean".
 */

export const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'softmax', 'softplus', 'softsign', 'tanh',
  'elu', 'selu', 'gelu', 'swish', 'silu', 'mish', 'exponential', 'log_softmax', 'leaky_relu',
  // Keras 3's newer ones (keras/src/activations); gelu_approximate is gelu(x, approximate=True).
  // Not glu: it halves the last axis, while every Keras layer taking `activation` (and Activation
  // itself) declares an output shape that ignores the activation, so Keras's own shapes disagree.
  'gelu_approximate', 'hard_silu', 'hard_swish', 'celu', 'hard_tanh', 'log_sigmoid', 'soft_shrink',
  'hard_shrink', 'tanh_shrink', 'squareplus', 'sparse_plus', 'sparse_sigmoid', 'sparsemax',
] as const;

export const INITIALIZERS = [
  'zeros', 'ones', 'constant', 'random_normal', 'random_uniform', 'truncated_normal', 'glorot_uniform',
  'glorot_normal', 'he_uniform', 'he_normal', 'lecun_uniform', 'lecun_normal', 'orthogonal', 'identity',
  'variance_scaling',
] as const;

export const REGULARIZERS = ['l1', 'l2', 'l1_l2'] as const;

export const CONSTRAINTS = ['max_norm', 'min_max_norm', 'non_neg', 'unit_norm'] as const;
