/**
 * Elementwise math beyond elementwise.ts: the unary functions activations are made of, division,
 * powers, extrema and clipping. Shape rules here; VJPs are the autodiff module's to complete.
 */
import type { Attrs, Value } from '../graph.js';
import { broadcastShapes } from './broadcast.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

const same = (inputs: readonly (Value | undefined)[]) => [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];

function broadcasting(type: string) {
  return (inputs: readonly (Value | undefined)[]) => {
    const shape = broadcastShapes(inputs.map((v) => v!.shape));
    if (!shape) throw shapeError(type, 'shapes do not broadcast', inputs);
    return [{ shape, dtype: inputs[0]!.dtype }];
  };
}

const unary = (type: string): OpRule => defineOp({ type, infer: same });
const binary = (type: string): OpRule => defineOp({ type, infer: broadcasting(type) });

export const Sigmoid = unary('Sigmoid');
export const Tanh = unary('Tanh');
export const Exp = unary('Exp');
export const Log = unary('Log');
export const Sqrt = unary('Sqrt');
export const Abs = unary('Abs');
export const Erf = unary('Erf');
export const Softplus = unary('Softplus');
export const Softsign = unary('Softsign');
export const Reciprocal = unary('Reciprocal');
/** alpha attribute. */
export const Elu = unary('Elu');
export const Selu = unary('Selu');
export const LeakyRelu = unary('LeakyRelu');
/** max(0, min(1, alpha * x + beta)). */
export const HardSigmoid = unary('HardSigmoid');
/** axis attribute (opset 13+: over that one axis). */
export const Softmax = unary('Softmax');
export const LogSoftmax = unary('LogSoftmax');

export const Div = binary('Div');
export const Pow = binary('Pow');
/** Variadic, broadcasting. */
export const Max = binary('Max');
export const Min = binary('Min');

/** Clip(x, min?, max?): min and max are optional scalar inputs. */
export const Clip = defineOp({ type: 'Clip', infer: (inputs: readonly (Value | undefined)[], _a: Attrs) => same(inputs) });

export const mathOps: OpRule[] = [Sigmoid, Tanh, Exp, Log, Sqrt, Abs, Erf, Softplus, Softsign, Reciprocal, Elu, Selu, LeakyRelu, HardSigmoid, Softmax, LogSoftmax, Div, Pow, Max, Min, Clip];
