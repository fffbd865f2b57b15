/**
 * VJPs of the elementwise rules (ops/elementwise.ts, math.ts, logic.ts' Cast, softmax.ts): finite
 * differences and TensorFlow.js cpu on random inputs (test/onnx/gradcheck.ts). Inputs of functions
 * with a kink stay away from it.
 */
import { describe, it } from 'vitest';
import type { OnnxGraph, Value } from '../../src/backends/onnx/graph.js';
import { scalarOf } from '../../src/backends/onnx/ops/rule.js';
import { away, distinct, gradCheck, type GradCase } from './gradcheck.js';

const bin = (type: string) => (g: OnnxGraph, x: Record<string, Value>) => g.op1(type, [x.a!, x.b!]);
const un =
  (type: string, attrs: Record<string, number | { float: number }> = {}) =>
  (g: OnnxGraph, x: Record<string, Value>) =>
    g.op1(type, [x.x!], attrs);
const positive = (_i: number, rnd: () => number) => 0.3 + rnd();
const X = (values?: GradCase['inputs'][string]['values'], shape = [2, 3, 4]) => ({ x: { shape, values } });

const CASES: GradCase[] = [
  { name: 'Add broadcast', inputs: { a: { shape: [2, 3, 4] }, b: { shape: [3, 1] } }, build: bin('Add'), tf: (tf, x) => tf.add(x.a!, x.b!) },
  { name: 'Add same value twice', inputs: { a: { shape: [3] } }, build: (g, x) => g.op1('Add', [x.a!, x.a!]), tf: (tf, x) => tf.add(x.a!, x.a!) },
  { name: 'Sub broadcast', inputs: { a: { shape: [4] }, b: { shape: [2, 3, 4] } }, build: bin('Sub'), tf: (tf, x) => tf.sub(x.a!, x.b!) },
  { name: 'Mul broadcast', inputs: { a: { shape: [2, 1, 4] }, b: { shape: [3, 1] } }, build: bin('Mul'), tf: (tf, x) => tf.mul(x.a!, x.b!) },
  { name: 'Div broadcast', inputs: { a: { shape: [2, 3] }, b: { shape: [3], values: positive } }, build: bin('Div'), tf: (tf, x) => tf.div(x.a!, x.b!) },
  { name: 'Pow', inputs: { a: { shape: [2, 3], values: positive }, b: { shape: [2, 3] } }, build: bin('Pow'), tf: (tf, x) => tf.pow(x.a!, x.b!) },
  { name: 'Pow by a constant exponent', inputs: { a: { shape: [5], values: away(0.2) }, b: { shape: [], values: [2], grad: false } }, build: bin('Pow'), tf: (tf, x) => tf.pow(x.a!, x.b!) },
  { name: 'Max', inputs: { a: { shape: [2, 3], values: distinct(6) }, b: { shape: [3], values: [0.05, -0.3, 0.41] } }, build: bin('Max'), tf: (tf, x) => tf.maximum(x.a!, tf.broadcastTo(x.b!, [2, 3])) },
  { name: 'Min', inputs: { a: { shape: [2, 3], values: distinct(6) }, b: { shape: [3], values: [0.05, -0.3, 0.41] } }, build: bin('Min'), tf: (tf, x) => tf.minimum(x.a!, tf.broadcastTo(x.b!, [2, 3])) },
  {
    name: 'Max of three',
    inputs: { a: { shape: [4], values: [0.1, 0.5, -0.2, 0.9] }, b: { shape: [4], values: [0.3, -0.1, 0.7, 0.2] }, c: { shape: [4], values: [-0.4, 0.2, 0.6, 0.95] } },
    build: (g, x) => g.op1('Max', [x.a!, x.b!, x.c!]),
    tf: (tf, x) => tf.maximum(tf.maximum(x.a!, x.b!), x.c!),
  },
  {
    name: 'Sum of three',
    inputs: { a: { shape: [2, 3] }, b: { shape: [3] }, c: { shape: [2, 1] } },
    build: (g, x) => g.op1('Sum', [x.a!, x.b!, x.c!]),
    tf: (tf, x) => tf.add(tf.add(x.a!, x.b!), x.c!),
  },
  {
    name: 'Mean of two',
    inputs: { a: { shape: [2, 3] }, b: { shape: [3] } },
    dtype: 'float32', // ONNX Runtime has no float64 Mean
    build: (g, x) => g.op1('Mean', [x.a!, x.b!]),
    tf: (tf, x) => tf.div(tf.add(x.a!, x.b!), 2),
  },
  {
    name: 'Where',
    inputs: { c: { shape: [2, 3], grad: false }, a: { shape: [2, 3] }, b: { shape: [2, 3] } },
    build: (g, x) => g.op1('Where', [g.op1('Greater', [x.c!, scalarOf(g, x.c!, 0)]), x.a!, x.b!]),
    tf: (tf, x) => tf.where(tf.greater(x.c!, 0), x.a!, x.b!),
  },
  {
    name: 'Where broadcast',
    inputs: { c: { shape: [3], grad: false }, a: { shape: [2, 3] }, b: { shape: [] } },
    build: (g, x) => g.op1('Where', [g.op1('Greater', [x.c!, scalarOf(g, x.c!, 0)]), x.a!, x.b!]),
  },
  // Unary math and activations.
  { name: 'Neg', inputs: X(), build: un('Neg'), tf: (tf, x) => tf.neg(x.x!) },
  { name: 'Identity', inputs: X(), build: un('Identity'), tf: (_tf, x) => x.x!.clone() },
  { name: 'Abs', inputs: X(away()), build: un('Abs'), tf: (tf, x) => tf.abs(x.x!) },
  { name: 'Sign', inputs: X(away()), build: un('Sign'), tf: (tf, x) => tf.sign(x.x!) },
  { name: 'Floor', inputs: X((i) => (i % 7) / 3 + 0.1), build: un('Floor'), tf: (tf, x) => tf.floor(x.x!) },
  { name: 'Sqrt', inputs: X(positive), build: un('Sqrt'), tf: (tf, x) => tf.sqrt(x.x!) },
  { name: 'Reciprocal', inputs: X(away(0.3)), build: un('Reciprocal'), tf: (tf, x) => tf.reciprocal(x.x!) },
  { name: 'Exp', inputs: X(), build: un('Exp'), tf: (tf, x) => tf.exp(x.x!) },
  { name: 'Log', inputs: X(positive), build: un('Log'), tf: (tf, x) => tf.log(x.x!) },
  { name: 'Erf', inputs: X(), build: un('Erf'), tf: (tf, x) => tf.erf(x.x!), dtype: 'float32' },
  { name: 'Tanh', inputs: X(), build: un('Tanh'), tf: (tf, x) => tf.tanh(x.x!) },
  { name: 'Sigmoid', inputs: X(), build: un('Sigmoid'), tf: (tf, x) => tf.sigmoid(x.x!) },
  { name: 'Softplus', inputs: X(), build: un('Softplus'), tf: (tf, x) => tf.softplus(x.x!) },
  { name: 'Softsign', inputs: X(away()), build: un('Softsign'), tf: (tf, x) => tf.div(x.x!, tf.add(tf.abs(x.x!), 1)) },
  { name: 'Relu', inputs: X(away()), build: un('Relu'), tf: (tf, x) => tf.relu(x.x!) },
  { name: 'Elu', inputs: X(away()), build: un('Elu'), tf: (tf, x) => tf.elu(x.x!) },
  { name: 'Elu alpha 0.5', inputs: X(away()), build: un('Elu', { alpha: 0.5 }), tf: (tf, x) => tf.add(tf.relu(x.x!), tf.mul(0.5, tf.sub(tf.exp(tf.minimum(x.x!, 0)), 1))) },
  { name: 'Selu', inputs: X(away()), build: un('Selu'), tf: (tf, x) => tf.selu(x.x!) },
  { name: 'LeakyRelu', inputs: X(away()), build: un('LeakyRelu', { alpha: 0.3 }), tf: (tf, x) => tf.leakyRelu(x.x!, 0.3) },
  {
    name: 'HardSigmoid',
    inputs: X((i) => -4 + (8 * ((i * 5) % 24)) / 23 + 0.01),
    build: un('HardSigmoid', { alpha: 0.2, beta: 0.5 }),
    tf: (tf, x) => tf.clipByValue(tf.add(tf.mul(x.x!, 0.2), 0.5), 0, 1),
  },
  {
    name: 'HardSwish',
    inputs: X((i) => -5 + (10 * ((i * 5) % 24)) / 23 + 0.01),
    build: un('HardSwish'),
    tf: (tf, x) => tf.mul(x.x!, tf.div(tf.relu6(tf.add(x.x!, 3)), 6)),
  },
  { name: 'Mish', inputs: X((_i, r) => 4 * r() - 2), build: un('Mish'), dtype: 'float32', /* ORT fuses x·sigmoid(x) into a float32-only QuickGelu */ tf: (tf, x) => tf.mul(x.x!, tf.tanh(tf.softplus(x.x!))) },
  {
    name: 'Clip',
    inputs: X((i) => -1 + (2 * ((i * 5) % 24)) / 23 + 0.013),
    build: (g, x) => g.op1('Clip', [x.x!, scalarOf(g, x.x!, -0.5), scalarOf(g, x.x!, 0.5)]),
    tf: (tf, x) => tf.clipByValue(x.x!, -0.5, 0.5),
  },
  {
    name: 'Clip above only',
    inputs: X((i) => -1 + (2 * ((i * 5) % 24)) / 23 + 0.013),
    build: (g, x) => g.op1('Clip', [x.x!, undefined, scalarOf(g, x.x!, 0.5)]),
    tf: (tf, x) => tf.minimum(x.x!, 0.5),
  },
  {
    name: 'PRelu (learned slope per channel)',
    inputs: { x: { shape: [2, 4, 3], values: away() }, slope: { shape: [1, 3] } },
    build: (g, x) => g.op1('PRelu', [x.x!, x.slope!]),
    tf: (tf, x) => tf.prelu(x.x!, x.slope!),
  },
  {
    name: 'Cast float32 → float64 → float32',
    inputs: X(),
    dtype: 'float32',
    build: (g, x) => g.op1('Cast', [g.op1('Mul', [g.op1('Cast', [x.x!], { to: 11 }), g.constant(Float64Array.of(3), [])])], { to: 1 }),
    tf: (tf, x) => tf.mul(x.x!, 3),
  },
  { name: 'Softmax last axis', inputs: X(), build: un('Softmax', { axis: -1 }), tf: (tf, x) => tf.softmax(x.x!) },
  { name: 'Softmax axis 1', inputs: X(), build: un('Softmax', { axis: 1 }), tf: (tf, x) => tf.transpose(tf.softmax(tf.transpose(x.x!, [0, 2, 1])), [0, 2, 1]) },
  { name: 'LogSoftmax last axis', inputs: X(), build: un('LogSoftmax', { axis: -1 }), tf: (tf, x) => tf.logSoftmax(x.x!) },
  { name: 'LogSoftmax axis 0', inputs: X(undefined, [3, 2]), build: un('LogSoftmax', { axis: 0 }), tf: (tf, x) => tf.transpose(tf.logSoftmax(tf.transpose(x.x!))) },
];

describe('elementwise, math and softmax VJPs', () => {
  for (const c of CASES) it(c.name, async () => void (await gradCheck(c)));
});
