/**
 * A reader that stops early (`nnspec schema | head`): the binary leaves quietly, exit 0 and no
 * EPIPE stack trace. Spawns bin/nnspec, so it needs the build (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

it('nnspec schema into a pipe closed after the first chunk exits 0 without a stack trace', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin/nnspec'), 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let first = '';
  child.stdout.once('data', (chunk: Buffer) => {
    first = chunk.toString('utf8');
    // As `head` does: stop reading and close the read end.
    child.stdout.destroy();
  });
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  expect(first.startsWith('{')).toBe(true);
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
