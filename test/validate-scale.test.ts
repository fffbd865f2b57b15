import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

/** A directory of `n` specs: the seed specs copied, every fifth one broken in a different way. */
function corpus(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-vscale-'));
  const seeds = readdirSync(join(ROOT, 'specs')).map((f) => readFileSync(join(ROOT, 'specs', f), 'utf8'));
  for (let i = 0; i < n; i++) {
    let text = seeds[i % seeds.length]!.replace(/^name: (\w+)/m, `name: $1_${i}`);
    if (i % 5 === 0) text = text.replace(/type: Dense/, 'type: Dens').replace(/outputs: \[(\w+)/, `outputs: [$1_${i}`);
    writeFileSync(join(dir, `spec_${String(i).padStart(3, '0')}.yaml`), text);
  }
  return dir;
}

describe('validate at CI scale', () => {
  it('worker threads report exactly what one thread reports, in file order', () => {
    const dir = corpus(70);
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/nnspec'), 'validate', '.', ...args], { cwd: dir, encoding: 'utf8' });
    const one = cli('--jobs', '1', '--format', 'json');
    const two = cli('--jobs', '2', '--format', 'json');
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    const report = JSON.parse(two.stdout) as { files: { file: string; valid: boolean }[] };
    expect(report.files.map((f) => f.file)).toEqual([...report.files.map((f) => f.file)].sort());
    expect(report.files.filter((f) => !f.valid)).toHaveLength(14);
    const pretty1 = cli('--jobs', '1');
    const pretty2 = cli('--jobs', '2');
    expect(pretty2.stdout).toBe(pretty1.stdout);
    expect(pretty2.stdout).toMatch(/spec_000\.yaml:\d+:\d+: error\[NN20\d\]/);
  });

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
