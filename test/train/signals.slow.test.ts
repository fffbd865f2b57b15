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
import { readPointer } from '../../src/train/checkpoint.js';
import { readState } from '../../src/train/state.js';
import { runCli } from '../helpers.js';
import { cpuTf, f32, loadSaved, readJson, spawnCli, tempDir, writeArrays, writeSpec } from './helpers.js';

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

async function expectLoadable(run: string): Promise<number> {
  const pointer = readPointer(run);
  expect(pointer).toBeDefined();
  const dir = join(run, pointer!.dir);
  const state = readState(dir);
  expect(state.epoch).toBe(pointer!.epoch);
  expect(readJson<{ weights: unknown[] }>(join(dir, 'optimizer.json')).weights.length).toBeGreaterThan(0);
  const tf = await cpuTf();
  for (const where of [dir, run]) {
    const model = await loadSaved(tf, where);
    expect(model.outputNames).toEqual(['y']);
    model.dispose();
  }
  return pointer!.epoch;
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
  expect(existsSync(join(dir, '..'))).toBe(true);
});

describe('Ctrl-C', () => {
  it('finishes the batch, saves a loadable checkpoint, exits 130; --resume ends where a straight run ends', async () => {
    const data = dataset(dir, 6000);
    const file = writeSpec(dir, spec(64), 'sigint.yaml');
    const args = (out: string) => ['train', file, '--data', data, '--out', join(dir, out), '--epochs', '4', '--batch-size', '16', '--seed', '4', '--backend', 'cpu', '--quiet'];
    const child = spawnCli(args('interrupted'));
    expect(await child.waitFor(/epoch 1\/4/)).toBe(true);
    child.child.kill('SIGINT');
    const { code } = await child.exit;
    expect(child.stderr()).toContain('interrupted: finishing the batch and saving');
    expect(child.stderr()).toMatch(/interrupted: saved .* after (batch \d+ of epoch \d|epoch \d); continue with --resume/);
    expect(code).toBe(130);
    const run = join(dir, 'interrupted');
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'interrupted' });
    expect(await expectLoadable(run)).toBeGreaterThanOrEqual(1);

    const resumed = await runCli([...args('interrupted'), '--resume']);
    expect(resumed.code).toBe(0);
    const straight = await runCli(args('straight'));
    expect(straight.code).toBe(0);
    expect(readFileSync(join(run, 'weights.bin')).equals(readFileSync(join(dir, 'straight', 'weights.bin')))).toBe(true);
    expect(readFileSync(join(run, 'history.json'), 'utf8')).toBe(readFileSync(join(dir, 'straight', 'history.json'), 'utf8'));
  });
});

describe('kill -9', () => {
  it('leaves a loadable checkpoint wherever it lands, and the run resumes', async () => {
    const data = dataset(dir, 256);
    // Wide layers and short epochs: much of the time goes to saving checkpoints, where kills land.
    const file = writeSpec(dir, spec(384), 'kill.yaml');
    const run = join(dir, 'killed');
    const rng = rngFor(1, 'kill-delays');
    let last = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawnCli(['train', file, '--data', data, '--out', run, '--epochs', '1000', '--batch-size', '64', '--seed', '2', '--backend', 'cpu', '--quiet', ...(round > 0 ? ['--resume'] : [])]);
      expect(await child.waitFor(/^backend:/m)).toBe(true);
      await new Promise((r) => setTimeout(r, 200 + rng.int(1200)));
      child.child.kill('SIGKILL');
      const { signal } = await child.exit;
      expect(signal).toBe('SIGKILL');
      const epoch = await expectLoadable(run);
      expect(epoch).toBeGreaterThanOrEqual(last);
      last = epoch;
    }
    expect(last).toBeGreaterThan(0);
    const finish = await runCli(['train', file, '--data', data, '--out', run, '--epochs', String(last + 1), '--resume', '--backend', 'cpu', '--quiet']);
    expect(finish.code).toBe(0);
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'completed', epochs_completed: last + 1 });
    // Leftovers of interrupted saves are gone once a save completes.
    expect(readdirSync(join(run, 'checkpoints'))).toHaveLength(1);
    expect(readdirSync(run).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
