/** TensorFlow.js emitters for Concatenate, the element-wise merges and Dot. */
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from '../../../layers/merge.js';
import { defined } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';
import { maskedMerges } from './merge-masks.js';
import { subtractClass } from './subtract.js';

export const merge: TfjsFamily = {
  classes: subtractClass,
  emitters: [
    emitter(Concatenate, (c, { tf, name }) => tf.layers.concatenate({ name, axis: c.axis })),
    emitter(Add, (_c, { tf, name }) => new (maskedMerges(tf).Add)({ name })),
    emitter(Subtract, (_c, { tf, name }) => new (subtractClass(tf).Subtract)({ name })),
    emitter(Multiply, (_c, { tf, name }) => new (maskedMerges(tf).Multiply)({ name })),
    emitter(Average, (_c, { tf, name }) => new (maskedMerges(tf).Average)({ name })),
    emitter(Maximum, (_c, { tf, name }) => new (maskedMerges(tf).Maximum)({ name })),
    emitter(Minimum, (_c, { tf, name }) => new (maskedMerges(tf).Minimum)({ name })),
    emitter(Dot, (c, { tf, name }) => tf.layers.dot(defined({ name, axes: c.axes as number, normalize: c.normalize }))),
  ],
};
