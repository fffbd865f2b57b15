/**
 * `nnspec validate PATH...`: compile every spec and report every problem, located. Many files
 * are checked on every core (src/validate/pool.ts); `--cache` skips files whose bytes have not
 * changed since a run of the same nnspec version (src/validate/cache.ts).
 */
import type { FileReport } from '../diagnostics/render/json.js';
import { painter } from '../diagnostics/render/color.js';
import { renderJson } from '../diagnostics/render/json.js';
import { countLine } from '../diagnostics/render/pretty.js';
import { renderSarif } from '../diagnostics/render/sarif.js';
import { NNSPEC_VERSION } from '../backends/export/version.js';
import { resolve } from 'node:path';
import { DEFAULT_CACHE_FILE, ValidateCache } from '../validate/cache.js';
import { checkFiles, type CacheView } from '../validate/pool.js';
import { FileReadError } from '../spec/read-file.js';
import { expandPaths } from './files.js';
import { EXIT, oneOf, UsageError, type Io } from './io.js';

export const VALIDATE_FORMATS = ['pretty', 'json', 'github', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export interface ValidateOptions {
  format: ValidateFormat;
  /** Warnings fail the run too. */
  strict?: boolean;
  /** Reuse the diagnostics of unchanged files (content hash). */
  cache?: boolean;
  /** Where the cache lives (default .nnspec-cache in the working directory). */
  cacheLocation?: string;
  /** Worker threads (default: every core; 1 checks on the main thread). */
  jobs?: number;
}

export type { FileReport };

export const parseFormat = oneOf('--format', VALIDATE_FORMATS);

/** Exit 0 when every spec is valid, 1 when any is not; usage errors (exit 2) are thrown as UsageError. */
export async function validateCommand(paths: string[], opts: ValidateOptions, io: Io): Promise<number> {
  if (paths.length === 0) throw new UsageError('validate needs at least one PATH: a spec file, a directory or a quoted glob');
  const format = parseFormat(opts.format);
  const files = await expandPaths(paths, io.cwd);
  const cache = opts.cache || opts.cacheLocation ? ValidateCache.open(opts.cacheLocation ?? DEFAULT_CACHE_FILE, io.cwd, `${NNSPEC_VERSION}${opts.strict ? '+strict' : ''}`) : undefined;
  const key = (file: string) => resolve(io.cwd, file);
  const view: CacheView | undefined = cache && { lookup: (f, h) => cache.lookup(key(f), h), entry: (f) => cache.entry(key(f)) };
  let results;
  try {
    results = await checkFiles(files, { cwd: io.cwd, format, strict: opts.strict === true, isTTY: io.stdout.isTTY === true, env: { ...io.env } }, view, { jobs: opts.jobs });
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(e.message);
    throw e;
  }

  const reports: FileReport[] = [];
  for (const r of results) {
    reports.push({ file: r.file, valid: r.valid, diagnostics: r.diagnostics });
    if (r.rendered) io.stdout.write(r.rendered);
    if (cache && r.hash) cache.store(key(r.file), r.hash, r.diagnostics);
  }
  cache?.save();
  const all = reports.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (format === 'json') io.stdout.write(renderJson(reports, errors, warnings));
  if (format === 'sarif') io.stdout.write(renderSarif(all, NNSPEC_VERSION, io.cwd));
  if (format === 'pretty') io.stdout.write(countLine(errors, warnings, files.length, painter({ isTTY: io.stdout.isTTY, env: io.env })));
  return reports.every((r) => r.valid) ? EXIT.ok : EXIT.invalid;
}
