/**
 * The op rules' shape rules on example tables, their errors, and the registry: every op either
 * has a VJP or is listed here as carrying no gradient on purpose (an op added with a shape rule
 * only fails this test until its VJP is written or it is listed).
 */
import { describe, expect, it } from 'vitest';
import { OnnxGraph, type Attrs, type Value } from '../../src/backends/onnx/graph.js';
import { opRule, opTypes } from '../../src/backends/onnx/ops/index.js';
import type { ElemType } from '../../src/backends/onnx/proto.js';

/** A graph input [shape, dtype?], int64 constant { ints }, float constant { floats }, or null (omitted). */
type In = number[] | [number[], ElemType] | { ints: number[] } | { floats: number[] } | null;

function build(g: OnnxGraph, spec: In, i: number): Value | undefined {
  if (spec === null) return undefined;
  if (!Array.isArray(spec)) return 'ints' in spec ? g.ints(spec.ints) : g.constant(Float32Array.from(spec.floats), [spec.floats.length]);
  const [shape, dtype] = Array.isArray(spec[0]) ? (spec as [number[], ElemType]) : [spec as number[], 'float32' as ElemType];
  return g.input(`x${i}`, shape, dtype);
}

function shapes(type: string, inputs: In[], attrs: Attrs = {}): string[] {
  const g = new OnnxGraph('t');
  return g.op(type, inputs.map((s, i) => build(g, s, i)), attrs).map((v) => `${v.dtype === 'float32' ? '' : `${v.dtype} `}[${v.shape.join(',')}]`);
}

