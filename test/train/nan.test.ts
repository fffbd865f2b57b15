/**
 * A loss that becomes NaN or Inf stops the run within one batch, before the bad update: the exit
 * status is 1, the message names the epoch and batch, and the last good checkpoint stays.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { readPointer } from '../../src/train/checkpoint.js';
import { runCli } from '../helpers.js';
import { cpuTf, f32, loadSaved, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

// Plain SGD with a learning rate far too large: every step multiplies the error, until it overflows.
const SPEC = `nnspec: 1
name: diverging
inputs:
  x: {shape: [4]}
layers:
  y: {type: Dense, units: 1}
outputs: [y]
training: {optimizer: {type: sgd, learning_rate: 3.0}, loss: mse, batch_size: 8}
`;

describe('a diverging run', () => {
  it('stops at the first non-finite loss, names epoch and batch, and keeps the last good checkpoint', async () => {
    const dir = tempDir();
    const rng = rngFor(2, 'nan');
    const data = writeArrays(join(dir, 'data'), { x: f32([32, 4], () => rng.normal()), y: f32([32, 1], () => rng.normal()) });
    const run = join(dir, 'run');
    const r = await runCli(['train', writeSpec(dir, SPEC), '--data', data, '--out', run, '--epochs', '50', '--seed', '1', '--backend', 'cpu', '--quiet']);
    expect(r.code).toBe(1);
    const m = /training stopped: the loss is (NaN|Infinity) at epoch (\d+), batch (\d+) of 4; the update was not applied/.exec(r.stderr);
    expect(m).not.toBeNull();
    const epoch = Number(m![2]);
    expect(epoch).toBeGreaterThan(1);
    expect(r.stderr).toContain(`keeps the last good checkpoint (${epoch - 1} epochs completed`);
    expect(r.stderr).toContain('hint: lower the learning rate');
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'diverged', epochs_completed: epoch - 1 });
    expect(readPointer(run)).toMatchObject({ epoch: epoch - 1, batch: 0 });
    const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
    expect(history.loss).toHaveLength(epoch - 1);
    expect(history.loss!.every(Number.isFinite)).toBe(true);
    const tf = await cpuTf();
    for (const where of [run, join(run, readPointer(run)!.dir)]) {
      const model = await loadSaved(tf, where);
      for (const w of model.weights) expect([...w.read().dataSync()].every(Number.isFinite)).toBe(true);
      model.dispose();
    }
  });
});
