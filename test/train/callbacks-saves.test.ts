/**
 * What a save costs in durable-write system calls (issue 11: 27 fsyncs and 13 renames an epoch
 * before): a checkpoint fsyncs its files once each in the staged directory, publishes it with one
 * rename, links the run's model files to it; an epoch without a checkpoint only renames the logs.
 * Counted by wrapping node:fs, not timed.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const counts = { fsync: 0, rename: 0, link: 0 };
const real = { fsyncSync: fs.fsyncSync, renameSync: fs.renameSync, linkSync: fs.linkSync };
const mutable = fs as unknown as Record<string, unknown>;
mutable.fsyncSync = (fd: number) => (counts.fsync++, real.fsyncSync(fd));
mutable.renameSync = (a: fs.PathLike, b: fs.PathLike) => (counts.rename++, real.renameSync(a, b));
mutable.linkSync = (a: fs.PathLike, b: fs.PathLike) => (counts.link++, real.linkSync(a, b));
syncBuiltinESMExports();

const { saver } = await import('../../src/train/saver.js');
const { readModelWeights } = await import('../../src/train/run-files.js');

const run = fs.mkdtempSync(join(tmpdir(), 'nnspec-saves-'));
afterAll(() => {
  Object.assign(mutable, real);
  syncBuiltinESMExports();
  fs.rmSync(run, { recursive: true, force: true });
});

const engine = {
  describe: () => ({ format: 'layers-model', generatedBy: 't', convertedBy: null, modelTopology: {} }),
  readWeights: async () => [{ name: 'dense/kernel', shape: [2], values: Float32Array.from([1, 2]) }],
  readSlots: async () => ({ iterations: 3, slots: [{ name: 'dense/kernel/m', shape: [2], values: Float32Array.from([0.5, 0.5]) }] }),
};
const save = saver(engine as never, run, () => ({ status: 'running', spec: 's', data: 'd', backend: 'cpu', backend_detail: 'cpu', samples: { train: 1, validation: 0 }, started_at: '', wall_seconds: 1 }));
const state = (epoch: number) => ({ version: 1, epoch, batch: 0, history: [{ loss: 1 }], wait: 0, trainSeconds: 0, samplesSeen: 0, settings: { seed: 1, epochs: 9, batchSize: 8, shuffle: true, validationSplit: 0 }, optimizer: { type: 'adam' }, hashes: { spec: '', data: '' } }) as never;
const measure = async (f: () => Promise<void>) => {
  Object.assign(counts, { fsync: 0, rename: 0, link: 0 });
  await f();
  return { ...counts };
};

describe('the cost of a save', () => {
  it('a checkpoint with the model: 9 fsyncs, the directory and the pointer renamed, the model linked, the logs renamed', async () => {
    await save(state(0));
    expect(await measure(() => save(state(1), { checkpoint: true, model: true, final: false }))).toEqual({ fsync: 9, rename: 7, link: 2 });
    // The run's model files are the checkpoint's (hard links), so they hold its weights.
    const pointer = JSON.parse(fs.readFileSync(join(run, 'checkpoint.json'), 'utf8')) as { dir: string };
    expect(fs.statSync(join(run, 'weights.bin')).ino).toBe(fs.statSync(join(run, pointer.dir, 'weights.bin')).ino);
    expect(readModelWeights(run)[0]!.values).toEqual(Float32Array.from([1, 2]));
  });

  it('an epoch without a checkpoint renames history.json, history.csv and run.json, and syncs nothing', async () => {
    expect(await measure(() => save(state(2), { checkpoint: false, model: false, final: false }))).toEqual({ fsync: 0, rename: 3, link: 0 });
  });

  it("the run's last save also fsyncs the logs and their directory", async () => {
    expect(await measure(() => save(state(3), { checkpoint: true, model: true, final: true }))).toEqual({ fsync: 9 + 6, rename: 7, link: 2 });
  });
});
