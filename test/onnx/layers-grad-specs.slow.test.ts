/**
 * The convolutional seed specs' gradients, whole: the ONNX training graph's against tfjs's on the same weights
 * and inputs (slow: tfjs's cpu convolution gradients). The layer types are covered one by one,
 * fast, in layers-grad.test.ts (with the recurrent seed specs).
 */
import { beforeAll, describe, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { expectSameGradients } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

describe('seed specs: ONNX gradients = tfjs gradients', () => {
  it('social_posts', () => expectSameGradients(tf, 'specs/social_posts.yaml', { steps: 270, batch: 1 }));
  it('residual_block', () => expectSameGradients(tf, 'specs/residual_block.yaml', { batch: 1 }));
  // tfjs's average-pooling gradient is wrong with 'same' padding (layers-grad.test.ts): valid here.
  it('inception_module', () =>
    expectSameGradients(tf, 'specs/inception_module.yaml', { batch: 1, edits: [['AveragePooling2D, pool_size: 3, strides: 2, padding: same', 'AveragePooling2D, pool_size: 2, strides: 2, padding: valid']] }));
});
