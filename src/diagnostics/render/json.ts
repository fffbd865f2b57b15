/** The machine face of `validate`: one JSON document for the whole run. */
import type { LocatedDiagnostic } from '../diagnostic.js';

export interface FileReport {
  file: string;
  valid: boolean;
  diagnostics: LocatedDiagnostic[];
}

/** Every field always present, in a fixed order (`hint` is null when there is none), so consumers need no guards. */
function diagnosticJson(d: LocatedDiagnostic) {
  return { code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.line, column: d.column, end_line: d.end_line, end_column: d.end_column, hint: d.hint ?? null };
}

export function renderJson(files: readonly FileReport[], errors: number, warnings: number): string {
  const report = { files: files.map((f) => ({ file: f.file, valid: f.valid, diagnostics: f.diagnostics.map(diagnosticJson) })), errors, warnings };
  return JSON.stringify(report, null, 2) + '\n';
}
