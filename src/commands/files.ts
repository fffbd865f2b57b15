/** Expands the paths given to a command: files, directories (every *.yaml / *.yml below) and globs. */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './io.js';

const IGNORE = ['**/node_modules/**', '**/.git/**'];

export async function expandPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(cwd, p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isFile()) out.push(p);
    else if (stat?.isDirectory()) {
      const found = await glob(['**/*.yaml', '**/*.yml'], { cwd: abs, ignore: IGNORE, dot: false });
      out.push(...found.sort().map((f) => display(resolve(abs, f), cwd)));
    } else if (isDynamicPattern(p)) {
      const found = await glob([p], { cwd, ignore: IGNORE, absolute: true });
      if (found.length === 0) throw new UsageError(`no files match '${p}'`);
      out.push(...found.sort().map((f) => display(f, cwd)));
    } else {
      throw new UsageError(`no such file or directory: '${p}'`);
    }
  }
  return [...new Set(out)];
}

function display(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith('..') ? abs : rel;
}
