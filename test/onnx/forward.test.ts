/**
 * The ONNX forward graph equals the tfjs cpu backend's prediction on the same weights and inputs
 * (inference mode), for the oracle fixtures of the core, merge, reshape and activation layers and
 * for every seed spec whole. Relative error per element, against |tfjs| plus a tenth of the
 * output's largest magnitude (so values that cancel to ~0 are not divided by ~0).
 */
import { beforeAll, describe, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { expectSameAsTfjs } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

// tfjs's Merge throws at predict when one input is masked and another is not (its computeMask
// ANDs a null), where Keras ANDs the masks present; so the Masking layer is an output of its own.
const unmixed: [string, string][] = [
  ['inputs: [d1, mask, emb]', 'inputs: [d1, noise, emb]'],
  ['outputs: [head, dot, dot2]', 'outputs: [head, dot, dot2, mask]'],
];

describe('ONNX forward = tfjs predict', () => {
  it('core layers and merges', () => expectSameAsTfjs(tf, 'test/fixtures/valid/core_and_merges.yaml', { edits: unmixed }));
  it('ids fed as int64', () => expectSameAsTfjs(tf, 'test/fixtures/valid/core_and_merges.yaml', { intType: 'int64', edits: unmixed }));
  it('reshapes', () => expectSameAsTfjs(tf, 'test/fixtures/valid/reshape_layers.yaml'));
  it('activation layers', () => expectSameAsTfjs(tf, 'test/fixtures/valid/activations_layers.yaml'));
});

describe('every seed spec whole', () => {
  it('sequential_mlp', () => expectSameAsTfjs(tf, 'specs/sequential_mlp.yaml', { batch: 3 }));
  it('question_answering (padded ids)', () => expectSameAsTfjs(tf, 'specs/question_answering.yaml', { steps: 6, padIds: true }));
  it('siamese_lstm (one LSTM, two call sites)', () => expectSameAsTfjs(tf, 'specs/siamese_lstm.yaml', { steps: 4 }));
  it('social_posts', () => expectSameAsTfjs(tf, 'specs/social_posts.yaml', { steps: 270, batch: 1 }));
  it('inception_module', () => expectSameAsTfjs(tf, 'specs/inception_module.yaml', { batch: 1 }));
  it('residual_block', () => expectSameAsTfjs(tf, 'specs/residual_block.yaml', { batch: 1 }));
});
