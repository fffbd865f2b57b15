/**
 * The element-wise merges carry Keras's mask (the AND of their inputs' masks) on tfjs: with
 * tfjs's own Merge.computeMask, mask_zero → Add → MultiHeadAttention failed in train with a
 * broadcast error (NN999). Checked against the ONNX engine, which combines masks as Keras does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { mergedMask } from '../../src/backends/tfjs/layers/merge-masks.js';
import { runCli } from '../helpers.js';
import { expectSameAsTfjs } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

const spec = (merge: string) => `nnspec: 1
name: masked_merge
inputs:
  ids: {shape: [null], dtype: int32}
layers:
  a: {type: Embedding, input_dim: 20, output_dim: 8, mask_zero: true, inputs: ids}
  b: {type: Embedding, input_dim: 20, output_dim: 8, mask_zero: true, inputs: ids}
  m: {type: ${merge}, inputs: [a, b]}
  att: {type: MultiHeadAttention, num_heads: 2, key_dim: 4, inputs: [m, m]}
  pool: {type: GlobalAveragePooling1D}
  y: {type: Dense, units: 3, activation: softmax}
outputs: [y]
training: {loss: sparse_categorical_crossentropy, optimizer: adam, batch_size: 8, epochs: 1}
`;

describe('mergedMask', () => {
  it('ANDs the masks that exist; none gives none', () => {
    const m1 = tf.tensor2d([[1, 1, 0]], undefined, 'bool');
    const m2 = tf.tensor2d([[1, 0, 0]], undefined, 'bool');
    expect(Array.from(mergedMask(tf, [m1, m2])!.dataSync())).toEqual([1, 0, 0]);
    expect(Array.from(mergedMask(tf, [null, m1])!.dataSync())).toEqual([1, 1, 0]);
    expect(mergedMask(tf, [null, null])).toBeNull();
    expect(mergedMask(tf, undefined)).toBeNull();
  });
});

describe('mask_zero, a merge, then attention: tfjs cpu = ONNX', () => {
  it.each(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract'])('%s', async (merge) => {
    await expectSameAsTfjs(tf, spec(merge), { steps: 6, padIds: true });
  });
});

it('nnspec train --backend cpu on it exits 0 (it crashed with NN999)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-merge-mask-'));
  writeFileSync(join(dir, 'm.yaml'), spec('Add'));
  const data = join(dir, 'data');
  expect((await runCli(['synth', join(dir, 'm.yaml'), '--samples', '16', '--out', data, '--seed', '1', '--length', '6'])).code).toBe(0);
  const r = await runCli(['train', join(dir, 'm.yaml'), '--data', data, '--out', join(dir, 'run'), '--backend', 'cpu', '--seed', '1', '-q']);
  expect(r.code, r.stderr).toBe(0);
});
