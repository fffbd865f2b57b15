/** `nnspec validate PATH...`: compile every spec and report every problem, located. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile } from '../compiler/compile.js';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';
import { painter } from '../diagnostics/render/color.js';
import { renderGithub } from '../diagnostics/render/github.js';
import { countLine, renderPretty } from '../diagnostics/render/pretty.js';
import { expandPaths } from './files.js';
import { EXIT, type Io } from './io.js';

export interface ValidateOptions {
  format: 'pretty' | 'json' | 'github';
  /** Warnings fail the run too. */
  strict?: boolean;
}

export interface FileReport {
  file: string;
  valid: boolean;
  diagnostics: LocatedDiagnostic[];
}

export async function validateCommand(paths: string[], opts: ValidateOptions, io: Io): Promise<number> {
  const files = await expandPaths(paths, io.cwd);
  const reports: FileReport[] = [];
  const c = painter({ isTTY: io.stdout.isTTY, env: io.env });
  for (const file of files) {
    const result = compile(readFileSync(resolve(io.cwd, file)), file);
    const valid = result.ok && !(opts.strict && result.diagnostics.length > 0);
    reports.push({ file, valid, diagnostics: result.diagnostics });
    if (opts.format === 'pretty') io.stdout.write(renderPretty(result.diagnostics, result.text, c));
    else if (opts.format === 'github') io.stdout.write(renderGithub(result.diagnostics));
  }
  const all = reports.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (opts.format === 'json') io.stdout.write(JSON.stringify({ files: reports, errors, warnings }, null, 2) + '\n');
  if (opts.format === 'pretty') io.stdout.write(countLine(errors, warnings, files.length, c));
  return reports.every((r) => r.valid) ? EXIT.ok : EXIT.invalid;
}
