/** Offsets (UTF-16, as the compiler stores them) to and from LSP positions (0-based line and character). */
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../diagnostics/diagnostic.js';

export class Positions {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - this.starts[lo]! };
  }

  offset(p: Position): number {
    const start = this.starts[Math.min(p.line, this.starts.length - 1)] ?? 0;
    const next = this.starts[p.line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return Math.min(start + p.character, end);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  lineEnd(line: number): Position {
    const next = this.starts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    const start = this.starts[line] ?? this.text.length;
    const trimmed = this.text.slice(start, end).replace(/\r$/, '');
    return { line, character: trimmed.length };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
