/**
 * Keras 3 activation functions (the `activation:` argument of Dense, Conv, RNN cells ...) that
 * TensorFlow.js lacks or computes differently: `hard_sigmoid` (tfjs has Keras 2's 0.2x + 0.5;
 * Keras 3's is relu6(x + 3) / 6), and those tfjs has no name for (`exponential`, `leaky_relu`,
 * `celu`, `sparsemax`, ...), composed from tfjs ops that have gradients (masks come from
 * `tf.step`, whose gradient is zero, never from comparisons, which tfjs cannot differentiate). Registered
 * with tfjs's serialization map under nnspec's own (camelCase; model.json spells them nnspec_hard_sigmoid ...) names, so tfjs's getActivation finds them and a
 * saved model.json never loads as tfjs's function of the same Keras name.
 */
import type { Tf } from '../env.js';
import { perTf } from './emitter.js';

type Tensor = ReturnType<Tf['relu']>;

/** The tfjs activation name of a Keras activation nnspec supplies itself. */
export const NNSPEC_ACTIVATIONS: Readonly<Record<string, string>> = {
  hard_sigmoid: 'nnspecHardSigmoid',
  exponential: 'nnspecExponential',
  leaky_relu: 'nnspecLeakyRelu',
  gelu_approximate: 'nnspecGeluApproximate',
  hard_silu: 'nnspecHardSilu',
  hard_swish: 'nnspecHardSilu',
  celu: 'nnspecCelu',
  hard_tanh: 'nnspecHardTanh',
  log_sigmoid: 'nnspecLogSigmoid',
  soft_shrink: 'nnspecSoftShrink',
  hard_shrink: 'nnspecHardShrink',
  tanh_shrink: 'nnspecTanhShrink',
  squareplus: 'nnspecSquareplus',
  sparse_plus: 'nnspecSparsePlus',
  sparse_sigmoid: 'nnspecSparseSigmoid',
  sparsemax: 'nnspecSparsemax',
};

const FUNCTIONS: Record<string, (tf: Tf, x: Tensor) => Tensor> = {
  // Keras 3: relu6(x + 3) / 6, i.e. 0 at or below -3, 1 at or above 3, x / 6 + 1/2 between.
  nnspecHardSigmoid: (tf, x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  nnspecExponential: (tf, x) => tf.exp(x),
  // Keras 3's leaky_relu activation: negative_slope 0.2.
  nnspecLeakyRelu: (tf, x) => tf.leakyRelu(x, 0.2),
  // Keras 3 gelu(approximate=True): 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  nnspecGeluApproximate: (tf, x) =>
    tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
  // x * hard_sigmoid(x) with Keras 3's hard_sigmoid.
  nnspecHardSilu: (tf, x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  // alpha 1: x at or above 0, exp(x) - 1 below (relu(x) + expm1(min(x, 0))).
  nnspecCelu: (tf, x) => tf.add(tf.relu(x), tf.expm1(tf.neg(tf.relu(tf.neg(x))))),
  nnspecHardTanh: (tf, x) => tf.clipByValue(x, -1, 1),
  nnspecLogSigmoid: (tf, x) => tf.neg(tf.softplus(tf.neg(x))),
  // threshold 0.5: x - 0.5 above 0.5, x + 0.5 below -0.5, 0 between.
  nnspecSoftShrink: (tf, x) => tf.sub(tf.relu(tf.sub(x, 0.5)), tf.relu(tf.sub(tf.neg(x), 0.5))),
  // threshold 0.5: x where |x| > 0.5, else 0.
  nnspecHardShrink: (tf, x) => tf.mul(x, tf.step(tf.sub(tf.abs(x), 0.5))),
  nnspecTanhShrink: (tf, x) => tf.sub(x, tf.tanh(x)),
  // b 4: (x + sqrt(x^2 + 4)) / 2.
  nnspecSquareplus: (tf, x) => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), 4))), 2),
  // 0 at or below -1, (x + 1)^2 / 4 between, x at or above 1: (clip(x) + 1)^2 / 4 + relu(x - 1).
  nnspecSparsePlus: (tf, x) => tf.add(tf.div(tf.square(tf.add(tf.clipByValue(x, -1, 1), 1)), 4), tf.relu(tf.sub(x, 1))),
  nnspecSparseSigmoid: (tf, x) => tf.mul(tf.add(tf.clipByValue(x, -1, 1), 1), 0.5),
  nnspecSparsemax: (tf, x) => sparsemax(tf, x),
};

/**
 * Sparsemax over the last axis without sorting: z_i is in the support when 1 + k_i z_i > s_i,
 * where k_i counts the z_j >= z_i and s_i sums them (the sorted criterion of Martins and Astudillo,
 * with ties counted together); tau = (sum of the support - 1) / its size; out = relu(z - tau).
 * Autodiff through it gives sparsemax's Jacobian (the support is piecewise constant).
 */
function sparsemax(tf: Tf, z: Tensor): Tensor {
  const zi = tf.expandDims(z, -1);
  const zj = tf.expandDims(z, -2);
  const atLeast = tf.sub(1, tf.step(tf.sub(zi, zj)));
  const k = tf.sum(atLeast, -1);
  const s = tf.sum(tf.mul(atLeast, zj), -1);
  const support = tf.step(tf.sub(tf.add(1, tf.mul(k, z)), s));
  const tau = tf.div(tf.sub(tf.sum(tf.mul(support, z), -1, true), 1), tf.sum(support, -1, true));
  return tf.relu(tf.sub(z, tau));
}

/** Registers the activation functions with `tf` (once per tf module). */
export const activationFunctions = perTf((tf: Tf) => {
  const made: unknown[] = [];
  for (const [className, fn] of Object.entries(FUNCTIONS)) {
    class Fn extends tf.serialization.Serializable {
      static className = className;
      override getClassName(): string {
        return className;
      }
      apply(x: Tensor): Tensor {
        return tf.tidy(() => fn(tf, x));
      }
      getConfig() {
        return {};
      }
    }
    tf.serialization.registerClass(Fn as never);
    made.push(Fn);
  }
  return made;
});
