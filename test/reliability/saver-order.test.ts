/**
 * Kill safety (issue 10, item 9, found by scripts/kill-test.mjs): a run killed right after its
 * last checkpoint was written had the previous epoch's top-level model.json/weights.bin, and
 * --resume refused (NN902, nothing left to do). The saver now writes the top-level files first:
 * whenever a checkpoint is being written, the run's weights.bin already holds its weights.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const seenAtCheckpoint: (Buffer | undefined)[] = [];

vi.mock('../../src/train/checkpoint.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/train/checkpoint.js')>();
  return {
    ...actual,
    writeCheckpoint: async (run: string, ...rest: Parameters<typeof actual.writeCheckpoint> extends [string, ...infer R] ? R : never) => {
      // The moment a kill would leave this checkpoint as the last one: what is the run's weights.bin?
      const file = join(run, 'weights.bin');
      seenAtCheckpoint.push(existsSync(file) ? readFileSync(file) : undefined);
      return actual.writeCheckpoint(run, ...rest);
    },
  };
});

const { saver } = await import('../../src/train/saver.js');

const run = mkdtempSync(join(tmpdir(), 'nnspec-saver-'));
afterAll(() => rmSync(run, { recursive: true, force: true }));

describe('saving a run', () => {
  it("writes the top-level weights before the checkpoint that makes them the run's last", async () => {
    let step = 0;
    const engine = {
      describe: () => ({ format: 'layers-model', modelTopology: {} }),
      readWeights: async () => [{ name: 'dense/kernel', shape: [2], values: Float32Array.from([step, step + 0.5]) }],
      readSlots: async () => ({ iterations: step, slots: [] }),
    };
    const save = saver(engine as never, run, () => ({ status: 'running', spec: 's', data: 'd', backend: 'cpu', backend_detail: 'cpu' }) as never);
    const state = (epoch: number) => ({ version: 1, epoch, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, settings: { seed: 1, epochs: 2, batchSize: 8 }, optimizer: {}, hashes: {} }) as never;
    for (step = 1; step <= 2; step++) await save(state(step));
    expect(seenAtCheckpoint).toHaveLength(2);
    for (const [i, bytes] of seenAtCheckpoint.entries()) {
      expect(bytes, `checkpoint ${i + 1}`).toBeDefined();
      expect([...new Float32Array(bytes!.buffer, bytes!.byteOffset, 2)]).toEqual([i + 1, i + 1.5]);
    }
  });
});
