/** The machine face of diagnostics: one JSON document for the whole run. */
import type { LocatedDiagnostic, PrintedDiagnostic } from '../diagnostic.js';

export interface FileReport {
  file: string;
  valid: boolean;
  diagnostics: LocatedDiagnostic[];
}

/**
 * Every field always present, in a fixed order (null when there is none; `labels` empty), so
 * consumers need no guards. `offset` is a byte offset into a binary file, `place` a place in words.
 */
export function diagnosticJson(d: PrintedDiagnostic) {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.line,
    column: d.column,
    end_line: d.end_line,
    end_column: d.end_column,
    offset: d.offset ?? null,
    place: d.place ?? null,
    hint: d.hint ?? null,
    labels: (d.labels ?? []).map((l) => ({ file: l.file, line: l.line, column: l.column, end_line: l.end_line, end_column: l.end_column, message: l.message })),
  };
}

/** `validate --format json`: per file, whether it is valid and its diagnostics. */
export function renderJson(files: readonly FileReport[], errors: number, warnings: number): string {
  const report = { files: files.map((f) => ({ file: f.file, valid: f.valid, diagnostics: f.diagnostics.map(diagnosticJson) })), errors, warnings };
  return JSON.stringify(report, null, 2) + '\n';
}

/** Every other command's `--format json` (on stderr): the command, its diagnostics and the counts. */
export function renderJsonReport(command: string, diags: readonly PrintedDiagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const report = { command, diagnostics: diags.map(diagnosticJson), errors, warnings: diags.length - errors };
  return JSON.stringify(report, null, 2) + '\n';
}
