/**
 * The spec fuzzer at a small count (the full run is `npm run fuzz -- --count 100000`, see
 * FUZZING.md), and every crash it found, kept as a fixture in test/fixtures/fuzz/, replayed
 * through the same oracle.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { checkImportCase, checkSpecCase, type Finding } from './oracle.js';
import { fuzzSpecs } from './spec-fuzzer.js';

const work = mkdtempSync(join(tmpdir(), 'nnspec-fuzz-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fixtures = (kind: string) => {
  const dir = join(ROOT, 'test/fixtures/fuzz', kind);
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.txt')).sort().map((f) => join(dir, f)) : [];
};

describe('spec fuzzer', () => {
  it('finds nothing in 300 mutated specs and Keras JSON files (seed 1)', async () => {
    const stats = await fuzzSpecs({ count: 300, seed: 1, root: ROOT, work: join(work, 'run') });
    expect(stats.cases).toBe(300);
    expect(stats.findings.map((f) => `case ${f.index} (${f.labels.join(', ')}): ${f.problem}${f.argv ? ` — nnspec ${f.argv.join(' ')}` : ''}`)).toEqual([]);
  });

  const saved = [...fixtures('spec'), ...fixtures('import')];
  it.skipIf(saved.length === 0).each(saved.map((f) => [f.slice(ROOT.length)] as const))('regression fixture %s passes the oracle', async (rel) => {
    const source = join(ROOT, rel);
    const bytes = readFileSync(source);
    const file = join(work, rel.endsWith('.json') ? 'fixture.json' : 'fixture.yaml');
    writeFileSync(file, bytes);
    const findings: Finding[] = [];
    if (rel.endsWith('.json')) await checkImportCase(file, bytes, work, findings);
    else for (let index = 0; index < 4; index++) await checkSpecCase(file, bytes, work, index, { svg: index === 0 && bytes.length < 20_000 }, findings);
    expect(findings.map((f) => f.problem)).toEqual([]);
  });
});
