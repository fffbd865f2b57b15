/**
 * Where nnspec's own files are (package.json, schemas/, dist/), found by walking up from this
 * module: the same answer from src/ (tests), dist/ (tsc output) and the bundled dist/nnspec.mjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'nnspec') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('internal: cannot find the nnspec package root');
    dir = up;
  }
}

/** A file of the package, by its path from the package root. */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}
