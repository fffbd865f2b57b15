/** predict --data FILE for a one-input model: a .npy or .json of samples, or of one sample without the batch axis. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { runCli } from '../helpers.js';
import { f32, readArray, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = 'nnspec: 1\nname: p\ninputs:\n  x: {shape: [4]}\nlayers:\n  y: {type: Dense, units: 3, activation: softmax}\noutputs: [y]\ntraining: {loss: categorical_crossentropy, optimizer: adam, epochs: 1, batch_size: 4}\n';
let dir: string;
let run: string;

beforeAll(async () => {
  dir = tempDir();
  const data = writeArrays(join(dir, 'data'), { x: f32([8, 4], (i) => (i % 7) / 7), y: f32([8, 3], (i) => (i % 3 === 0 ? 1 : 0)) });
  run = join(dir, 'run');
  const r = await runCli(['train', writeSpec(dir, SPEC), '--data', data, '--out', run, '--backend', 'cpu', '--seed', '1', '-q']);
  expect(r.code, r.stderr).toBe(0);
});

const predict = async (data: string, name: string) => {
  const out = join(dir, name);
  const r = await runCli(['predict', run, '--data', data, '--out', out, '--backend', 'cpu']);
  return { r, y: r.code === 0 ? readArray(join(out, 'y.npy')) : undefined };
};

describe('predict --data FILE', () => {
  it('one sample without the batch axis (.npy and .json): a batch of one, as the same sample in a directory gives', async () => {
    const sample = [0.1, 0.5, 0.2, 0.9];
    const npy = join(dir, 'one.npy');
    writeFileSync(npy, npyBytes({ dtype: 'float32', shape: [4], data: Float32Array.from(sample) }));
    const json = join(dir, 'one.json');
    writeFileSync(json, JSON.stringify(sample));
    const inDir = writeArrays(join(dir, 'one-dir'), { x: f32([1, 4], (i) => sample[i]!) });
    const [a, b, c] = [await predict(npy, 'p-npy'), await predict(json, 'p-json'), await predict(inDir, 'p-dir')];
    expect(a.r.code, a.r.stderr).toBe(0);
    expect(b.r.code, b.r.stderr).toBe(0);
    expect(a.y!.shape).toEqual([1, 3]);
    expect(Array.from(a.y!.data)).toEqual(Array.from(c.y!.data));
    expect(Array.from(b.y!.data)).toEqual(Array.from(c.y!.data));
  });

  it('several samples in one .npy', async () => {
    const npy = join(dir, 'three.npy');
    writeFileSync(npy, npyBytes({ dtype: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 12) }));
    const { r, y } = await predict(npy, 'p-three');
    expect(r.code, r.stderr).toBe(0);
    expect(y!.shape).toEqual([3, 3]);
  });

  it('a sample of the wrong size is the data check\'s NN823 at the file (exit 1)', async () => {
    const npy = join(dir, 'bad.npy');
    writeFileSync(npy, npyBytes({ dtype: 'float32', shape: [5], data: new Float32Array(5) }));
    const { r } = await predict(npy, 'p-bad');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${npy}: error[NN823]: has shape (1, 5), samples of (5,), but input 'x' takes samples of (4,)`);
  });
});
