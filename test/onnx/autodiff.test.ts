/**
 * The reverse-mode pass on small composite graphs: values used several times, multi-output
 * nodes, broadcasting, integer paths, what is skipped, and its internal errors.
 */
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { scalarOf } from '../../src/backends/onnx/ops/rule.js';
import { gradCheck } from './gradcheck.js';

describe('gradients() on composite graphs', () => {
  it('sums the contributions of a value used several times', async () => {
    await gradCheck({
      name: 'x·x + tanh(x)·x',
      inputs: { x: { shape: [2, 3] } },
      build: (g, { x }) => g.op1('Add', [g.op1('Mul', [x!, x!]), g.op1('Mul', [g.op1('Tanh', [x!]), x!])]),
      tf: (tf, { x }) => tf.add(tf.mul(x!, x!), tf.mul(tf.tanh(x!), x!)),
    });
  });

  it('differentiates through a multi-output Split whose outputs meet again', async () => {
    await gradCheck({
      name: 'split, gate, recombine',
      inputs: { x: { shape: [2, 6] }, w: { shape: [6, 6] } },
      build: (g, { x, w }) => {
        const h = g.op1('MatMul', [x!, w!]);
        const [a, b, c] = g.op('Split', [h, g.ints([2, 2, 2])], { axis: 1 });
        return g.op1('Concat', [g.op1('Mul', [g.op1('Sigmoid', [a!]), g.op1('Tanh', [b!])]), g.op1('Add', [c!, a!])], { axis: 1 });
      },
      tf: (tf, { x, w }) => {
        const [a, b, c] = tf.split(tf.matMul(x!, w!), 3, 1);
        return tf.concat([tf.mul(tf.sigmoid(a!), tf.tanh(b!)), tf.add(c!, a!)], 1);
      },
    });
  });

  it('handles a Dense layer with a broadcast bias and softmax cross-entropy', async () => {
    await gradCheck({
      name: 'dense + log-softmax loss',
      inputs: { x: { shape: [4, 3] }, w: { shape: [3, 5] }, b: { shape: [5] }, y: { shape: [4, 5], values: (i) => (i % 6 === 0 ? 1 : 0), grad: false } },
      build: (g, { x, w, b, y }) => {
        const logits = g.op1('Add', [g.op1('MatMul', [x!, w!]), b!]);
        const ce = g.op1('Neg', [g.op1('ReduceSum', [g.op1('Mul', [y!, g.op1('LogSoftmax', [logits], { axis: -1 })]), g.ints([1])], { keepdims: 0 })]);
        return g.op1('ReduceMean', [ce], { keepdims: 0 });
      },
      tf: (tf, { x, w, b, y }) => tf.mean(tf.neg(tf.sum(tf.mul(y!, tf.logSoftmax(tf.add(tf.matMul(x!, w!), b!))), 1))),
    });
  });

  it('a gradient with respect to an intermediate value', async () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [3]);
    const h = g.op1('Mul', [x, scalarOf(g, x, 2)]);
    const loss = g.op1('ReduceSum', [g.op1('Mul', [h, h])], { keepdims: 0 });
    const [dh, dx] = gradients(g, loss, [h, x]);
    expect(dh!.shape).toEqual([3]);
    expect(dx!.shape).toEqual([3]);
  });

  it('gives undefined for a value the loss does not depend on, and skips branches that do not reach the loss', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [3]);
    const unused = g.input('u', [3]);
    // ArgMax has no VJP: a branch that does not reach the loss must not ask for it.
    g.op1('ArgMax', [x], { keepdims: 0 });
    const loss = g.op1('ReduceSum', [x], { keepdims: 0 });
    const [dx, du] = gradients(g, loss, [x, unused]);
    expect(dx).toBeDefined();
    expect(du).toBeUndefined();
  });

  it('no gradient flows along integer paths (Shape, indices) or into constants', () => {
    const g = new OnnxGraph('t');
    const table = g.input('table', [5, 2]);
    const ids = g.input('ids', [3], 'int64');
    const rows = g.op1('Gather', [table, ids], { axis: 0 });
    const flat = g.op1('Reshape', [rows, g.op1('Shape', [g.op1('Flatten', [rows], { axis: 0 })], { start: 1 })]);
    const loss = g.op1('ReduceSum', [flat], { keepdims: 0 });
    const before = g.nodes.length;
    const [dt, di] = gradients(g, loss, [table, ids]);
    expect(dt!.shape).toEqual([5, 2]);
    expect(di).toBeUndefined();
    // No rule was asked about Shape's int64 input: the backward graph never reads it.
    expect(g.nodes.slice(before).some((n) => n.type === 'Shape')).toBe(false);
  });

  it('names the op when a needed gradient rule is missing', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [3, 4]);
    // A bool mask's Where has a VJP; MaxUnpool (a gradient building block) has none.
    const idx = g.input('i', [3, 4], 'int64');
    const loss = g.op1('ReduceSum', [g.op1('MaxUnpool', [x, idx, g.ints([3, 8])], { kernel_shape: [2] })], { keepdims: 0 });
    expect(() => gradients(g, loss, [x])).toThrow(/no gradient rule for ONNX MaxUnpool \(node n_MaxUnpool_\d+\), needed for input 0 \(x\)/);
  });

  it('gradient rules never give Pad an axes input (ONNX Runtime 1.30\'s transpose optimizer breaks on it)', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [2, 3, 6]);
    const y = g.op1('Pad', [g.op1('Slice', [x, g.ints([1]), g.ints([6]), g.ints([2]), g.ints([2])]), g.ints([0, 0, 2, 0, 0, 1])], { mode: 'reflect' });
    const before = g.nodes.length;
    gradients(g, g.op1('ReduceSum', [g.op1('Mul', [y, y])], { keepdims: 0 }), [x]);
    const pads = g.nodes.slice(before).filter((n) => n.type === 'Pad');
    expect(pads.length).toBeGreaterThan(0);
    for (const p of pads) expect(p.inputs[3], p.name).toBeUndefined();
  });

  it('refuses a loss that is not one number', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [3]);
    expect(() => gradients(g, x, [x])).toThrow(/the loss must hold one number/);
  });
});
