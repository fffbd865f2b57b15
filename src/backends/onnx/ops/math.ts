/**
 * Elementwise math beyond elementwise.ts: the unary functions activations are made of, division,
 * powers, extrema and clipping. Shape rules here; VJPs are the autodiff module's to complete.
 */
import type { Attrs, Value } from '../graph.js';
import { broadcastShapes, unbroadcast } from './broadcast.js';
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
export const Sqrt = defineOp({
  type: 'Sqrt',
  infer: same,
  vjp: ({ g, node, dy }) => [g.op1('Div', [g.op1('Mul', [dy[0]!, g.scalar(0.5)]), node.outputs[0]!])],
});
export const Abs = defineOp({
  type: 'Abs',
  infer: same,
  vjp: ({ g, node, dy }) => [g.op1('Mul', [dy[0]!, g.op1('Sign', [node.inputs[0]!])])],
});
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

export const Div = defineOp({
  type: 'Div',
  infer: broadcasting('Div'),
  vjp: ({ g, node, dy, needs }) => {
    const [a, b] = node.inputs as Value[];
    const y = node.outputs[0]!;
    return [
      needs[0] ? unbroadcast(g, g.op1('Div', [dy[0]!, b!]), a!.shape) : undefined,
      needs[1] ? unbroadcast(g, g.op1('Neg', [g.op1('Div', [g.op1('Mul', [dy[0]!, y]), b!])]), b!.shape) : undefined,
    ];
  },
});
export const Pow = binary('Pow');
/** Variadic, broadcasting. */
export const Max = pick('Max');
export const Min = pick('Min');

/** Max/Min of two operands; the gradient goes to the chosen one (to the first on ties). */
function pick(type: 'Max' | 'Min'): OpRule {
  return defineOp({
    type,
    infer: broadcasting(type),
    vjp: ({ g, node, dy, needs }) => {
      if (node.inputs.length !== 2) throw new Error(`internal: the ${type} gradient rule takes two operands`);
      const [a, b] = node.inputs as Value[];
      const first = g.op1(type === 'Max' ? 'GreaterOrEqual' : 'LessOrEqual', [a!, b!]);
      const zero = g.scalar(0);
      return [
        needs[0] ? unbroadcast(g, g.op1('Where', [first, dy[0]!, zero]), a!.shape) : undefined,
        needs[1] ? unbroadcast(g, g.op1('Where', [first, zero, dy[0]!]), b!.shape) : undefined,
      ];
    },
  });
}

/** Clip(x, min?, max?): min and max are optional scalar inputs. */
export const Clip = defineOp({
  type: 'Clip',
  infer: (inputs: readonly (Value | undefined)[], _a: Attrs) => same(inputs),
  // The gradient passes where min ≤ x ≤ max.
  vjp: ({ g, node, dy }) => {
    const [x, lo, hi] = node.inputs;
    let inside: Value | undefined;
    if (lo) inside = g.op1('GreaterOrEqual', [x!, lo]);
    if (hi) {
      const below = g.op1('LessOrEqual', [x!, hi]);
      inside = inside ? g.op1('And', [inside, below]) : below;
    }
    return [inside ? g.op1('Where', [inside, dy[0]!, g.scalar(0)]) : dy[0], undefined, undefined];
  },
});

export const mathOps: OpRule[] = [Sigmoid, Tanh, Exp, Log, Sqrt, Abs, Erf, Softplus, Softsign, Reciprocal, Elu, Selu, LeakyRelu, HardSigmoid, Softmax, LogSoftmax, Div, Pow, Max, Min, Clip];
