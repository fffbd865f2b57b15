/** --shuffle-block: every sample once an epoch, blocks of consecutive samples kept together, seeded. */
import { describe, expect, it } from 'vitest';
import { blockShuffle, range } from '../../src/train/batches.js';
import { rngFor } from '../../src/train/random.js';
import { resumeConflict } from '../../src/train/settings.js';
import type { RunState } from '../../src/train/state.js';

describe('blockShuffle', () => {
  it('permutes blocks and the samples inside each, seeded', () => {
    const order = blockShuffle(range(0, 103), 10, rngFor(1, 'shuffle', 0));
    expect([...order].sort((a, b) => a - b)).toEqual([...range(0, 103)]);
    expect([...order]).not.toEqual([...range(0, 103)]);
    // Each run of 10 (the last block has 3) holds one block's samples.
    const blocks: number[] = [];
    for (let at = 0; at < order.length; ) {
      const b = Math.floor(order[at]! / 10);
      const size = b === 10 ? 3 : 10;
      expect(new Set([...order.subarray(at, at + size)].map((i) => Math.floor(i / 10)))).toEqual(new Set([b]));
      blocks.push(b);
      at += size;
    }
    expect(blocks.sort((a, b) => a - b)).toEqual([...range(0, 11)]);
    expect([...blockShuffle(range(0, 103), 10, rngFor(1, 'shuffle', 0))]).toEqual([...order]);
    expect([...blockShuffle(range(0, 103), 10, rngFor(1, 'shuffle', 1))]).not.toEqual([...order]);
  });

  it('cannot change on resume', () => {
    const state = { hashes: { spec: 's', data: 'd' }, settings: { epochs: 3, batchSize: 32, seed: 1, shuffle: true, validationSplit: 0, shuffleBlock: 64 }, epoch: 1, batch: 0, optimizer: {} } as unknown as RunState;
    expect(resumeConflict(state, state.hashes, { data: 'd', shuffleBlock: 32 })).toBe('the run uses --shuffle-block 64; it cannot change on resume');
    expect(resumeConflict(state, state.hashes, { data: 'd' })).toBeUndefined();
  });
});
