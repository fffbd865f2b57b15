/**
 * Functions of one tensor, elementwise: the math and activations layers are made of. Each rule's
 * VJP gives dx from dy, the input x and the output y (whichever is cheaper). Where a function has
 * a kink, the side the gradient takes at the kink follows TensorFlow's (noted per rule).
 */
import type { Attrs, OnnxGraph, Value } from '../graph.js';
import { unbroadcast } from './broadcast.js';
import { broadcasting, where0 } from './elementwise.js';
import { attrNum, defineOp, sameAsFirst, scalarOf, type OpRule } from './rule.js';

type Local = (g: OnnxGraph, dy: Value, x: Value, y: Value, attrs: Attrs) => Value;

/** A one-input rule; `grad` absent: not differentiable; null: the gradient is zero. */
function unary(type: string, grad: Local | null | undefined): OpRule {
  return defineOp({
    type,
    infer: sameAsFirst,
    ...(grad === undefined ? {} : { vjp: ({ g, node, dy }) => [grad ? grad(g, dy[0]!, node.inputs[0]!, node.outputs[0]!, node.attrs) : undefined, ...node.inputs.slice(1).map(() => undefined)] }),
  });
}

const k = scalarOf;
const mul = (g: OnnxGraph, a: Value, b: Value) => g.op1('Mul', [a, b]);
const positive = (g: OnnxGraph, x: Value) => g.op1('Greater', [x, k(g, x, 0)]);

export const Neg = unary('Neg', (g, dy) => g.op1('Neg', [dy]));
export const Identity = unary('Identity', (_g, dy) => dy);
export const Sign = unary('Sign', null);
export const Floor = unary('Floor', null);
export const Ceil = unary('Ceil', null);
export const Round = unary('Round', null);
export const Abs = unary('Abs', (g, dy, x) => mul(g, dy, g.op1('Sign', [x])));
export const Sqrt = unary('Sqrt', (g, dy, _x, y) => g.op1('Div', [mul(g, dy, k(g, y, 0.5)), y]));
export const Reciprocal = unary('Reciprocal', (g, dy, _x, y) => g.op1('Neg', [mul(g, dy, mul(g, y, y))]));
export const Exp = unary('Exp', (g, dy, _x, y) => mul(g, dy, y));
export const Log = unary('Log', (g, dy, x) => g.op1('Div', [dy, x]));
/** d erf(x)/dx = 2/√π · exp(−x²). */
export const Erf = unary('Erf', (g, dy, x) => mul(g, dy, mul(g, k(g, x, 2 / Math.sqrt(Math.PI)), g.op1('Exp', [g.op1('Neg', [mul(g, x, x)])]))));
export const Tanh = unary('Tanh', (g, dy, _x, y) => mul(g, dy, g.op1('Sub', [k(g, y, 1), mul(g, y, y)])));
export const Sigmoid = unary('Sigmoid', (g, dy, _x, y) => mul(g, dy, mul(g, y, g.op1('Sub', [k(g, y, 1), y]))));
export const Softplus = unary('Softplus', (g, dy, x) => mul(g, dy, g.op1('Sigmoid', [x])));
/** x / (1 + |x|) → 1 / (1 + |x|)². */
export const Softsign = unary('Softsign', (g, dy, x) => {
  const d = g.op1('Add', [k(g, x, 1), g.op1('Abs', [x])]);
  return g.op1('Div', [dy, mul(g, d, d)]);
});
/** Relu: the gradient is 0 at x = 0. */
export const Relu = unary('Relu', (g, dy, _x, y) => where0(g, positive(g, y), dy));
/** x < 0: alpha·(eˣ − 1), whose derivative is y + alpha; at 0 the left side's (TensorFlow: x > 0 → 1). */
export const Elu = unary('Elu', (g, dy, x, y, attrs) => g.op1('Where', [positive(g, x), dy, mul(g, dy, g.op1('Add', [y, k(g, y, attrNum(attrs, 'alpha', 1))]))]));
export const Selu = unary('Selu', (g, dy, x, y, attrs) => {
  const alpha = attrNum(attrs, 'alpha', 1.67326319217681884765625);
  const gamma = attrNum(attrs, 'gamma', 1.05070102214813232421875);
  return g.op1('Where', [positive(g, x), mul(g, dy, k(g, dy, gamma)), mul(g, dy, g.op1('Add', [y, k(g, y, alpha * gamma)]))]);
});
/** x ≤ 0 takes the slope alpha (TensorFlow: x > 0 → 1). */
export const LeakyRelu = unary('LeakyRelu', (g, dy, x, _y, attrs) => g.op1('Where', [positive(g, x), dy, mul(g, dy, k(g, dy, attrNum(attrs, 'alpha', 0.01)))]));
/** max(0, min(1, alpha·x + beta)): alpha where 0 ≤ alpha·x + beta ≤ 1 (clipByValue's inclusive bounds). */
export const HardSigmoid = unary('HardSigmoid', (g, dy, x, _y, attrs) => {
  const alpha = attrNum(attrs, 'alpha', 0.2);
  const z = g.op1('Add', [mul(g, x, k(g, x, alpha)), k(g, x, attrNum(attrs, 'beta', 0.5))]);
  const inside = g.op1('And', [g.op1('GreaterOrEqual', [z, k(g, z, 0)]), g.op1('LessOrEqual', [z, k(g, z, 1)])]);
  return where0(g, inside, mul(g, dy, k(g, dy, alpha)));
});
/** x · relu6(x + 3) / 6: 0 below −3, 1 above 3, (2x + 3)/6 between. */
export const HardSwish = unary('HardSwish', (g, dy, x) => {
  const mid = g.op1('Add', [mul(g, x, k(g, x, 1 / 3)), k(g, x, 0.5)]);
  const slope = g.op1('Where', [g.op1('Less', [x, k(g, x, -3)]), k(g, x, 0), g.op1('Where', [g.op1('Greater', [x, k(g, x, 3)]), k(g, x, 1), mid])]);
  return mul(g, dy, slope);
});
/** x · tanh(softplus(x)). */
export const Mish = unary('Mish', (g, dy, x) => {
  const t = g.op1('Tanh', [g.op1('Softplus', [x])]);
  const dt = g.op1('Sub', [k(g, t, 1), mul(g, t, t)]);
  return mul(g, dy, g.op1('Add', [t, mul(g, mul(g, x, g.op1('Sigmoid', [x])), dt)]));
});

