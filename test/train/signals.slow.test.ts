/**
 * The run survives its process: Ctrl-C (SIGINT) finishes the batch, saves and exits 130, and
 * --resume then ends exactly where an uninterrupted run ends; kill -9 at any moment, mid-save
 * included, leaves checkpoint.json naming a complete, loadable checkpoint. Runs bin/nnspec
 * (the build) in child processes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { readPointer, type Pointer } from '../../src/train/checkpoint.js';
import { readState } from '../../src/train/state.js';
import { runCli } from '../helpers.js';
import { cpuTf, f32, loadSaved, readJson, spawnCli, tempDir, writeArrays, writeSpec, type Spawned } from './helpers.js';

const spec = (units: number) => `nnspec: 1
name: interruptible
inputs:
  x: {shape: [32]}
layers:
  hidden: {type: Dense, units: ${units}, activation: relu}
  more: {type: Dense, units: ${units}, activation: relu}
  y: {type: Dense, units: 4, activation: softmax}
outputs: [y]
training: {optimizer: adam, loss: categorical_crossentropy, metrics: [acc]}
`;

function dataset(dir: string, n: number): string {
  const rng = rngFor(9, 'signals');
  return writeArrays(join(dir, 'data'), { x: f32([n, 32], () => rng.normal()), y: f32([n, 4], (i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)) });
}

const BATCHES_PER_EPOCH = (n: number, batch: number) => Math.ceil(n / batch);

/**
 * The checkpoint checkpoint.json names is complete and loadable; its optimizer has taken one step
 * per batch trained, and holds Adam's two slots (m, v) per trainable weight once it has taken a
 * step (slots are created by the first step, so the checkpoint saved before training has none).
 */
async function expectLoadable(run: string, batchesPerEpoch: number): Promise<{ epoch: number; batch: number }> {
  const pointer = readPointer(run);
  expect(pointer).toBeDefined();
  const dir = join(run, pointer!.dir);
  const state = readState(dir);
  expect([state.epoch, state.batch]).toEqual([pointer!.epoch, pointer!.batch]);
  const optimizer = readJson<{ iterations: number; weights: unknown[] }>(join(dir, 'optimizer.json'));
  expect(optimizer.iterations).toBe(state.epoch * batchesPerEpoch + state.batch);
  const tf = await cpuTf();
  for (const where of [dir, run]) {
    const model = await loadSaved(tf, where);
    expect(model.outputNames).toEqual(['y']);
    if (where === dir) expect(optimizer.weights).toHaveLength(optimizer.iterations === 0 ? 0 : 2 * model.trainableWeights.length);
    model.dispose();
  }
  return { epoch: pointer!.epoch, batch: pointer!.batch };
}

/** Resolves once checkpoint.json names a checkpoint passing `ready`; false if the run ended first. */
async function untilCheckpoint(run: string, child: Spawned, ready: (p: Pointer) => boolean): Promise<boolean> {
  let ended = false;
  void child.exit.then(() => (ended = true));
  for (;;) {
    const pointer = readPointer(run);
    if (pointer && ready(pointer)) return true;
    if (ended) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
  expect(existsSync(join(dir, '..'))).toBe(true);
});

describe('Ctrl-C', () => {
  it('finishes the batch, saves a loadable checkpoint, exits 130; --resume ends where a straight run ends', async () => {
    const n = 512;
    const data = dataset(dir, n);
    const file = writeSpec(dir, spec(64), 'sigint.yaml');
    const args = (out: string, epochs: number) => ['train', file, '--data', data, '--out', join(dir, out), '--epochs', String(epochs), '--batch-size', '16', '--seed', '4', '--backend', 'cpu', '--quiet'];
    // Far more epochs than the run can reach before the signal: it lands mid-run however slow the machine.
    const child = spawnCli(args('interrupted', 1000));
    expect(await child.waitFor(/epoch 1\/1000/)).toBe(true);
    child.child.kill('SIGINT');
    const { code } = await child.exit;
    expect(child.stderr()).toContain('interrupted: finishing the batch and saving');
    expect(child.stderr()).toMatch(/interrupted: saved .* after (batch \d+ of epoch \d+|epoch \d+); continue with --resume/);
    expect(code).toBe(130);
    const run = join(dir, 'interrupted');
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'interrupted' });
    const at = await expectLoadable(run, BATCHES_PER_EPOCH(n, 16));
    expect(at.epoch).toBeGreaterThanOrEqual(1);

    // Finish the epoch the signal interrupted, and compare with a run that was never interrupted.
    const epochs = at.epoch + 1;
    const resumed = await runCli([...args('interrupted', epochs), '--resume']);
    expect(resumed.code).toBe(0);
    const straight = await runCli(args('straight', epochs));
    expect(straight.code).toBe(0);
    expect(readFileSync(join(run, 'weights.bin')).equals(readFileSync(join(dir, 'straight', 'weights.bin')))).toBe(true);
    expect(readFileSync(join(run, 'history.json'), 'utf8')).toBe(readFileSync(join(dir, 'straight', 'history.json'), 'utf8'));
  });
});

describe('kill -9', () => {
  it('leaves a loadable checkpoint wherever it lands, and the run resumes', async () => {
    const n = 256;
    const data = dataset(dir, n);
    // Wide layers and short epochs: much of the time goes to saving checkpoints, where kills land.
    const file = writeSpec(dir, spec(384), 'kill.yaml');
    const run = join(dir, 'killed');
    const rng = rngFor(1, 'kill-delays');
    let last = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawnCli(['train', file, '--data', data, '--out', run, '--epochs', '1000', '--batch-size', '64', '--seed', '2', '--backend', 'cpu', '--quiet', ...(round > 0 ? ['--resume'] : [])]);
      // Each round first saves an epoch of its own (so the run advances however loaded the
      // machine is), then is killed at a random moment: mid-batch, mid-save or between.
      expect(await untilCheckpoint(run, child, (p) => p.epoch > last)).toBe(true);
      await new Promise((r) => setTimeout(r, rng.int(400)));
      child.child.kill('SIGKILL');
      const { signal } = await child.exit;
      expect(signal).toBe('SIGKILL');
      const { epoch } = await expectLoadable(run, BATCHES_PER_EPOCH(n, 64));
      expect(epoch).toBeGreaterThan(last);
      last = epoch;
    }
    const finish = await runCli(['train', file, '--data', data, '--out', run, '--epochs', String(last + 1), '--resume', '--backend', 'cpu', '--quiet']);
    expect(finish.code).toBe(0);
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'completed', epochs_completed: last + 1 });
    // Leftovers of interrupted saves are gone once a save completes.
    expect(readdirSync(join(run, 'checkpoints'))).toHaveLength(1);
    expect(readdirSync(run).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
