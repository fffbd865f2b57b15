/** nnspec synth: names, shapes, dtypes and ranges fitting each spec, seeded, and the .npy writer. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { parseNpy } from '../../src/data/npy.js';
import { graphAtLength, minimalLength } from '../../src/data/length.js';
import { runCli } from '../helpers.js';
import { readArray, SPECS, tempDir } from './helpers.js';

async function synth(spec: string, extra: string[] = []) {
  const out = tempDir('nnspec-synth-');
  const r = await runCli(['synth', join(SPECS, spec), '--samples', '6', '--out', out, '--seed', '7', ...extra]);
  return { ...r, out, read: (name: string) => readArray(join(out, `${name}.npy`)) };
}

describe('nnspec synth', () => {
  it('writes one .npy per input and output of question_answering, ids below each Embedding input_dim, one-hot answers', async () => {
    const s = await synth('question_answering.yaml');
    expect(s.code).toBe(0);
    expect(readdirSync(s.out).sort()).toEqual(['answer.npy', 'question.npy', 'text.npy']);
    for (const name of ['text', 'question']) {
      const a = s.read(name);
      expect(a.dtype).toBe('int32');
      expect(a.shape).toEqual([6, 16]);
      expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...a.data)).toBeLessThan(10000);
    }
    const answer = s.read('answer');
    expect(answer.dtype).toBe('float32');
    expect(answer.shape).toEqual([6, 500]);
    for (let r = 0; r < 6; r++) {
      const row = [...answer.data.subarray(r * 500, (r + 1) * 500)];
      expect(row.filter((v) => v === 1)).toHaveLength(1);
      expect(row.filter((v) => v !== 0 && v !== 1)).toHaveLength(0);
    }
  });

  it('fits social_posts: sequences long enough for its conv/pool stack, mse floats, one-hot income, 0/1 gender', async () => {
    const s = await synth('social_posts.yaml');
    expect(s.code).toBe(0);
    const posts = s.read('posts');
    const minimal = minimalLength(readFileSync(join(SPECS, 'social_posts.yaml')))!;
    expect(minimal).toBeGreaterThan(200);
    expect(graphAtLength(readFileSync(join(SPECS, 'social_posts.yaml')), minimal - 1)).toBeUndefined();
    expect(posts.shape).toEqual([6, minimal]);
    expect(Math.max(...posts.data)).toBeLessThan(50000);
    expect(s.read('age').shape).toEqual([6, 1]);
    expect(s.read('age').dtype).toBe('float32');
    const income = s.read('income');
    expect(income.shape).toEqual([6, 10]);
    expect([...income.data].reduce((a, b) => a + b, 0)).toBe(6);
    const gender = s.read('gender');
    expect(new Set(gender.data)).toEqual(new Set([...gender.data].filter((v) => v === 0 || v === 1)));
  });

  it('gives float inputs of the declared shape to fixed-shape specs', async () => {
    const s = await synth('inception_module.yaml');
    expect(s.read('x').shape).toEqual([6, 32, 32, 64]);
    expect(s.read('classes').shape).toEqual([6, 10]);
  });

  it('repeats exactly with the same seed and differs with another', async () => {
    const a = await synth('siamese_lstm.yaml');
    const b = await synth('siamese_lstm.yaml');
    const c = await synth('siamese_lstm.yaml', ['--seed', '8']);
    const bytes = (d: string) => readFileSync(join(d, 'left_input.npy'));
    expect(bytes(a.out).equals(bytes(b.out))).toBe(true);
    expect(bytes(a.out).equals(bytes(c.out))).toBe(false);
  });

  it('writes class ids for sparse_categorical_crossentropy', async () => {
    const dir = tempDir();
    const spec = join(dir, 'sparse.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(spec, 'nnspec: 1\nname: t\ninputs:\n  x: {shape: [4]}\nlayers:\n  y: {type: Dense, units: 3, activation: softmax}\noutputs: [y]\ntraining: {loss: sparse_categorical_crossentropy}\n');
    const r = await runCli(['synth', spec, '--samples', '20', '--out', join(dir, 'd'), '--seed', '1']);
    expect(r.code).toBe(0);
    const y = readArray(join(dir, 'd', 'y.npy'));
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([20]);
    expect([...y.data].every((v) => v >= 0 && v < 3)).toBe(true);
  });

  it('refuses a --length the model cannot take, naming the smallest it can', async () => {
    const s = await synth('social_posts.yaml', ['--length', '20']);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/social_posts\.yaml: error\[NN908\]: the model does not compile with sequences of length 20; it needs at least (\d+)\n = hint: give --length \1 or more/);
  });

  it('is a usage error without --samples or with a bad count', async () => {
    expect((await runCli(['synth', join(SPECS, 'sequential_mlp.yaml'), '--out', tempDir()])).code).toBe(2);
    expect((await runCli(['synth', join(SPECS, 'sequential_mlp.yaml'), '--samples', '-3', '--out', tempDir()])).code).toBe(2);
  });
});

describe('the .npy writer', () => {
  it('writes what the strict reader reads back: 1-d, n-d, int32, float32, uint8, 64-byte aligned header', () => {
    const cases = [
      { dtype: 'float32' as const, shape: [3], data: Float32Array.from([1.5, -2, 3e-8]) },
      { dtype: 'int32' as const, shape: [2, 3], data: Int32Array.from([1, 2, 3, -4, 5, 2147483647]) },
      { dtype: 'uint8' as const, shape: [1, 2, 2], data: Uint8Array.from([0, 1, 254, 255]) },
      { dtype: 'float32' as const, shape: [0, 4], data: new Float32Array(0) },
    ];
    for (const a of cases) {
      const bytes = npyBytes(a);
      const headerLength = bytes[8]! + bytes[9]! * 256;
      expect((10 + headerLength) % 64).toBe(0);
      const back = parseNpy(bytes, 'x.npy');
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect([...back.data]).toEqual([...a.data]);
    }
  });
});
