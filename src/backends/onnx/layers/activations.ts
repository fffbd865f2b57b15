/**
 * Activation functions by Keras name (used by every layer with an `activation:`), and the
 * activation layers ReLU, LeakyReLU, PReLU, ELU and Softmax. Formulas are those of nnspec's tfjs
 * path (src/layers/activations*.ts and tfjs's activations), which are Keras's except where noted.
 */
import type { OnnxGraph, Value } from '../graph.js';
import { f } from './common.js';
import type { Flow, LayerEmitter } from './emitter.js';

type Activation = (g: OnnxGraph, x: Value) => Value;

const sigmoidTimes = (g: OnnxGraph, x: Value) => g.op1('Mul', [x, g.op1('Sigmoid', [x])]);

const ACTIVATIONS: Record<string, Activation> = {
  linear: (_g, x) => x,
  relu: (g, x) => g.op1('Relu', [x]),
  relu6: (g, x) => g.op1('Clip', [x, g.scalar(0), g.scalar(6)]),
  sigmoid: (g, x) => g.op1('Sigmoid', [x]),
  // Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1) (Keras 2 and tfjs had slope 0.2).
  hard_sigmoid: (g, x) => g.op1('HardSigmoid', [x], { alpha: f(1 / 6), beta: f(0.5) }),
  softmax: (g, x) => g.op1('Softmax', [x], { axis: -1 }),
  softplus: (g, x) => g.op1('Softplus', [x]),
  softsign: (g, x) => g.op1('Softsign', [x]),
  tanh: (g, x) => g.op1('Tanh', [x]),
  elu: (g, x) => g.op1('Elu', [x], { alpha: f(1) }),
  selu: (g, x) => g.op1('Selu', [x], { alpha: f(1.6732632423543772), gamma: f(1.0507009873554805) }),
  // Keras 3 default (approximate=False) and tfjs: x Φ(x) with the exact normal CDF.
  gelu: (g, x) => g.op1('Mul', [g.op1('Mul', [x, g.scalar(0.5)]), g.op1('Add', [g.scalar(1), g.op1('Erf', [g.op1('Mul', [x, g.scalar(Math.SQRT1_2)])])])]),
  swish: sigmoidTimes,
  silu: sigmoidTimes,
  mish: (g, x) => g.op1('Mul', [x, g.op1('Tanh', [g.op1('Softplus', [x])])]),
  // Keras 3 formulas (nnspec's tfjs engine supplies both; tfjs has neither name).
  exponential: (g, x) => g.op1('Exp', [x]),
  leaky_relu: (g, x) => g.op1('LeakyRelu', [x], { alpha: f(0.2) }),
  log_softmax: (g, x) => g.op1('LogSoftmax', [x], { axis: -1 }),
  // Keras 3's newer activations, with their default arguments (src/backends/tfjs/layers/activation-functions.ts has the same formulas).
  gelu_approximate: (g, x) => {
    const cube = g.op1('Mul', [x, g.op1('Mul', [x, x])]);
    const inner = g.op1('Mul', [g.scalar(Math.sqrt(2 / Math.PI)), g.op1('Add', [x, g.op1('Mul', [g.scalar(0.044715), cube])])]);
    return g.op1('Mul', [g.op1('Mul', [x, g.scalar(0.5)]), g.op1('Add', [g.scalar(1), g.op1('Tanh', [inner])])]);
  },
  // x * relu6(x + 3) / 6: ONNX HardSwish is exactly Keras 3's hard_silu.
  hard_silu: (g, x) => g.op1('HardSwish', [x]),
  hard_swish: (g, x) => g.op1('HardSwish', [x]),
  celu: (g, x) => g.op1('Add', [g.op1('Relu', [x]), g.op1('Sub', [g.op1('Exp', [g.op1('Neg', [g.op1('Relu', [g.op1('Neg', [x])])])]), g.scalar(1)])]),
  hard_tanh: (g, x) => g.op1('Clip', [x, g.scalar(-1), g.scalar(1)]),
  log_sigmoid: (g, x) => g.op1('Neg', [g.op1('Softplus', [g.op1('Neg', [x])])]),
  soft_shrink: (g, x) => g.op1('Sub', [g.op1('Relu', [g.op1('Sub', [x, g.scalar(0.5)])]), g.op1('Relu', [g.op1('Sub', [g.op1('Neg', [x]), g.scalar(0.5)])])]),
  hard_shrink: (g, x) => g.op1('Mul', [x, g.op1('Cast', [g.op1('Greater', [g.op1('Abs', [x]), g.scalar(0.5)])], { to: 1 })]),
  tanh_shrink: (g, x) => g.op1('Sub', [x, g.op1('Tanh', [x])]),
  squareplus: (g, x) => g.op1('Mul', [g.op1('Add', [x, g.op1('Sqrt', [g.op1('Add', [g.op1('Mul', [x, x]), g.scalar(4)])])]), g.scalar(0.5)]),
  sparse_plus: (g, x) => {
    const c = g.op1('Add', [g.op1('Clip', [x, g.scalar(-1), g.scalar(1)]), g.scalar(1)]);
    return g.op1('Add', [g.op1('Mul', [g.op1('Mul', [c, c]), g.scalar(0.25)]), g.op1('Relu', [g.op1('Sub', [x, g.scalar(1)])])]);
  },
  sparse_sigmoid: (g, x) => g.op1('Mul', [g.op1('Add', [g.op1('Clip', [x, g.scalar(-1), g.scalar(1)]), g.scalar(1)]), g.scalar(0.5)]),
  sparsemax,
};

