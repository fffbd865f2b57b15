/** Compiler diagnostics as LSP diagnostics: range, severity, code and related locations. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';

export function toLspDiagnostic(d: LocatedDiagnostic, uri: string): Diagnostic {
  const out: Diagnostic = {
    range: {
      start: { line: d.line - 1, character: d.column - 1 },
      end: { line: d.end_line - 1, character: d.end_column - 1 },
    },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'nnspec',
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    data: { hint: d.hint, message: d.message },
  };
  if (d.labels?.length) {
    out.relatedInformation = d.labels
      .filter((l) => l.line !== null)
      .map((l) => ({
        location: {
          uri: l.file === d.file ? uri : l.file,
          range: { start: { line: l.line - 1, character: l.column - 1 }, end: { line: l.end_line - 1, character: l.end_column - 1 } },
        },
        message: l.message,
      }));
  }
  return out;
}
