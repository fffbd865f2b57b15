/** Offsets to lines and columns, at the moment of printing (STYLE 7): spans, labels, whole diagnostics. */
import type { Diagnostic, LocatedDiagnostic, LocatedLabel, Span } from './diagnostic.js';
import { LineIndex } from './lines.js';

export interface Lines {
  file: string;
  index: LineIndex;
}

export function linesOf(file: string, text: string): Lines {
  return { file, index: new LineIndex(text) };
}

/** The 1-based start and end (end exclusive) of a span. */
export function spanPlace(lines: Lines, span: Span): { line: number; column: number; end_line: number; end_column: number } {
  const start = lines.index.position(span.start);
  const end = lines.index.position(Math.max(span.end, span.start));
  return { line: start.line, column: start.column, end_line: end.line, end_column: end.column };
}

export function locateLabel(lines: Lines, span: Span, message: string): LocatedLabel {
  return { file: lines.file, ...spanPlace(lines, span), message };
}

/** A spec diagnostic, with its labels, located in its file. */
export function locateDiagnostic(lines: Lines, d: Diagnostic): LocatedDiagnostic {
  const out: LocatedDiagnostic = { code: d.code, severity: d.severity, message: d.message, file: lines.file, ...spanPlace(lines, d.span) };
  if (d.hint !== undefined) out.hint = d.hint;
  if (d.labels && d.labels.length > 0) out.labels = d.labels.map((l) => locateLabel(lines, l.span, l.message));
  return out;
}
