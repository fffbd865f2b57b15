/**
 * Keras 3 activation functions (the `activation:` argument of Dense, Conv, RNN cells ...) that
 * TensorFlow.js lacks or computes differently: `hard_sigmoid` (tfjs has Keras 2's 0.2x + 0.5;
 * Keras 3's is relu6(x + 3) / 6), `exponential` and `leaky_relu` (tfjs has neither). Registered
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
};

const FUNCTIONS: Record<string, (tf: Tf, x: Tensor) => Tensor> = {
  // Keras 3: relu6(x + 3) / 6, i.e. 0 at or below -3, 1 at or above 3, x / 6 + 1/2 between.
  nnspecHardSigmoid: (tf, x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  nnspecExponential: (tf, x) => tf.exp(x),
  // Keras 3's leaky_relu activation: negative_slope 0.2.
  nnspecLeakyRelu: (tf, x) => tf.leakyRelu(x, 0.2),
};

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
