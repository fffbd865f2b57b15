/**
 * The attention layers on both engines: the ONNX forward graph and its gradients equal tfjs cpu's
 * on the same random weights and inputs (padded ids give masks from mask_zero). Both against
 * Keras's formula in NumPy: attention-reference.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { buildModel } from '../../src/backends/tfjs/build.js';
import { compareGradients, expectSameAsTfjs, makeFeeds, randomizeWeights, specGraph, type OracleOptions } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});


/**
 * Attention's learned scale is tried on [emb, emb]: over [emb, mha] with these random weights its
 * gradient is ~1e-4 of the others (tiny scores), and a scalar's relative float32 rounding there is
 * 1e-3; attention-reference.test.ts checks that case against NumPy float64 at 1e-5.
 */
const SELF = `
nnspec: 1
name: mha_self
inputs:
  ids: {shape: [null], dtype: int32}
layers:
  emb: {type: Embedding, input_dim: 20, output_dim: 8, mask_zero: true}
  mha: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, inputs: {query: emb, value: emb}}
  causal: {type: MultiHeadAttention, num_heads: 3, key_dim: 2, value_dim: 4, output_shape: 5, use_causal_mask: true, inputs: [mha, emb]}
  dot: {type: Attention, inputs: [emb, mha]}
  scaled: {type: Attention, use_scale: true, inputs: [emb, emb]}
  concat: {type: Attention, use_scale: true, score_mode: concat, inputs: [emb, mha, emb], use_causal_mask: true}
  add: {type: AdditiveAttention, inputs: {query: mha, value: emb}}
  out: {type: Concatenate, inputs: [causal, dot, scaled, concat, add]}
outputs: [out]
`;

const CROSS = `
nnspec: 1
name: mha_cross
inputs:
  q: {shape: [3, 5]}
  kv: {shape: [4, 6]}
  k: {shape: [4, 7]}
  m: {shape: [3, 4]}
layers:
  mha: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, inputs: {query: q, value: kv, key: k, attention_mask: m}}
  nobias: {type: MultiHeadAttention, num_heads: 2, key_dim: 2, use_bias: false, output_shape: [2, 3], inputs: {query: q, value: kv, attention_mask: m}}
  flat: {type: Reshape, target_shape: [3, 6], inputs: nobias}
  out: {type: Concatenate, inputs: [mha, flat]}
outputs: [out]
`;

/** Self-attention written as a list naming one tensor twice (tfjs needs a copy of it), then a Dense; AdditiveAttention without masks. */
const LIST = `
nnspec: 1
name: mha_list
inputs:
  ids: {shape: [null], dtype: int32}
layers:
  emb: {type: Embedding, input_dim: 20, output_dim: 8, mask_zero: true}
  mha: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, inputs: [emb, emb]}
  d: {type: Dense, units: 2, inputs: mha}
  e2: {type: Dense, units: 8, inputs: emb}
  plain: {type: AdditiveAttention, inputs: [e2, e2]}
outputs: [d, plain]
`;

/**
 * Every gradient within 1e-4 of tfjs's, except a key projection's bias: Keras's formula gives it
 * gradient 0 (it adds q·b to a whole row of scores, which softmax ignores), so both engines return
 * float32 rounding there, of the order of 1e-7 of the other gradients, and their ratio means nothing.
 * attention-reference.test.ts checks it against NumPy's 0 at the layer's scale.
 */
async function expectSameGradientsButKeyBias(spec: string, opts: OracleOptions = {}): Promise<void> {
  const diffs = await compareGradients(tf, specGraph(spec), opts);
  const keyBias = diffs.filter((d) => d.of.endsWith('/key/bias'));
  const rest = diffs.filter((d) => !d.of.endsWith('/key/bias'));
  expect(rest.length).toBeGreaterThan(keyBias.length);
  for (const d of rest) expect({ of: d.of, relative: d.relative < 1e-4 ? 'ok' : d.relative }).toEqual({ of: d.of, relative: 'ok' });
}

describe('attention: ONNX = tfjs cpu', () => {
  it('self-attention with masks from mask_zero, causal, Attention, AdditiveAttention (forward)', () => expectSameAsTfjs(tf, SELF, { steps: 6, padIds: true }));
  it('(gradients)', () => expectSameGradientsButKeyBias(SELF, { steps: 6, padIds: true }));
  it('cross-attention with a key and an attention_mask input (forward)', () => expectSameAsTfjs(tf, CROSS));
  it('(gradients)', () => expectSameGradientsButKeyBias(CROSS));
  it('self-attention as a list naming one tensor twice; AdditiveAttention without masks (forward)', () => expectSameAsTfjs(tf, LIST, { steps: 6, padIds: true }));
  it('(gradients)', () => expectSameGradientsButKeyBias(LIST, { steps: 6, padIds: true }));
});

describe('attention: a tfjs model saved as model.json loads back and computes the same', () => {
  it.each([
    ['masked self-attention and the others', SELF, { steps: 6, padIds: true }],
    ['cross-attention with a key and an attention_mask', CROSS, {}],
  ] as const)('%s', async (_what, spec, opts) => {
    const graph = specGraph(spec);
    const { model, layers } = buildModel(graph, tf);
    try {
      randomizeWeights(tf, graph, layers as never, 3);
      const feeds = makeFeeds(graph, opts);
      const xs = graph.inputs.map((n) => tf.tensor(feeds.data[n.name]!, feeds.shapes[n.name], n.output!.dtype));
      const want = (model.predict(xs) as ReturnType<Tf['tensor']>).dataSync();
      let artifacts: unknown;
      await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
      // No helper layer stands for a role: each attention layer is called on its distinct inputs and their masks.
      const topology = JSON.stringify((artifacts as { modelTopology: unknown }).modelTopology);
      expect(topology).not.toContain('copy');
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
      const got = (loaded.predict(xs) as ReturnType<Tf['tensor']>).dataSync();
      loaded.dispose();
      expect(got.length).toBe(want.length);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(1e-6));
    } finally {
      model.dispose();
    }
  });
});
