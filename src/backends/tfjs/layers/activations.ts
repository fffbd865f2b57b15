/** TensorFlow.js emitters for ReLU, LeakyReLU, PReLU, ELU and Softmax. */
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from '../../../layers/activations.js';
import { constraint, defined, initializer, regularizer } from '../args.js';
import { activationClasses } from './activation-classes.js';
import { emitter, type TfjsFamily } from './emitter.js';

export const activations: TfjsFamily = {
  classes: activationClasses,
  emitters: [
    emitter(ReLU, (c, { tf, name }) =>
      // tfjs ReLU only has maxValue; the other two arguments need nnspec's own layer.
      c.negative_slope === 0 && c.threshold === 0
        ? tf.layers.reLU(defined({ name, maxValue: c.max_value ?? undefined }))
        : new (activationClasses(tf).ReLU)({ name, maxValue: c.max_value, negativeSlope: c.negative_slope, threshold: c.threshold }),
    ),
    emitter(LeakyReLU, (c, { tf, name }) => tf.layers.leakyReLU({ name, alpha: c.negative_slope })),
    emitter(PReLU, (c, { tf, name }) =>
      tf.layers.prelu(
        defined({
          name,
          alphaInitializer: initializer(c.alpha_initializer),
          alphaRegularizer: regularizer(c.alpha_regularizer),
          alphaConstraint: constraint(c.alpha_constraint),
          sharedAxes: c.shared_axes === null ? undefined : typeof c.shared_axes === 'number' ? c.shared_axes : [...c.shared_axes],
        }) as never,
      ),
    ),
    // tfjs ELU refuses any alpha but 1.
    emitter(ELU, (c, { tf, name }) => (c.alpha === 1 ? tf.layers.elu({ name, alpha: 1 }) : new (activationClasses(tf).ELU)({ name, alpha: c.alpha }))),
    emitter(Softmax, (c, { tf, name }) => {
      // tfjs defaults to axis 1 and its single-axis softmax works on the last axis only; several axes it handles.
      if (c.axis === -1 || (Array.isArray(c.axis) && c.axis.length > 1)) return tf.layers.softmax({ name, axis: typeof c.axis === 'number' ? c.axis : [...c.axis] } as never);
      return new (activationClasses(tf).Softmax)({ name, axis: typeof c.axis === 'number' ? [c.axis] : [...c.axis] });
    }),
  ],
};
