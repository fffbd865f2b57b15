/**
 * --resume continues from the last checkpoint with the optimizer's state: one epoch then two more
 * gives exactly the weights and history of three epochs straight. It refuses a changed spec or
 * changed data, and a run directory is never overwritten without it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: resumable
inputs:
  x: {shape: [5]}
layers:
  hidden: {type: Dense, units: 12, activation: tanh}
  dropped: {type: Dropout, rate: 0.2}
  y: {type: Dense, units: 2, activation: softmax}
outputs: [y]
training: {optimizer: {type: adam, learning_rate: 0.01}, loss: categorical_crossentropy, metrics: [acc], batch_size: 8}
`;

let dir: string;
let data: string;
let spec: string;
const train = (out: string, ...extra: string[]) => runCli(['train', spec, '--data', data, '--out', join(dir, out), '--seed', '3', '--backend', 'cpu', '--quiet', ...extra]);

beforeAll(() => {
  dir = tempDir();
  const rng = rngFor(8, 'resume');
  data = writeArrays(join(dir, 'data'), { x: f32([60, 5], () => rng.normal()), y: f32([60, 2], (i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)) });
  spec = writeSpec(dir, SPEC);
});

describe('--resume', () => {
  it('continues where the run stopped, with optimizer state: 1 + 2 epochs = 3 epochs exactly', async () => {
    expect((await train('straight', '--epochs', '3')).code).toBe(0);
    expect((await train('resumed', '--epochs', '1')).code).toBe(0);
    expect(readJson(join(dir, 'resumed', 'checkpoint.json'))).toMatchObject({ epoch: 1, batch: 0 });
    const r = await train('resumed', '--epochs', '3', '--resume');
    expect(r.stderr).toContain('resuming');
    expect(r.stderr).toContain('at epoch 2');
    expect(r.code).toBe(0);
    const bytes = (run: string, f: string) => readFileSync(join(dir, run, f));
    expect(bytes('resumed', 'weights.bin').equals(bytes('straight', 'weights.bin'))).toBe(true);
    expect(bytes('resumed', 'history.json').toString()).toBe(bytes('straight', 'history.json').toString());
    expect(readJson(join(dir, 'resumed', 'run.json'))).toMatchObject({ status: 'completed', epochs_completed: 3 });
  });

  it('refuses a changed spec and changed data, but not a changed comment', async () => {
    expect((await train('guarded', '--epochs', '1')).code).toBe(0);
    writeFileSync(spec, SPEC.replace('units: 12', 'units: 13'));
    const changed = await train('guarded', '--epochs', '2', '--resume');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/guarded: error\[NN902\]: cannot resume the run: /);
    expect(changed.stderr).toContain('the spec changed since the run started');
    writeFileSync(spec, '# a comment\n' + SPEC);
    const original = readFileSync(join(data, 'x.npy'));
    const altered = Buffer.from(original);
    altered[altered.length - 1] ^= 1;
    writeFileSync(join(data, 'x.npy'), altered);
    const dataChanged = await train('guarded', '--epochs', '2', '--resume');
    expect(dataChanged.code).toBe(1);
    expect(dataChanged.stderr).toContain(`the data in ${data} changed since the run started`);
    writeFileSync(join(data, 'x.npy'), original);
    const ok = await train('guarded', '--epochs', '2', '--resume');
    expect(ok.code).toBe(0);
    writeFileSync(spec, SPEC);
  });

  it('refuses a different batch size or seed, and a run with nothing left to do', async () => {
    expect((await train('settled', '--epochs', '1')).code).toBe(0);
    const batch = await train('settled', '--epochs', '2', '--resume', '--batch-size', '4');
    expect(batch.code).toBe(1);
    expect(batch.stderr).toContain('the run uses --batch-size 8; it cannot change on resume');
    const done = await train('settled', '--resume');
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('the run already completed 1 epoch; pass a larger --epochs to train further');
  });

  it('needs a checkpoint to resume from, and never overwrites a run without --resume', async () => {
    const none = await train('nothing-here', '--resume');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('holds no checkpoint to resume from');
    expect((await train('kept', '--epochs', '1')).code).toBe(0);
    const again = await train('kept', '--epochs', '1');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty; pass --resume to continue the run in it, or choose another --out');
  });
});
