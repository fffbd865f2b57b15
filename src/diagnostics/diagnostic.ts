import type { Code } from './codes.js';

/** A half-open range of UTF-16 offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning';

/** A secondary place in the same source ("declared here"), by offsets. */
export interface Label {
  span: Span;
  message: string;
}

/** A problem found by a pass, positioned by offsets; rendering turns offsets into lines. */
export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  hint?: string;
  labels?: Label[];
}

/** A located secondary place: a related location, possibly in another file (the spec line a data file contradicts). */
export interface LocatedLabel {
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  message: string;
}

/**
 * Every diagnostic nnspec prints, in every format: spec, data, import, run and usage problems.
 * `file` is null for the command line itself; `line`..`end_column` are null where the file has no
 * lines (an .npy, a missing directory). `offset` is a byte offset into a binary file, `place` a
 * place in words where there are no lines ("header field 'shape'", "entry 'x.npy'", "sample 3").
 */
export interface PrintedDiagnostic {
  code: Code;
  severity: Severity;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  end_line: number | null;
  end_column: number | null;
  offset?: number;
  place?: string;
  hint?: string;
  labels?: LocatedLabel[];
}

/** The located form of a spec diagnostic: always a file, a line and a column. */
export interface LocatedDiagnostic extends PrintedDiagnostic {
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/** Where passes report problems; a user's mistake is reported here, never thrown. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(code: Code, message: string, span: Span, hint?: string, labels?: Label[]): void {
    this.items.push(item(code, 'error', message, span, hint, labels));
  }

  warning(code: Code, message: string, span: Span, hint?: string, labels?: Label[]): void {
    this.items.push(item(code, 'warning', message, span, hint, labels));
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }
}

function item(code: Code, severity: Severity, message: string, span: Span, hint?: string, labels?: Label[]): Diagnostic {
  const d: Diagnostic = { code, severity, message, span };
  if (hint !== undefined) d.hint = hint;
  if (labels !== undefined && labels.length > 0) d.labels = labels;
  return d;
}

/** Source order, then the order reported (stable). */
export function sortBySource(items: readonly Diagnostic[]): Diagnostic[] {
  return items
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span.start - b.d.span.start || a.i - b.i)
    .map(({ d }) => d);
}
