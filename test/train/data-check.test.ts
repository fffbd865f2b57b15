/** Bad data is reported before anything trains: every problem, located by file, exit 1, no run written. */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';
import { f32, i32, tempDir, writeArrays, writeSpec } from './helpers.js';

const CLASSIFIER = `nnspec: 1
name: classifier
inputs:
  x: {shape: [4]}
layers:
  y: {type: Dense, units: 3, activation: softmax}
outputs: [y]
training: {loss: categorical_crossentropy, metrics: [acc]}
`;

const SEQUENCE = `nnspec: 1
name: sequence
inputs:
  tokens: {shape: [null], dtype: int32}
layers:
  embedded: {type: Embedding, input_dim: 20, output_dim: 4}
  pooled: {type: GlobalAveragePooling1D}
  label: {type: Dense, units: 1, activation: sigmoid}
outputs: [label]
training: {loss: binary_crossentropy}
`;

const oneHot = (n: number, k: number) => f32([n, k], (i) => (i % k === Math.floor(i / k) % k ? 1 : 0));

/** Runs train on a fresh data dir; returns the result and whether the run dir was created. */
async function trainOn(spec: string, arrays: Record<string, ReturnType<typeof f32>>, setup?: (data: string) => void) {
  const dir = tempDir();
  const specPath = writeSpec(dir, spec);
  const data = writeArrays(join(dir, 'data'), arrays);
  setup?.(data);
  const out = join(dir, 'run');
  const r = await runCli(['train', specPath, '--data', data, '--out', out, '--backend', 'cpu'], { cwd: dir });
  return { ...r, data, ranRun: existsSync(out) };
}

