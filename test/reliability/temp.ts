/** Temporary files for the reliability tests: one directory per test process, removed on exit. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function tempDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'nnspec-reliability-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

export function writeTemp(name: string, content: string | Uint8Array): string {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}
