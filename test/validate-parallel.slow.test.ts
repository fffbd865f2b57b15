import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { corpus } from './support/spec-corpus.js';

describe('validate on worker threads (the built CLI)', () => {
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

});