/** Clip(x, min?, max?): the gradient passes where min ≤ x ≤ max (TensorFlow's clip_by_value). */
export const Clip = defineOp({
  type: 'Clip',
  infer: sameAsFirst,
  vjp: ({ g, node, dy }) => {
    const [x, lo, hi] = node.inputs;
    let inside: Value | undefined;
    if (lo) inside = g.op1('GreaterOrEqual', [x!, lo]);
    if (hi) {
      const below = g.op1('LessOrEqual', [x!, hi]);
      inside = inside ? g.op1('And', [inside, below]) : below;
    }
    return [inside ? where0(g, inside, dy[0]!) : dy[0], undefined, undefined];
  },
});

/** PRelu(x, slope): slope broadcasts to x (one slope per element or per shared axis); x ≤ 0 takes the slope. */
export const PRelu = defineOp({
  type: 'PRelu',
  infer: broadcasting('PRelu'),
  vjp: ({ g, node, dy, needs }) => {
    const [x, slope] = node.inputs as Value[];
    const pos = positive(g, x!);
    return [
      needs[0] ? unbroadcast(g, g.op1('Where', [pos, dy[0]!, mul(g, dy[0]!, slope!)]), x!.shape) : undefined,
      needs[1] ? unbroadcast(g, where0(g, g.op1('Not', [pos]), mul(g, dy[0]!, x!)), slope!.shape) : undefined,
    ];
  },
});

/** Sin and Cos (RandomRotation's angle): each other's derivative. */
export const Sin = unary('Sin', (g, dy, x) => mul(g, dy, g.op1('Cos', [x])));
export const Cos = unary('Cos', (g, dy, x) => g.op1('Neg', [mul(g, dy, g.op1('Sin', [x]))]));

export const mathOps: OpRule[] = [Neg, Identity, Sign, Floor, Ceil, Round, Abs, Sqrt, Reciprocal, Exp, Log, Erf, Tanh, Sigmoid, Softplus, Softsign, Relu, Elu, Selu, LeakyRelu, HardSigmoid, HardSwish, Mish, Clip, PRelu, Sin, Cos];