/** Sparsemax over the last axis, by the sort-free support test (see sparsemax in the tfjs engine's activation-functions.ts). */
function sparsemax(g: OnnxGraph, z: Value): Value {
  const r = z.shape.length;
  const zi = g.op1('Unsqueeze', [z, g.ints([r])]);
  const zj = g.op1('Unsqueeze', [z, g.ints([r - 1])]);
  const atLeast = g.op1('Cast', [g.op1('GreaterOrEqual', [zj, zi])], { to: 1 });
  const k = g.op1('ReduceSum', [atLeast, g.ints([r])], { keepdims: 0 });
  const s = g.op1('ReduceSum', [g.op1('Mul', [atLeast, zj]), g.ints([r])], { keepdims: 0 });
  const support = g.op1('Cast', [g.op1('Greater', [g.op1('Add', [g.scalar(1), g.op1('Mul', [k, z])]), s])], { to: 1 });
  const total = g.op1('ReduceSum', [g.op1('Mul', [support, z]), g.ints([r - 1])], { keepdims: 1 });
  const tau = g.op1('Div', [g.op1('Sub', [total, g.scalar(1)]), g.op1('ReduceSum', [support, g.ints([r - 1])], { keepdims: 1 })]);
  return g.op1('Relu', [g.op1('Sub', [z, tau])]);
}

export function activationNames(): string[] {
  return Object.keys(ACTIVATIONS);
}

/** `name` applied to x; null means linear (Keras's None). */
export function activate(g: OnnxGraph, x: Value, name: string | null | undefined): Value {
  if (name === null || name === undefined) return x;
  const fn = ACTIVATIONS[name];
  if (!fn) throw new Error(`internal: no ONNX emitter for activation '${name}'`);
  return fn(g, x);
}

/** A shape-preserving layer keeps its input's mask (Keras supports_masking). */
const keep = (input: Flow, value: Value): Flow[] => [{ value, ...(input.mask ? { mask: input.mask } : {}) }];

/** Keras relu(x, negative_slope, max_value, threshold). */
const ReLU: LayerEmitter = (c, [x], { g }) => {
  const threshold = c.threshold as number;
  const slope = c.negative_slope as number;
  const maxValue = c.max_value as number | null;
  const v = x!.value;
  let y = threshold === 0 ? g.op1('Relu', [v]) : g.op1('Where', [g.op1('Greater', [v, g.scalar(threshold)]), v, g.scalar(0)]);
  if (maxValue !== null) y = g.op1('Clip', [y, g.scalar(0), g.scalar(maxValue)]);
  if (slope !== 0) y = g.op1('Sub', [y, g.op1('Mul', [g.scalar(slope), g.op1('Relu', [g.op1('Sub', [g.scalar(threshold), v])])])]);
  return keep(x!, y);
};

const LeakyReLU: LayerEmitter = (c, [x], { g }) => keep(x!, g.op1('LeakyRelu', [x!.value], { alpha: f(c.negative_slope as number) }));

/** x where x >= 0, alpha * x below; alpha [...input without batch] with 1 on shared axes. */
const PReLU: LayerEmitter = (_c, [x], { g, weight }) => {
  const v = x!.value;
  return keep(x!, g.op1('Where', [g.op1('Less', [v, g.scalar(0)]), g.op1('Mul', [v, weight('alpha')]), v]));
};

const ELU: LayerEmitter = (c, [x], { g }) => keep(x!, g.op1('Elu', [x!.value], { alpha: f(c.alpha as number) }));

/** One axis: ONNX Softmax; several: exp(x - max) normalised over all of them jointly. */
const Softmax: LayerEmitter = (c, [x], { g }) => {
  const v = x!.value;
  const axes = (typeof c.axis === 'number' ? [c.axis] : (c.axis as number[])).map((a) => (a < 0 ? a + v.shape.length : a));
  if (axes.length === 1) return keep(x!, g.op1('Softmax', [v], { axis: axes[0]! }));
  const shifted = g.op1('Sub', [v, g.op1('ReduceMax', [v, g.ints(axes)], { keepdims: 1 })]);
  const e = g.op1('Exp', [shifted]);
  return keep(x!, g.op1('Div', [e, g.op1('ReduceSum', [e, g.ints(axes)], { keepdims: 1 })]));
};

export const activationEmitters: Record<string, LayerEmitter> = { ReLU, LeakyReLU, PReLU, ELU, Softmax };
