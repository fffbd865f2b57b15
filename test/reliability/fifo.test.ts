/**
 * Issue 10, item 4: a FIFO given as a spec or model file, or named like a data file inside
 * --data DIR, is refused with a message instead of blocking forever in open(2). (Before the fix
 * each of these hung until the test timed out.)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';
import { tempDir } from './temp.js';

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

describe.skipIf(process.platform === 'win32')('a FIFO where a file is expected', () => {
  const dir = join(tempDir(), 'fifo');
  mkdirSync(dir, { recursive: true });
  const spec = fifo(join(dir, 'model.yaml'));

  it.each([
    ['summary', ['summary', spec]],
    ['graph', ['graph', '--format', 'dot', spec]],
    ['graph svg', ['graph', spec]],
    ['train', ['train', spec, '--data', dir, '--out', join(dir, 'run')]],
    ['export', ['export', spec, '--to', 'keras-json']],
    ['synth', ['synth', spec, '--samples', '2', '--out', join(dir, 'synth')]],
  ])('%s: exit 2, the file named as a FIFO', async (_name, argv) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read '${spec}': it is a named pipe (FIFO), not a file`);
    expect(r.stdout).toBe('');
  });

  it('validate: exit 2', async () => {
    const r = await runCli(['validate', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${spec}' is not a file or directory`);
  });

  it('import: exit 2', async () => {
    const model = fifo(join(dir, 'model.json'));
    const r = await runCli(['import', model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read '${model}': it is a named pipe (FIFO), not a file`);
  });

  it('train: a FIFO named like a data file in --data DIR is an NN800 data error, exit 1', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    // sequential_mlp: input `features`, output `dense_3`.
    copyFileSync(join(ROOT, 'test/fixtures/data/mlp_text/dense_3.json'), join(data, 'dense_3.json'));
    fifo(join(data, 'features.npy'));
    const r = await runCli(['train', join(ROOT, 'specs/sequential_mlp.yaml'), '--data', data, '--out', join(dir, 'run2'), '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/features\.npy.*is a named pipe \(FIFO\), not a file/);
    expect(r.stderr).toContain('NN800');
  });
});
