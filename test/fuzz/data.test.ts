/** The data fuzzer at a small count (the recorded run is 2,000 cases, see FUZZING.md). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { fuzzData } from './data-fuzzer.js';

const work = mkdtempSync(join(tmpdir(), 'nnspec-fuzz-data-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('data fuzzer', () => {
  it('finds nothing in 150 mutated data sets (seed 1), some run through evaluate and predict', async () => {
    const stats = await fuzzData({ count: 150, seed: 1, root: ROOT, work, evaluateEvery: 10 });
    expect(stats.cases).toBe(150);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.evaluated).toBeGreaterThan(0);
    expect(stats.findings.map((f) => `case ${f.index} (${f.labels.join(', ')}): ${f.problem}`)).toEqual([]);
  }, 300_000);
});
