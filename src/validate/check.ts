/**
 * One spec file checked for `validate`: read (size first), compiled — or answered from the
 * content-hash cache — and rendered in the run's format. Runs on the main thread or in a worker.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { compile } from '../compiler/compile.js';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';
import { painter } from '../diagnostics/render/color.js';
import { renderGithub } from '../diagnostics/render/github.js';
import { renderPretty } from '../diagnostics/render/pretty.js';
import { MAX_SPEC_BYTES, TOO_LARGE_HINT, tooLargeMessage } from '../spec/bytes.js';
import { readRegular } from '../spec/read-file.js';

export type CheckFormat = 'pretty' | 'json' | 'github' | 'sarif';

export interface CheckOptions {
  cwd: string;
  format: CheckFormat;
  strict: boolean;
  /** Colour level inputs for pretty output (the main process's TTY and environment). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export interface FileResult {
  file: string;
  valid: boolean;
  diagnostics: LocatedDiagnostic[];
  /** The file's text in the run's format (pretty, github); empty for json and sarif. */
  rendered: string;
  /** sha256 of the file's bytes (for the cache). */
  hash?: string;
}

/** A cache lookup: the diagnostics stored for these bytes, if any. */
export type CacheLookup = (file: string, hash: string) => LocatedDiagnostic[] | undefined;

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function checkFile(file: string, opts: CheckOptions, cached?: CacheLookup): FileResult {
  const read = readRegular(resolve(opts.cwd, file), file, MAX_SPEC_BYTES);
  let diagnostics: LocatedDiagnostic[];
  let text = '';
  let hash: string | undefined;
  if ('bytes' in read) {
    // A spec taking blocks from other files (`from:`) is not answered by its own bytes' hash alone: never cached.
    hash = Buffer.from(read.bytes).includes('from:') ? undefined : hashBytes(read.bytes);
    const hit = hash === undefined ? undefined : cached?.(file, hash);
    if (hit && hit.length === 0) diagnostics = hit;
    else {
      const result = hit ? undefined : compile(read.bytes, file, { cwd: opts.cwd });
      diagnostics = hit ?? result!.diagnostics;
      // Source lines are needed only to quote them.
      text = opts.format === 'pretty' && diagnostics.length > 0 ? (result?.text ?? new TextDecoder().decode(read.bytes)) : '';
    }
  } else {
    diagnostics = [{ code: 'NN100', severity: 'error', message: tooLargeMessage(read.tooLarge), file, line: 1, column: 1, end_line: 1, end_column: 1, hint: TOO_LARGE_HINT }];
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const valid = errors === 0 && !(opts.strict && diagnostics.length > 0);
  const rendered = opts.format === 'pretty' ? renderPretty(diagnostics, text, painter({ isTTY: opts.isTTY, env: opts.env })) : opts.format === 'github' ? renderGithub(diagnostics) : '';
  return { file, valid, diagnostics, rendered, ...(hash ? { hash } : {}) };
}
