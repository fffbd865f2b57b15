/**
 * Random tensors (dropout masks, Gaussian noise); the `seed` attribute fixes the stream. Their
 * values do not depend on their input's values, so no gradient flows into the input.
 */
import type { ElemType } from '../proto.js';
import { constFloats, defineOp, scalarOf, type OpRule } from './rule.js';

const DTYPE: Record<number, ElemType> = { 1: 'float32', 11: 'float64' };

const like = (type: string): OpRule =>
  defineOp({
    type,
    infer: (inputs, attrs) => [{ shape: inputs[0]!.shape, dtype: DTYPE[attrs.dtype as number] ?? (inputs[0]!.dtype === 'float64' ? 'float64' : 'float32') }],
    vjp: () => [undefined],
  });

/** Uniform in [low, high). */
export const RandomUniformLike = like('RandomUniformLike');
/** Normal with `mean` and `scale`. */
export const RandomNormalLike = like('RandomNormalLike');
/** 0/1 draws with the input's probabilities. */
export const Bernoulli = like('Bernoulli');

/**
 * Dropout(x, ratio?, training_mode?) → (y, mask?): y = x · mask / (1 − ratio) when training.
 * The gradient takes the same mask and scale.
 */
export const Dropout = defineOp({
  type: 'Dropout',
  infer: (inputs) => [
    { shape: inputs[0]!.shape, dtype: inputs[0]!.dtype },
    { shape: inputs[0]!.shape, dtype: 'bool' },
  ],
  vjp: ({ g, node, dy }) => {
    const training = node.inputs[2] ? constFloats(node.inputs[2])![0] !== 0 : false;
    const ratio = node.inputs[1] ? constFloats(node.inputs[1])![0]! : 0.5;
    if (!training || ratio === 0) return [dy[0], undefined, undefined];
    if (!node.outputs[1]) throw new Error(`internal: the Dropout gradient needs the node's mask output (${node.name} was emitted without it)`);
    const kept = g.op1('Mul', [dy[0]!, scalarOf(g, dy[0]!, 1 / (1 - ratio))]);
    return [g.op1('Where', [node.outputs[1]!, kept, scalarOf(g, kept, 0)]), undefined, undefined];
  },
});

export const randomOps: OpRule[] = [RandomUniformLike, RandomNormalLike, Bernoulli, Dropout];