const TABLE: [string, In[], Attrs, string[]][] = [
  ['Add', [[2, 3, 4], [3, 1]], {}, ['[2,3,4]']],
  ['Mul', [[4], []], {}, ['[4]']],
  ['Pow', [[2, 1], [1, 5]], {}, ['[2,5]']],
  ['Max', [[3], [2, 1], [1]], {}, ['[2,3]']],
  ['Sum', [[3], [2, 3]], {}, ['[2,3]']],
  ['Where', [[[2, 1], 'bool'], [3], []], {}, ['[2,3]']],
  ['Greater', [[2, 3], []], {}, ['bool [2,3]']],
  ['Not', [[[4], 'bool']], {}, ['bool [4]']],
  ['Cast', [[[2, 3], 'int64']], { to: 1 }, ['[2,3]']],
  ['Cast', [[2, 3]], { to: 7 }, ['int64 [2,3]']],
  ['Relu', [[2, 3]], {}, ['[2,3]']],
  ['PRelu', [[2, 4, 3], [1, 3]], {}, ['[2,4,3]']],
  ['Clip', [[5], null, { floats: [1] }], {}, ['[5]']],
  ['Softmax', [[2, 3]], { axis: 0 }, ['[2,3]']],
  ['MatMul', [[2, 3, 4], [4, 5]], {}, ['[2,3,5]']],
  ['MatMul', [[1, 3, 4], [6, 4, 5]], {}, ['[6,3,5]']],
  ['Gemm', [[4, 3], [5, 4], [5]], { transA: 1, transB: 1 }, ['[3,5]']],
  ['ReduceSum', [[2, 3, 4], { ints: [1] }], { keepdims: 0 }, ['[2,4]']],
  ['ReduceSum', [[2, 3, 4]], {}, ['[1,1,1]']],
  ['ReduceMean', [[2, 3, 4], { ints: [-1, 0] }], {}, ['[1,3,1]']],
  ['ReduceMax', [[2, 3, 4], { ints: [] }], { keepdims: 0 }, ['[]']],
  ['ArgMax', [[2, 3, 4]], { axis: -1, keepdims: 0 }, ['int64 [2,3]']],
  ['CumSum', [[2, 3], { ints: [1] }], {}, ['[2,3]']],
  ['Reshape', [[2, 3, 4], { ints: [0, -1] }], {}, ['[2,12]']],
  ['Flatten', [[2, 3, 4]], {}, ['[2,12]']],
  ['Flatten', [[2, 3, 4]], { axis: 0 }, ['[1,24]']],
  ['Squeeze', [[2, 1, 3, 1]], {}, ['[2,3]']],
  ['Squeeze', [[2, 1, 3, 1], { ints: [-1] }], {}, ['[2,1,3]']],
  ['Unsqueeze', [[2, 3], { ints: [0, -1] }], {}, ['[1,2,3,1]']],
  ['Transpose', [[2, 3, 4]], { perm: [2, 0, 1] }, ['[4,2,3]']],
  ['Transpose', [[2, 3, 4]], {}, ['[4,3,2]']],
  ['Expand', [[3, 1], { ints: [2, 1, 4] }], {}, ['[2,3,4]']],
  ['Tile', [[2, 3], { ints: [3, 2] }], {}, ['[6,6]']],
  ['Concat', [[2, 1], [2, 3]], { axis: -1 }, ['[2,4]']],
  ['Split', [[2, 6], { ints: [1, 5] }], { axis: 1 }, ['[2,1]', '[2,5]']],
  ['Split', [[7, 2]], { num_outputs: 3 }, ['[3,2]', '[3,2]', '[1,2]']],
  ['Slice', [[5, 6], { ints: [1, -1] }, { ints: [100, 0] }, { ints: [0, 1] }, { ints: [2, -2] }], {}, ['[2,3]']],
  ['Slice', [[5], { ints: [-1] }, { ints: [Number.MIN_SAFE_INTEGER] }, { ints: [0] }, { ints: [-1] }], {}, ['[5]']],
  ['Pad', [[2, 3], { ints: [0, 1, 2, 0] }], { mode: 'reflect' }, ['[4,4]']],
  ['Pad', [[2, 3, 4], { ints: [1, -1] }, null, { ints: [2] }], {}, ['[2,3,4]']],
  ['Shape', [[2, 3, 4]], { start: 1 }, ['int64 [2]']],
  ['ConstantOfShape', [{ ints: [2, 5] }], {}, ['[2,5]']],
  ['Gather', [[10, 4], [[2, 3], 'int64']], {}, ['[2,3,4]']],
  ['Gather', [[3, 5, 2], [[], 'int64']], { axis: 1 }, ['[3,2]']],
  ['GatherElements', [[2, 4], [[2, 3], 'int64']], { axis: 1 }, ['[2,3]']],
  ['ScatterND', [[10, 4], [[3, 1], 'int64'], [3, 4]], { reduction: 'add' }, ['[10,4]']],
  ['Conv', [[2, 3, 5, 5], [4, 3, 3, 3]], { pads: [1, 1, 1, 1] }, ['[2,4,5,5]']],
  ['Conv', [[2, 3, 6, 6], [4, 3, 3, 3]], { strides: [2, 2] }, ['[2,4,2,2]']],
  ['Conv', [[2, 3, 5, 5], [4, 3, 3, 3]], { strides: [2, 2], auto_pad: 'SAME_UPPER' }, ['[2,4,3,3]']],
  ['Conv', [[2, 4, 7], [8, 1, 3]], { group: 4, dilations: [2] }, ['[2,8,3]']],
  ['ConvTranspose', [[2, 3, 3, 3], [3, 2, 3, 3]], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, ['[2,2,6,6]']],
  ['ConvTranspose', [[1, 4, 3], [4, 1, 2]], { group: 2 }, ['[1,2,4]']],
  ['MaxPool', [[2, 3, 5, 5]], { kernel_shape: [2, 2], strides: [2, 2] }, ['[2,3,2,2]', 'int64 [2,3,2,2]']],
  ['MaxPool', [[2, 3, 5, 5]], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, ['[2,3,3,3]', 'int64 [2,3,3,3]']],
  ['AveragePool', [[1, 2, 6, 6]], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, ['[1,2,3,3]']],
  ['GlobalAveragePool', [[2, 3, 4, 5]], {}, ['[2,3,1,1]']],
  ['MaxUnpool', [[1, 2, 2, 2], [[1, 2, 2, 2], 'int64'], { ints: [1, 2, 5, 5] }], { kernel_shape: [2, 2], strides: [2, 2] }, ['[1,2,5,5]']],
  ['Resize', [[1, 2, 3, 4], null, { floats: [1, 1, 2, 2] }], { mode: 'nearest' }, ['[1,2,6,8]']],
  ['Resize', [[1, 2, 3, 4], null, null, { ints: [1, 2, 5, 7] }], { mode: 'linear' }, ['[1,2,5,7]']],
  ['Dropout', [[2, 3]], {}, ['[2,3]', 'bool [2,3]']],
  ['RandomUniformLike', [[2, 3]], { dtype: 1 }, ['[2,3]']],
];

