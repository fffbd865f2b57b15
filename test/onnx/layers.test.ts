/**
 * Every layer type has an ONNX emitter, and each family's emitters equal tfjs predict on the
 * oracle fixtures (inference mode), with masks, go_backwards, Bidirectional merges and shared layers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activationNames } from '../../src/backends/onnx/layers/activations.js';
import { emitterTypes } from '../../src/backends/onnx/layers/index.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { LAYER_KINDS } from '../../src/layers/registry.js';
import { ACTIVATIONS } from '../../src/layers/vocabulary.js';
import { expectSameAsTfjs, makeFeeds, runOnnx, specGraph } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

describe('coverage', () => {
  it('every layer type in the registry has an ONNX emitter', () => {
    const missing = [...LAYER_KINDS.keys()].filter((t) => !emitterTypes().includes(t));
    expect(missing).toEqual([]);
    // Layer types are only ever added (47 when the ONNX engine came): none may drop out of the registry.
    expect(LAYER_KINDS.size).toBeGreaterThanOrEqual(47);
  });

  it('every activation the spec accepts has an ONNX formula', () => {
    expect(ACTIVATIONS.filter((a) => !activationNames().includes(a))).toEqual([]);
  });
});

describe('ONNX forward = tfjs predict, by family', () => {
  it('Conv1D (same, causal, dilated, channels_first), 1D pooling, masked GlobalAveragePooling1D', () =>
    expectSameAsTfjs(tf, 'test/fixtures/valid/conv_1d.yaml', { steps: 9, padIds: true }));
  it('Conv2D, Conv2DTranspose (output_padding, dilation), SeparableConv2D, DepthwiseConv2D', () => expectSameAsTfjs(tf, 'test/fixtures/valid/conv_2d.yaml', { steps: 7 }));
  it('2D pooling (same padding, channels_first) and global pooling with keepdims', () => expectSameAsTfjs(tf, 'test/fixtures/valid/pooling_2d.yaml', { steps: 9 }));
  it('ZeroPadding2D, Cropping2D, UpSampling2D nearest and bilinear', () => expectSameAsTfjs(tf, 'test/fixtures/valid/resizing_2d.yaml', { steps: 8 }));
  it('SimpleRNN, LSTM, GRU (reset_after false), go_backwards, no bias', () => expectSameAsTfjs(tf, 'test/fixtures/valid/recurrent_layers.yaml', { steps: 5 }));
  it('GRU reset_after (Keras default), in Bidirectional and TimeDistributed', () => expectSameAsTfjs(tf, 'test/fixtures/valid/recurrent_gru_reset_after.yaml'));
  it('Bidirectional concat/sum/mul/ave and TimeDistributed (Dense, LSTM)', () => expectSameAsTfjs(tf, 'test/fixtures/valid/wrappers_layers.yaml'));
  // tfjs's cpu batchNorm indexes a parameter as if it lay on the last axis, so its BatchNormalization
  // on any other axis is wrong in inference; those two layers are checked below against the same
  // normalisation on the last axis between two Permutes.
  it('BatchNormalization (inference: moving statistics) and LayerNormalization', () =>
    expectSameAsTfjs(tf, 'test/fixtures/valid/normalization_layers.yaml', {
      steps: 5,
      edits: [['outputs: [bn, bn_axis1, bn_no_center, bn_no_scale, bn_bare, bn_init,', 'outputs: [bn, bn_no_center, bn_no_scale, bn_bare,']],
    }));
  it('convolutions with an activation over the channels (softmax on Keras\'s last axis)', () =>
    expectSameAsTfjs(
      tf,
      `
nnspec: 1
name: conv_softmax
inputs:
  img: {shape: [5, 6, 3]}
  seq: {shape: [7, 4]}
layers:
  c2: {type: Conv2D, filters: 4, kernel_size: 3, padding: same, activation: softmax, inputs: img}
  c1: {type: Conv1D, filters: 5, kernel_size: 2, activation: log_softmax, inputs: seq}
  t2: {type: Conv2DTranspose, filters: 2, kernel_size: 2, strides: 2, activation: softmax, inputs: img}
  d2: {type: DepthwiseConv2D, kernel_size: 2, activation: elu, inputs: img}
outputs: [c2, c1, t2, d2]
`,
    ));
  it('BatchNormalization on a middle axis', () => expectSameAsTfjs(tf, BN_AXIS, { referenceSpec: BN_PERMUTED }));
});

const BN_AXIS = `
nnspec: 1
name: bn_axis
inputs:
  image: {shape: [4, 5, 3]}
layers:
  bn: {type: BatchNormalization, axis: 1, epsilon: 0.00001, inputs: image}
  bn2: {type: BatchNormalization, axis: -2, inputs: image}
outputs: [bn, bn2]
`;
const BN_PERMUTED = `
nnspec: 1
name: bn_axis
inputs:
  image: {shape: [4, 5, 3]}
layers:
  to_last: {type: Permute, dims: [3, 2, 1], inputs: image}
  bn: {type: BatchNormalization, epsilon: 0.00001}
  back: {type: Permute, dims: [3, 2, 1]}
  to_last2: {type: Permute, dims: [1, 3, 2], inputs: image}
  bn2: {type: BatchNormalization}
  back2: {type: Permute, dims: [1, 3, 2]}
outputs: [back, back2]
`;

const MASKED = `
nnspec: 1
name: masked
inputs:
  ids: {shape: [null], dtype: int32}
  feats: {shape: [null, 3]}
layers:
  emb: {type: Embedding, input_dim: 20, output_dim: 4, mask_zero: true, inputs: ids}
  dense: {type: Dense, units: 4, activation: tanh}
  lstm: {type: LSTM, units: 3, return_sequences: true}
  lstm_back: {type: LSTM, units: 3, go_backwards: true, return_sequences: true, inputs: emb}
  gru: {type: GRU, units: 2, inputs: lstm}
  gru_old: {type: GRU, units: 2, reset_after: false, go_backwards: true, inputs: emb}
  rnn: {type: SimpleRNN, units: 2, inputs: lstm_back}
  bi: {type: Bidirectional, layer: {type: LSTM, units: 2, return_sequences: true}, inputs: emb}
  bi_last: {type: Bidirectional, layer: {type: GRU, units: 2}, merge_mode: sum, inputs: bi}
  avg: {type: GlobalAveragePooling1D, inputs: lstm}
  masking: {type: Masking, mask_value: 0, inputs: feats}
  after_masking: {type: SimpleRNN, units: 2, return_sequences: true}
  shared_a: {type: Dense, units: 2, inputs: gru}
  shared_b: {shares: shared_a, inputs: rnn}
  cat: {type: Concatenate, inputs: [lstm, feats]}
  after_cat: {type: GRU, units: 2, reset_after: false}
outputs: [gru, gru_old, rnn, bi, bi_last, avg, after_masking, shared_a, shared_b, after_cat]
`;

describe('masks', () => {
  it('mask_zero and Masking reach recurrent layers (forwards, backwards, Bidirectional) and the masked mean', async () => {
    // Every other row of ids and of feats ends in padding (ids 0, all-zero feature vectors).
    await expectSameAsTfjs(tf, MASKED, { steps: 6, padIds: true, batch: 4 });
  });
  it('the same with ids fed as int64', () => expectSameAsTfjs(tf, MASKED, { steps: 6, padIds: true, batch: 4, intType: 'int64' }));
});

/** tfjs has no `exponential` or `leaky_relu` activation (nnspec's tfjs path cannot build them); they are checked against Keras 3's formulas. */
const WITHOUT_TFJS: Record<string, (x: number) => number> = { exponential: Math.exp, leaky_relu: (x) => (x >= 0 ? x : 0.2 * x) };

const activationSpec = (names: readonly string[]) => `
nnspec: 1
name: activations
inputs:
  x: {shape: [4, 6]}
layers:
${names.map((a) => `  a_${a}: {type: Activation, activation: ${a}, inputs: x}`).join('\n')}
outputs: [${names.map((a) => `a_${a}`).join(', ')}]
`;

describe('activation functions', () => {
  it('every activation tfjs has equals its tfjs value', () =>
    expectSameAsTfjs(tf, activationSpec(ACTIVATIONS.filter((a) => !(a in WITHOUT_TFJS))), { batch: 3 }));

  it('exponential and leaky_relu follow Keras 3', async () => {
    const graph = specGraph(activationSpec(Object.keys(WITHOUT_TFJS)));
    const feeds = makeFeeds(graph, { batch: 3 });
    const run = await runOnnx(graph, feeds, { training: false });
    const x = feeds.data.x as Float32Array;
    for (const [name, fn] of Object.entries(WITHOUT_TFJS)) {
      const y = run.outputs.get(`a_${name}`)!;
      x.forEach((v, i) => expect(Math.abs(y[i]! - fn(v))).toBeLessThan(1e-6 * (1 + Math.abs(fn(v)))));
    }
    await run.release();
  });
});
