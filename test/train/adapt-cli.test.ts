/**
 * Normalization adapt through the CLI: `nnspec train` adapts a Normalization without statistics
 * from --data before the first epoch and says so in one line, `predict` on the saved run applies
 * the statistics, `--resume` keeps them without adapting again, and a Normalization on a computed
 * input stops the run (NN914).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { readModelWeights } from '../../src/train/run-files.js';
import { ROOT, runCli } from '../helpers.js';

const DATA = join(ROOT, 'test/fixtures/preprocessing/adapt');
const STATS = JSON.parse(readFileSync(join(DATA, 'stats.json'), 'utf8')) as { mean: number[]; variance: number[] };
const X = readNpy(join(DATA, 'x.npy'), 'x.npy').data as Float32Array;
const dir = mkdtempSync(join(tmpdir(), 'nnspec-adapt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'spec.yaml'),
  `nnspec: 1
name: adapt
inputs:
  x: {shape: [3]}
layers:
  n: {type: Normalization}
  y: {type: Dense, units: 1}
outputs: [y]
training:
  optimizer: {type: sgd, learning_rate: 0.01}
  loss: mse
  batch_size: 16
  epochs: 1
`,
);

describe.each(['cpu', 'onnx'])('nnspec train on %s', (backend) => {
  const out = `run-${backend}`;
  it('adapts once, saves the statistics, and predict applies them', async () => {
    const r = await runCli(['train', 'spec.yaml', '--data', DATA, '--out', out, '--backend', backend, '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('adapted'))).toHaveLength(1);
    expect(r.stderr).toMatch(/^adapted Normalization 'n' \(mean \[/m);
    const runJson = JSON.parse(readFileSync(join(dir, out, 'run.json'), 'utf8')) as { adapted: { layer: string; samples: number; mean: number[]; variance: number[] }[] };
    expect(runJson.adapted.map((a) => [a.layer, a.samples])).toEqual([['n', 203]]);
    runJson.adapted[0]!.mean.forEach((m, i) => expect(Math.abs(m - STATS.mean[i]!)).toBeLessThan(1e-9 * Math.abs(STATS.mean[i]!)));
    runJson.adapted[0]!.variance.forEach((v, i) => expect(Math.abs(v - STATS.variance[i]!)).toBeLessThan(1e-9 * STATS.variance[i]!));
    const saved = new Map(readModelWeights(join(dir, out)).map((w) => [w.name, w.values]));
    expect(Array.from(saved.get('n/mean')!)).toEqual(STATS.mean.map(Math.fround));

    const p = await runCli(['predict', out, '--data', DATA, '--out', `pred-${backend}`, '--backend', backend], { cwd: dir });
    expect(p.code).toBe(0);
    const pred = readNpy(join(dir, `pred-${backend}`, 'y.npy'), 'y.npy').data as Float32Array;
    const [w, b] = [saved.get('y/kernel')!, saved.get('y/bias')![0]!];
    for (let i = 0; i < 203; i++) {
      let want = b;
      for (let f = 0; f < 3; f++) want += (w[f]! * (X[i * 3 + f]! - STATS.mean[f]!)) / Math.sqrt(STATS.variance[f]!);
      expect(Math.abs(pred[i]! - want)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
    }
  });

  it('--resume does not adapt again', async () => {
    const r = await runCli(['train', 'spec.yaml', '--data', DATA, '--out', out, '--backend', backend, '--quiet', '--resume', '--epochs', '2'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/adapted/);
    const saved = new Map(readModelWeights(join(dir, out)).map((w) => [w.name, w.values]));
    expect(Array.from(saved.get('n/mean')!)).toEqual(STATS.mean.map(Math.fround));
  });
});

it('a Normalization on a computed input stops train with NN914 at the layer (exit 1)', async () => {
  writeFileSync(join(dir, 'computed.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('  n: {type: Normalization}', '  d: {type: Dense, units: 3}\n  n: {type: Normalization}'));
  const r = await runCli(['train', 'computed.yaml', '--data', DATA, '--out', 'run-computed', '--backend', 'cpu', '--format', 'json'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr + r.stdout).toContain('"code": "NN914"');
  expect(r.stderr + r.stdout).toContain('"line": 7');
  expect(r.stderr).not.toMatch(/^adapted /m);
});
