import type { Code } from './codes.js';

/** A half-open range of UTF-16 offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning';

/** A problem found by a pass, positioned by offsets; rendering turns offsets into lines. */
export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  hint?: string;
}

/** The public, located form: what `--format json` prints and what tests assert. */
export interface LocatedDiagnostic {
  code: Code;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  hint?: string;
}

/** Where passes report problems; a user's mistake is reported here, never thrown. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(code: Code, message: string, span: Span, hint?: string): void {
    this.items.push(hint === undefined ? { code, severity: 'error', message, span } : { code, severity: 'error', message, span, hint });
  }

  warning(code: Code, message: string, span: Span, hint?: string): void {
    this.items.push(hint === undefined ? { code, severity: 'warning', message, span } : { code, severity: 'warning', message, span, hint });
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }
}

/** Source order, then the order reported (stable). */
export function sortBySource(items: readonly Diagnostic[]): Diagnostic[] {
  return items
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span.start - b.d.span.start || a.i - b.i)
    .map(({ d }) => d);
}
