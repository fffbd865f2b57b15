/**
 * Issue 10, item 3: the data's concrete sizes where the spec says null go through the compiler's
 * shape rules before any tensor library runs. Sequences shorter than the model's convolutions
 * and pools need, or of length 0, are an NN830 data diagnostic naming the file, the minimum and
 * the layer, in train, evaluate and predict (before: a TensorFlow.js stack trace and exit 7).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { zip } from '../data/build.js';
import { runCli } from '../helpers.js';
import { tempDir } from './temp.js';

const SPEC = `nnspec: 1
name: seq
inputs:
  x: {shape: [null, 3]}
layers:
  conv: {type: Conv1D, filters: 4, kernel_size: 3}
  pool: {type: MaxPooling1D, pool_size: 4}
  flat: {type: GlobalMaxPooling1D}
  y: {type: Dense, units: 1}
outputs: [y]
training:
  loss: mse
  optimizer: sgd
  batch_size: 4
  epochs: 1
`;

const root = join(tempDir(), 'too-small');
const spec = join(root, 'seq.yaml');
const run = join(root, 'run');

/** A data directory with x of `length` steps (8 samples) and y. */
function dataDir(name: string, length: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'x.npy'), npyBytes({ dtype: 'float32', shape: [8, length, 3], data: new Float32Array(8 * length * 3).fill(0.5) }));
  writeFileSync(join(dir, 'y.npy'), npyBytes({ dtype: 'float32', shape: [8, 1], data: new Float32Array(8).fill(1) }));
  return dir;
}

interface JsonReport {
  diagnostics: { code: string; message: string; file: string; hint?: string }[];
}

function diagnosticsOf(stderr: string): JsonReport['diagnostics'] {
  const start = stderr.indexOf('{');
  expect(start, stderr).toBeGreaterThanOrEqual(0);
  return (JSON.parse(stderr.slice(start)) as JsonReport).diagnostics;
}

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  writeFileSync(spec, SPEC);
  const r = await runCli(['train', spec, '--data', dataDir('good', 8), '--out', run, '--epochs', '1', '--backend', 'cpu', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('data shorter than the model needs', () => {
  const short = () => dataDir('short', 5);
  const expected = (file: string) => ({
    code: 'NN830',
    file,
    message:
      "holds samples of (5, 3) for input 'x': size 5 on axis 1 is too small for MaxPooling1D 'pool', which needs at least 6 there (MaxPooling1D 'pool' with pool_size (4,), strides (4,) and padding 'valid' would produce an output of size 0 on axis 1 for input conv (None, 3, 4))",
    hint: 'give samples of size 6 or more on axis 1 (pad the sequences), or use padding: same in the layer',
  });

  it.each([
    ['train', () => ['train', spec, '--data', short(), '--out', join(root, 'run-short'), '--backend', 'cpu', '--format', 'json']],
    ['evaluate', () => ['evaluate', run, '--data', short(), '--backend', 'cpu', '--format', 'json']],
    ['predict', () => ['predict', run, '--data', short(), '--out', join(root, 'pred'), '--backend', 'cpu', '--format', 'json']],
  ])('%s: exit 1 with NN830 naming the file, the layer and the minimum', async (_name, argv) => {
    const r = await runCli(argv());
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/memory access|Shapes can not|\n\s+at /);
    const d = diagnosticsOf(r.stderr);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject(expected(join(root, 'short', 'x.npy')));
  });

  it('zero-length sequences: NN830 with minimum 1', async () => {
    const r = await runCli(['train', spec, '--data', dataDir('zero', 0), '--out', join(root, 'run-zero'), '--backend', 'cpu', '--format', 'json']);
    expect(r.code).toBe(1);
    const d = diagnosticsOf(r.stderr);
    expect(d).toHaveLength(1);
    expect(d[0]!.code).toBe('NN830');
    expect(d[0]!.message).toContain("holds samples of (0, 3) for input 'x': size 0 on axis 1 is too small for Conv1D 'conv', which needs at least 6 there");
  });

  it('the shortest accepted length passes the check', async () => {
    const r = await runCli(['evaluate', run, '--data', dataDir('six', 6), '--backend', 'cpu', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('predict --data X.npz holding the targets too (issue 10, item 7)', () => {
  it('ignores the targets, as train and evaluate accept them: exit 0, one .npy per output', async () => {
    const npz = join(root, 'with-targets.npz');
    writeFileSync(npz, zip([
      { name: 'x.npy', data: npyBytes({ dtype: 'float32', shape: [8, 8, 3], data: new Float32Array(8 * 8 * 3).fill(0.5) }) },
      { name: 'y.npy', data: npyBytes({ dtype: 'float32', shape: [8, 1], data: new Float32Array(8).fill(1) }) },
    ]));
    const out = join(root, 'pred-npz');
    const r = await runCli(['predict', run, '--data', npz, '--out', out, '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${join(out, 'y.npy')}  float32  (8, 1)`);
  });
});

describe("the issue's reproducer: social_posts needs 269 steps", () => {
  it('inferConcrete refuses 268 and 10 steps at the layer that needs more, accepts 269; the minimum is 269', async () => {
    const { readFileSync } = await import('node:fs');
    const { compile } = await import('../../src/compiler/compile.js');
    const { inferConcrete, minimumSize } = await import('../../src/compiler/concrete.js');
    const { ROOT } = await import('../helpers.js');
    const graph = compile(readFileSync(join(ROOT, 'specs/social_posts.yaml')), 'social_posts.yaml').graph!;
    const at = (n: number) => new Map([['posts', [n]]]);
    expect(inferConcrete(graph, at(269))).toBeUndefined();
    expect(inferConcrete(graph, at(268))).toMatchObject({ code: 'NN502' });
    expect(inferConcrete(graph, at(10))).toMatchObject({ code: 'NN502' });
    expect(inferConcrete(graph, at(0))).toMatchObject({ message: "input 'posts' has an axis of size 0" });
    expect(minimumSize(graph, at(268), 'posts', 0)).toBe(269);
    expect(minimumSize(graph, at(0), 'posts', 0)).toBe(269);
  });
});