describe('shape rules', () => {
  for (const [type, inputs, attrs, want] of TABLE) {
    it(`${type}(${inputs.map((s) => JSON.stringify(s)).join(', ')}) ${JSON.stringify(attrs)}`, () => expect(shapes(type, inputs, attrs)).toEqual(want));
  }

  it.each<[string, In[], Attrs, RegExp]>([
    ['Add', [[2, 3], [4]], {}, /ONNX Add: shapes do not broadcast; inputs x0\[2,3\], x1\[4\]/],
    ['MatMul', [[2, 3], [4, 5]], {}, /ONNX MatMul: inner dimensions differ/],
    ['Reshape', [[2, 3], { ints: [4, -1] }], {}, /cannot reshape to \[4,-1\]/],
    ['Concat', [[2, 3], [3, 3]], { axis: 1 }, /shapes differ off axis 1/],
    ['Squeeze', [[2, 3], { ints: [0] }], {}, /axes \[0\] are not all of size 1/],
    ['Split', [[2, 6], { ints: [1, 2] }], { axis: 1 }, /split sizes must be given \(or num_outputs\) and sum to the axis size/],
    ['Expand', [[3], { ints: [2, 4] }], {}, /cannot expand to \[2,4\]/],
    ['Conv', [[2, 3, 5, 5], [4, 2, 3, 3]], {}, /kernel channels times group must equal the input channels/],
    ['Conv', [[1, 1, 2, 2], [1, 1, 3, 3]], {}, /empty output/],
    ['MaxPool', [[1, 1, 4, 4]], { kernel_shape: [2] }, /kernel_shape must name every spatial axis/],
    ['ConvTranspose', [[1, 2, 3, 3], [2, 1, 3, 3]], { output_shape: [6, 6] }, /explicit pads and output_padding only/],
    ['Resize', [[1, 2, 3, 4], null, { floats: [1, 1, 2, 2] }, { ints: [1, 2, 6, 8] }], {}, /give exactly one of scales and sizes/],
  ])('%s refuses %j %j', (type, inputs, attrs, message) => {
    expect(() => shapes(type, inputs, attrs)).toThrow(message);
  });
});

/** Ops that carry no gradient on purpose: bool/int results, constants, and gradient building blocks. */
const NO_GRADIENT = new Set([
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Equal',
  'And',
  'Or',
  'Xor',
  'Not',
  'IsNaN',
  'IsInf',
  'ArgMax',
  'ArgMin',
  'Shape',
  'ConstantOfShape',
  'ScatterND',
  'ScatterElements',
  'MaxUnpool',
]);

describe('the op registry', () => {
  it('every op has a VJP or is listed as carrying no gradient', () => {
    const missing = opTypes().filter((t) => !opRule(t)!.vjp && !NO_GRADIENT.has(t));
    expect(missing).toEqual([]);
    for (const t of NO_GRADIENT) if (opRule(t)) expect(opRule(t)!.vjp, t).toBeUndefined();
  });

  it('covers the ops the layer emitters, objective and optimizers use', () => {
    const needed = 'Add Sub Mul Div Neg Pow Sqrt Reciprocal Exp Log Abs Sign Tanh Sigmoid Softplus Softsign Elu Selu LeakyRelu HardSigmoid Relu Clip Min Max Erf Softmax LogSoftmax MatMul Gemm Transpose ReduceSum ReduceMean ReduceMax ReduceMin ReduceL2 Reshape Flatten Squeeze Unsqueeze Concat Split Slice Gather Tile Expand Pad Cast Identity Where Conv ConvTranspose MaxPool AveragePool GlobalAveragePool GlobalMaxPool Resize RandomUniformLike RandomNormalLike Dropout CumSum';
    expect(needed.split(' ').filter((t) => !opRule(t)?.vjp)).toEqual([]);
  });
});
