/** `nnspec validate PATH...`: compile every spec and report every problem, located. */
import { compile } from '../compiler/compile.js';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';
import { painter } from '../diagnostics/render/color.js';
import { renderGithub } from '../diagnostics/render/github.js';
import { renderJson, type FileReport } from '../diagnostics/render/json.js';
import { countLine, renderPretty } from '../diagnostics/render/pretty.js';
import { renderSarif } from '../diagnostics/render/sarif.js';
import { NNSPEC_VERSION } from '../backends/export/version.js';
import { compileFile, expandPaths } from './files.js';
import { EXIT, oneOf, UsageError, type Io } from './io.js';

export const VALIDATE_FORMATS = ['pretty', 'json', 'github', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export interface ValidateOptions {
  format: ValidateFormat;
  /** Warnings fail the run too. */
  strict?: boolean;
}

export type { FileReport };

export const parseFormat = oneOf('--format', VALIDATE_FORMATS);

/** Exit 0 when every spec is valid, 1 when any is not; usage errors (exit 2) are thrown as UsageError. */
export async function validateCommand(paths: string[], opts: ValidateOptions, io: Io): Promise<number> {
  if (paths.length === 0) throw new UsageError('validate needs at least one PATH: a spec file, a directory or a quoted glob');
  const format = parseFormat(opts.format);
  const files = await expandPaths(paths, io.cwd);
  const reports: FileReport[] = [];
  const c = painter({ isTTY: io.stdout.isTTY, env: io.env });
  for (const file of files) {
    const { diagnostics, text } = compileFile(file, io.cwd);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const valid = errors === 0 && !(opts.strict && diagnostics.length > 0);
    reports.push({ file, valid, diagnostics });
    if (format === 'pretty') io.stdout.write(renderPretty(diagnostics, text, c));
    else if (format === 'github') io.stdout.write(renderGithub(diagnostics));
  }
  const all = reports.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (format === 'json') io.stdout.write(renderJson(reports, errors, warnings));
  if (format === 'sarif') io.stdout.write(renderSarif(all, NNSPEC_VERSION, io.cwd));
  if (format === 'pretty') io.stdout.write(countLine(errors, warnings, files.length, c));
  return reports.every((r) => r.valid) ? EXIT.ok : EXIT.invalid;
}
