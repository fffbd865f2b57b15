/**
 * `nnspec fmt PATH...`: rewrites specs in canonical form (src/format/), comments kept.
 * `--check` changes nothing and fails when a file would change (for CI); `--stdout` prints the
 * formatted text of one file. Exit 0 formatted (or already so), 1 a file not formatted under
 * --check or one that cannot be formatted, 2 usage.
 */
import { resolve } from 'node:path';
import { LineIndex } from '../diagnostics/lines.js';
import type { PrintedDiagnostic } from '../diagnostics/diagnostic.js';
import { formatSpec } from '../format/format.js';
import { MAX_SPEC_BYTES } from '../spec/bytes.js';
import { writeFileAtomic } from '../train/atomic.js';
import { expandPaths, readRegularFile } from './files.js';
import { EXIT, reporterOf, UsageError, type Io } from './io.js';

export interface FmtOptions {
  check?: boolean;
  stdout?: boolean;
}

export async function fmtCommand(paths: string[], opts: FmtOptions, io: Io): Promise<number> {
  if (paths.length === 0) throw new UsageError('fmt needs at least one PATH: a spec file, a directory or a quoted glob');
  const files = await expandPaths(paths, io.cwd);
  if (opts.stdout && files.length !== 1) throw new UsageError(`--stdout prints one file; ${files.length} were given`);
  if (opts.stdout && opts.check) throw new UsageError('give --check or --stdout, not both');
  const reporter = reporterOf(io);
  let failed = 0;
  let changed = 0;
  for (const file of files) {
    const read = readRegularFile(resolve(io.cwd, file), file, MAX_SPEC_BYTES);
    if (!('bytes' in read)) {
      reporter.report(problem('NN121', file, `${file} is ${read.tooLarge} bytes, over the ${MAX_SPEC_BYTES}-byte limit of a spec`));
      failed++;
      continue;
    }
    const source = read.bytes.toString('utf8');
    const result = formatSpec(source);
    if (!result.ok) {
      const lines = new LineIndex(source);
      const at = lines.position(result.offset);
      reporter.source(file, lines);
      reporter.report({ ...problem('NN121', file, `cannot format ${file}: ${result.reason}`), line: at.line, column: at.column, end_line: at.line, end_column: at.column + 1 });
      failed++;
      continue;
    }
    if (opts.stdout) io.stdout.write(result.text);
    else if (result.changed) {
      changed++;
      if (opts.check) {
        const first = firstDifference(source, result.text);
        const lines = new LineIndex(source);
        const at = lines.position(first);
        reporter.source(file, lines);
        reporter.report({ ...problem('NN120', file, `${file} is not formatted (first difference on line ${at.line})`, 'run `nnspec fmt` on it'), line: at.line, column: 1, end_line: at.line, end_column: 1 });
      } else {
        writeFileAtomic(resolve(io.cwd, file), result.text);
        io.stdout.write(`${file}\n`);
      }
    }
  }
  if (!opts.stdout && reporter.format === 'pretty') {
    const verb = opts.check ? (changed ? `${changed} of ${files.length} file${files.length === 1 ? '' : 's'} not formatted` : `${files.length} file${files.length === 1 ? '' : 's'} formatted`) : `${changed} file${changed === 1 ? '' : 's'} rewritten, ${files.length - changed - failed} already formatted`;
    io.stderr.write(`${verb}${failed ? `, ${failed} could not be formatted` : ''}\n`);
  }
  return failed > 0 || (opts.check && changed > 0) ? EXIT.invalid : EXIT.ok;
}

function problem(code: 'NN120' | 'NN121', file: string, message: string, hint?: string): PrintedDiagnostic {
  return { code, severity: 'error', message, file, line: null, column: null, end_line: null, end_column: null, ...(hint ? { hint } : {}) };
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