describe('data checks before training', () => {
  it('reports a missing file and an extra one (with a did-you-mean), each by file', async () => {
    const spec = CLASSIFIER.replace('  x: {shape: [4]}', '  features: {shape: [4]}');
    const r = await trainOn(spec, { featurs: f32([5, 4], () => 0), notes: f32([5], () => 0) });
    expect(r.code).toBe(1);
    expect(r.ranRun).toBe(false);
    expect(r.stderr).toContain(`${r.data}: error[NN819]: has no file for the model's input 'features'; expected features.npy, features.json or features.csv`);
    expect(r.stderr).toContain(`${r.data}: error[NN819]: has no file for the model's output 'y'`);
    expect(r.stderr).toContain(`${join(r.data, 'featurs.npy')}: warning[NN820]: matches no input or output of the spec (inputs: features; outputs: y)\n = hint: did you mean 'features'? rename the file`);
    expect(r.stderr).toContain(`${join(r.data, 'notes.npy')}: warning[NN820]: matches no input or output of the spec (inputs: features; outputs: y)\n = hint: remove it, or name it after an input or output`);
    // The stray files are warnings; the two missing ones stop the run.
    expect(r.stderr).toMatch(/2 problems with the data in .*; nothing was trained/);
  });

  it('trains despite a stray file, with a warning (Keras would never see it)', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 4], () => 0), y: oneHot(5, 3), notes: f32([5], () => 0) });
    expect(r.stderr).toContain(`${join(r.data, 'notes.npy')}: warning[NN820]: matches no input or output of the spec (inputs: x; outputs: y)\n = hint: remove it, or name it after an input or output`);
    expect(r.code).toBe(0);
    expect(r.ranRun).toBe(true);
  });

  it('reports differing sample counts', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 4], () => 0), y: oneHot(6, 3) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(r.data, 'y.npy')}: error[NN822]: has 6 samples but ${join(r.data, 'x.npy')} has 5; every file needs one entry per sample, in the same order`);
  });

  it('reports per-sample shapes that differ from the declared input and output shapes', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 5], () => 0), y: oneHot(5, 4) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(r.data, 'x.npy')}: error[NN823]: has shape (5, 5), samples of (5,), but input 'x' takes samples of (4,)`);
    expect(r.stderr).toContain(`${join(r.data, 'y.npy')}: error[NN827]: has samples of (4,), but output 'y' produces (3,)`);
  });

  it('accepts any length for a null dimension, and refuses a wrong rank there', async () => {
    const ok = await trainOn(SEQUENCE, { tokens: i32([6, 9], (i) => i % 20), label: f32([6, 1], (i) => i % 2) });
    expect(ok.stderr).not.toContain('error:');
    expect(ok.code).toBe(0);
    const bad = await trainOn(SEQUENCE, { tokens: i32([6, 3, 3], (i) => i % 20), label: f32([6, 1], (i) => i % 2) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("samples of (3, 3), but input 'tokens' takes samples of (None,) (None: any length)");
  });

  it('refuses ragged arrays (nested JSON lists of different lengths), naming the place', async () => {
    const r = await trainOn(CLASSIFIER, { y: oneHot(2, 3) }, (data) => writeFileSync(join(data, 'x.json'), '[[1, 2, 3, 4], [1, 2, 3]]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(r.data, 'x.json')}:1:16: error[NN814]: row 1 has 3 items, row 0 has 4`);
  });

  it("finds the seed chapter's swapped Embedding arguments: ids outside [0, input_dim), with the fix", async () => {
    const dir = tempDir();
    const chapter = readFileSync(join(ROOT, 'test/fixtures/chapter/swapped_embedding.yaml'), 'utf8') + 'training: {loss: categorical_crossentropy, metrics: [acc]}\n';
    const spec = writeSpec(dir, chapter);
    const data = join(ROOT, 'test/fixtures/data/question_answering');
    const r = await runCli(['train', spec, '--data', data, '--out', join(dir, 'run'), '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(data, 'text.npy')} (sample 1, index [3]): error[NN826]: has 24 ids outside [0, 64) for Embedding 'embedded_text' (input_dim 64); the largest is 9261 at sample 1, index [3]`);
    expect(r.stderr).toContain('did you swap them? (input_dim: 10000, output_dim: 64)');
    expect(r.stderr).toMatch(/question\.npy \(sample \d+, index \[\d+\]\): error\[NN826\]:/);
    expect(r.stderr).toContain("for Embedding 'embedded_question' (input_dim 32)");
  });

  it('suggests sparse_categorical_crossentropy for class ids given to categorical_crossentropy', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 4], () => 0), y: i32([5], (i) => i % 3) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(r.data, 'y.npy')}: error[NN827]: holds class ids (one number per sample), but output 'y' uses categorical_crossentropy, which takes one-hot rows of 3: samples of (3,)`);
    expect(r.stderr).toContain('hint: use loss sparse_categorical_crossentropy for class ids, or one-hot encode the labels');
  });

  it('refuses class ids out of range for sparse_categorical_crossentropy, and labels outside [0, 1] for binary_crossentropy', async () => {
    const sparse = CLASSIFIER.replace('loss: categorical_crossentropy', 'loss: sparse_categorical_crossentropy');
    const r = await trainOn(sparse, { x: f32([5, 4], () => 0), y: i32([5], (i) => i) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds 3 at sample 3; output 'y' has 3 classes, so class ids must be integers in [0, 3)");
    const b = await trainOn(SEQUENCE, { tokens: i32([4, 5], () => 1), label: f32([4, 1], (i) => i) });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("holds 2 at sample 2, index [0]; binary_crossentropy on output 'label' takes labels in [0, 1]");
  });

  it('refuses NaN and Inf in inputs and fractional values in int32 inputs', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 4], (i) => (i === 9 ? NaN : 0)), y: oneHot(5, 3) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(r.data, 'x.npy')} (sample 2, index [1]): error[NN824]: holds NaN at sample 2, index [1]; inputs must be finite numbers`);
    const inf = await trainOn(CLASSIFIER, { x: f32([5, 4], (i) => (i === 0 ? -Infinity : 0)), y: oneHot(5, 3) });
    expect(inf.stderr).toContain('holds -Inf at sample 0, index [0]');
    const frac = await trainOn(SEQUENCE, { tokens: f32([4, 5], (i) => i / 2), label: f32([4, 1], () => 0) });
    expect(frac.code).toBe(1);
    expect(frac.stderr).toContain("holds 0.5 at sample 0, index [1], but input 'tokens' is int32 and takes integers");
  });

  it('keeps data files inside the data directory (no symlinks out)', async () => {
    const outside = tempDir();
    writeArrays(outside, { x: f32([5, 4], () => 0) });
    const r = await trainOn(CLASSIFIER, { y: oneHot(5, 3) }, (data) => symlinkSync(join(outside, 'x.npy'), join(data, 'x.npy')));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x\.npy: error\[NN818\]: is a symlink to .*outside the data directory/);
  });

  it('refuses two files for one name, and a file given as --data', async () => {
    const r = await trainOn(CLASSIFIER, { x: f32([5, 4], () => 0), y: oneHot(5, 3) }, (data) => writeFileSync(join(data, 'x.csv'), '1,2,3,4\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[NN821]: has 2 files for 'x' (x.csv, x.npy); keep exactly one");
    const dir = tempDir();
    const spec = writeSpec(dir, CLASSIFIER);
    writeFileSync(join(dir, 'x.npy'), 'not really');
    const f = await runCli(['train', spec, '--data', join(dir, 'x.npy'), '--out', join(dir, 'run')]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('error[NN829]: is a file but not an .npz; --data takes a directory with one file per input and output, or an .npz');
  });

  it('reads .csv, .json and .npz data, and names a missing .npz array', async () => {
    const dir = tempDir();
    const mlp = join(ROOT, 'specs/sequential_mlp.yaml');
    const csv = await runCli(['train', mlp, '--data', join(ROOT, 'test/fixtures/data/mlp_text'), '--out', join(dir, 'a'), '--backend', 'cpu', '--epochs', '1', '--quiet']);
    expect(csv.stderr).toMatch(/epoch 1\/1 +loss \d/);
    expect(csv.code).toBe(0);
    const npz = await runCli(['train', mlp, '--data', join(ROOT, 'test/fixtures/data/mlp.npz'), '--out', join(dir, 'b'), '--backend', 'cpu', '--epochs', '1', '--quiet']);
    expect(npz.code).toBe(0);
    const spec = writeSpec(dir, CLASSIFIER);
    const bad = await runCli(['train', spec, '--data', join(ROOT, 'test/fixtures/data/mlp.npz'), '--out', join(dir, 'c')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("mlp.npz: error[NN819]: has no array 'x' for the model's input 'x'");
    expect(bad.stderr).toContain('mlp.npz:features: warning[NN820]: matches no input or output of the spec');
  });

  it('reports a --data path that does not exist', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, CLASSIFIER);
    mkdirSync(join(dir, 'empty'));
    const r = await runCli(['train', spec, '--data', join(dir, 'nope'), '--out', join(dir, 'run')]);
    expect(r.code).toBe(1);
    // One mistake, one diagnostic: not also one per input and output that has no file.
    expect(r.stderr).toBe(`${join(dir, 'nope')}: error[NN829]: does not exist; --data takes a directory with one file per input and output, or an .npz\n\nnnspec: 1 problem with the data in ${join(dir, 'nope')}; nothing was trained\n`);
  });
});
