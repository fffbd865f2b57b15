import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';
import { corpus } from './support/spec-corpus.js';

describe('validate at CI scale', () => {
  it('--cache answers unchanged files from the cache and recompiles changed ones', async () => {
    const dir = corpus(10);
    const first = await runCli(['validate', '.', '--cache', '--format', 'json'], { cwd: dir });
    expect(existsSync(join(dir, '.nnspec-cache'))).toBe(true);
    const cache = JSON.parse(readFileSync(join(dir, '.nnspec-cache'), 'utf8')) as { files: Record<string, { hash: string; diagnostics: { code: string }[] }> };
    expect(Object.keys(cache.files)).toHaveLength(10);
    // A planted entry proves the second run read the cache instead of compiling.
    const key = join(dir, 'spec_001.yaml');
    cache.files[key]!.diagnostics = [{ code: 'NN300', severity: 'error', message: 'from the cache', file: 'spec_001.yaml', line: 1, column: 1, end_line: 1, end_column: 2 } as never];
    writeFileSync(join(dir, '.nnspec-cache'), JSON.stringify(cache));
    const second = await runCli(['validate', '.', '--cache', '--format', 'json'], { cwd: dir });
    expect(second.stdout).toContain('from the cache');
    // Change the file: its hash no longer matches and it is compiled again.
    writeFileSync(key, readFileSync(key, 'utf8') + '\n# edited\n');
    const third = await runCli(['validate', '.', '--cache', '--format', 'json'], { cwd: dir });
    expect(third.stdout).not.toContain('from the cache');
    expect(third.stdout).toBe(first.stdout);
  });

  it('ignores a corrupt cache or one written by another nnspec version', async () => {
    const dir = corpus(5);
    writeFileSync(join(dir, 'c.json'), '{not json');
    const corrupt = await runCli(['validate', '.', '--cache-location', 'c.json'], { cwd: dir });
    const plain = await runCli(['validate', '.'], { cwd: dir });
    expect(corrupt.stdout).toBe(plain.stdout);
    expect(corrupt.code).toBe(1);
    const other = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as { nnspec: string; files: Record<string, { diagnostics: unknown[] }> };
    other.nnspec = '0.0.0-other';
    for (const f of Object.values(other.files)) f.diagnostics = [];
    writeFileSync(join(dir, 'c.json'), JSON.stringify(other));
    expect((await runCli(['validate', '.', '--cache-location', 'c.json'], { cwd: dir })).stdout).toBe(plain.stdout);
  });

  it('refuses a --jobs that is not a positive integer (exit 2)', async () => {
    const r = await runCli(['validate', 'specs', '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs/);
  });
});
