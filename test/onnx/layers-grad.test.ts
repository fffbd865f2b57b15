/**
 * Every layer type's gradients: the ONNX forward graph differentiated by ./autodiff equals
 * tfjs's gradients (weights and float inputs) on the same weights and inputs (1e-4 relative, per element against |tfjs|
 * plus a tenth of the gradient's largest magnitude), for the oracle fixtures and the seed specs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { emitForward } from '../../src/backends/onnx/forward.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { expectSameGradients, specGraph } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

const fixture = (name: string) => `test/fixtures/valid/${name}.yaml`;

describe('ONNX gradients = tfjs gradients (inference-mode forward)', () => {
  // Masking is left out: tfjs cannot differentiate through it (no gradient for Any).
  it('core layers and merges', () =>
    expectSameGradients(tf, fixture('core_and_merges'), {
      edits: [
        ['inputs: [d1, mask, emb]', 'inputs: [d1, noise, emb]'],
      ],
    }));
  it('reshapes', () => expectSameGradients(tf, fixture('reshape_layers')));
  // tfjs cannot differentiate ReLU with a threshold (no gradient for Greater): relu_leaky is left out.
  it('activation layers', () =>
    expectSameGradients(tf, fixture('activations_layers'), { edits: [['outputs: [relu, relu6, relu_leaky,', 'outputs: [relu, relu6,']] }));
  // tfjs's average-pooling gradient divides by the whole window where its forward (and Keras)
  // leaves 'same' padding out of the count; those poolings are checked against exact values below.
  it('conv 1D and its pooling, masked mean', () =>
    expectSameGradients(tf, fixture('conv_1d'), { steps: 9, padIds: true, edits: [['pool_size: 3, strides: 1, padding: same', 'pool_size: 3, strides: 1']] }));
  it('conv 2D, transposed, separable, depthwise', () => expectSameGradients(tf, fixture('conv_2d'), { steps: 7 }));
  it('2D pooling', () => expectSameGradients(tf, fixture('pooling_2d'), { steps: 9, edits: [['gavg:        {type: GlobalAveragePooling2D, inputs: avg_same}', 'gavg:        {type: GlobalAveragePooling2D, inputs: avg_default}']] }));
  // tfjs's nearest-neighbour resize gradient is wrong past the first sample: batch 1 here, exact values below.
  it('resizing', () => expectSameGradients(tf, fixture('resizing_2d'), { steps: 8, batch: 1 }));
  it('recurrent layers', () => expectSameGradients(tf, fixture('recurrent_layers'), { steps: 5 }));
  it('GRU reset_after', () => expectSameGradients(tf, fixture('recurrent_gru_reset_after')));
  it('wrappers', () => expectSameGradients(tf, fixture('wrappers_layers')));
  // tfjs's batchNorm gradient fails without gamma or beta (BatchNormalization and LayerNormalization
  // with center or scale false), and is wrong off the last axis (see layers.test.ts).
  it('normalization (with gamma and beta; BatchNormalization on the last axis)', () =>
    expectSameGradients(tf, fixture('normalization_layers'), {
      steps: 5,
      edits: [['outputs: [bn, bn_axis1, bn_no_center, bn_no_scale, bn_bare, bn_init, ln, ln_axes, ln_unsorted, ln_no_center, ln_bare]', 'outputs: [bn, ln, ln_axes, ln_unsorted]']],
    }));
});

// A bias right before BatchNormalization in training has gradient 0 (both engines give rounding
// noise), so the Dense there has none.
describe('ONNX gradients = tfjs gradients, training mode', () => {
  it('BatchNormalization on batch statistics', () =>
    expectSameGradients(
      tf,
      `
nnspec: 1
name: bn_train
inputs:
  x: {shape: [4, 3]}
layers:
  d: {type: Dense, units: 5, use_bias: false, inputs: x}
  bn: {type: BatchNormalization, momentum: 0.9}
  y: {type: Dense, units: 2, activation: tanh}
outputs: [y]
`,
      { training: true, batch: 3 },
    ));
});

describe('recurrent seed specs whole', () => {
  it('question_answering (padded ids)', () => expectSameGradients(tf, 'specs/question_answering.yaml', { steps: 6, padIds: true }));
  it('siamese_lstm (shared LSTM)', () => expectSameGradients(tf, 'specs/siamese_lstm.yaml', { steps: 4 }));
});

describe('where tfjs\'s own gradient is wrong, the ONNX gradient is exact', () => {
  async function inputGradient(layer: string, shape: number[], probe: (i: number) => number): Promise<Float32Array> {
    const graph = specGraph(`
nnspec: 1
name: t
inputs:
  x: {shape: [${shape.slice(1).join(', ')}]}
layers:
  y: ${layer}
outputs: [y]
`);
    const g = new OnnxGraph('t');
    const f = emitForward(graph, { g, training: false, inputShapes: { x: shape } });
    const y = f.outputs.get('y')!.value;
    const weights = g.constant(Float32Array.from({ length: y.shape.reduce((a, b) => a * b, 1) }, (_, i) => probe(i)), y.shape);
    const [dx] = gradients(g, g.op1('ReduceSum', [g.op1('Mul', [y, weights])], { keepdims: 0 }), [f.inputs.get('x')!]);
    g.output(dx!, 'dx');
    const session = await createSession(g.toBytes(), { threads: 1 });
    const ort = loadOrt();
    const size = shape.reduce((a, b) => a * b, 1);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => i % 7), shape) });
    await session.release();
    return out.dx!.data as Float32Array;
  }

  it("AveragePooling2D 'same': each window divides by the positions inside the input", async () => {
    // 3x3 input, 3x3 windows, stride 1: a corner is in windows of 4, 6, 6 and 9 positions, an edge
    // in two of 4, three of 6 and one of 9, the centre in all nine (tfjs gives 4/9, 6/9 and 1).
    const dx = await inputGradient('{type: AveragePooling2D, pool_size: 3, strides: 1, padding: same, inputs: x}', [1, 3, 3, 1], () => 1);
    const corner = 1 / 4 + 2 / 6 + 1 / 9;
    const edge = 2 / 4 + 3 / 6 + 1 / 9;
    expect(dx[0]).toBeCloseTo(corner, 6);
    expect(dx[4]).toBeCloseTo(4 / 4 + 4 / 6 + 1 / 9, 6);
    expect(dx[1]).toBeCloseTo(edge, 6);
  });

  it('UpSampling2D nearest: each input position gets the sum of its block, in every sample', async () => {
    const shape = [2, 3, 4, 2];
    const dx = await inputGradient('{type: UpSampling2D, inputs: x}', shape, (i) => i);
    const expected = Array.from({ length: 48 }, (_, k) => {
      const [c, j, i, n] = [k % 2, Math.floor(k / 2) % 4, Math.floor(k / 8) % 3, Math.floor(k / 24)];
      let t = 0;
      for (const a of [0, 1]) for (const b of [0, 1]) t += n * 96 + ((2 * i + a) * 8 + 2 * j + b) * 2 + c;
      return t;
    });
    expect(Array.from(dx)).toEqual(expected);
  });
});
