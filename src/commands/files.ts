/** Expands the paths given to a command: files, directories (every *.yaml / *.yml below) and globs. */
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { compile, type CompileResult } from '../compiler/compile.js';
import { LineIndex } from '../diagnostics/lines.js';
import { MAX_SPEC_BYTES, TOO_LARGE_HINT, tooLargeMessage } from '../spec/bytes.js';
import { reporterOf, UsageError, type Io } from './io.js';
import { FileReadError, readRegular } from '../spec/read-file.js';

const IGNORE = ['**/node_modules/**', '**/.git/**'];

/**
 * Every spec file the paths name, each once, in the order given (a directory's or glob's
 * files sorted). A path that names nothing is a usage error: a typo must not pass as "0 files, valid".
 */
export async function expandPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(cwd, p);
    const stat = statOrUndefined(abs);
    if (stat?.isFile()) out.push(p);
    else if (stat?.isDirectory()) {
      // Symbolic links are not followed: a link back up the tree would never end.
      const found = await glob(['**/*.yaml', '**/*.yml'], { cwd: abs, ignore: IGNORE, dot: false, followSymbolicLinks: false });
      if (found.length === 0) throw new UsageError(`no *.yaml or *.yml files in '${p}'`);
      out.push(...found.sort().map((f) => display(resolve(abs, f), cwd)));
    } else if (stat) {
      throw new UsageError(`'${p}' is not a file or directory`);
    } else if (isDynamicPattern(p)) {
      const found = await glob([p], { cwd, ignore: IGNORE, absolute: true, followSymbolicLinks: false });
      if (found.length === 0) throw new UsageError(`no files match '${p}'`);
      out.push(...found.sort().map((f) => display(f, cwd)));
    } else {
      throw new UsageError(`no such file or directory: '${p}'`);
    }
  }
  return [...new Set(out)];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function display(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith('..') ? abs : rel;
}

/**
 * A regular file's bytes, or its size when it is over `maxBytes` (src/spec/read-file.ts);
 * failures are usage errors naming the file as the user wrote it.
 */
export function readRegularFile(abs: string, shown: string, maxBytes: number): { bytes: Buffer } | { tooLarge: number } {
  try {
    return readRegular(abs, shown, maxBytes);
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(e.message);
    throw e;
  }
}

/** A spec's bytes, or its size when it is over the cap. */
export function readSpecFile(file: string, cwd: string): { bytes: Buffer } | { tooLarge: number } {
  return readRegularFile(resolve(cwd, file), file, MAX_SPEC_BYTES);
}

/** Reads (size first) and compiles one spec file; a file over the cap is one NN100 diagnostic. */
export function compileFile(file: string, cwd: string): CompileResult {
  const read = readSpecFile(file, cwd);
  if ('bytes' in read) return compile(read.bytes, file, { cwd });
  const at = { file, line: 1, column: 1, end_line: 1, end_column: 1 };
  return { diagnostics: [{ code: 'NN100', severity: 'error', message: tooLargeMessage(read.tooLarge), ...at, hint: TOO_LARGE_HINT }], ok: false, text: '' };
}

/** compileFile for the commands that take one spec: its diagnostics go to stderr, the result is returned. */
export function compileReporting(file: string, io: Io): CompileResult {
  const result = compileFile(file, io.cwd);
  const reporter = reporterOf(io);
  if (result.text.length > 0) reporter.source(file, new LineIndex(result.text));
  reporter.reportAll(result.diagnostics);
  return result;
}
