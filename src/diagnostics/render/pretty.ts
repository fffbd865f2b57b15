/**
 * The terminal face of diagnostics: `file:line:col: error[CODE]: message`, the source line
 * with a caret under the span, and the hint; a blank line after each, a gutter as wide as the
 * largest line number shown, so that a file's diagnostics line up.
 */
import type { ChalkInstance } from 'chalk';
import type { LocatedDiagnostic } from '../diagnostic.js';
import { LineIndex } from '../lines.js';

/** Lines longer than this are shown as a window around the span. */
const MAX_SHOWN = 160;
const BEFORE_SPAN = 60;

export function renderPretty(diags: readonly LocatedDiagnostic[], text: string, c: ChalkInstance): string {
  const lines = new LineIndex(text);
  const width = Math.max(0, ...diags.map((d) => String(d.line).length));
  return diags.map((d) => renderOne(d, lines, text.length > 0, width, c)).join('');
}

function renderOne(d: LocatedDiagnostic, lines: LineIndex, hasText: boolean, width: number, c: ChalkInstance): string {
  const sev = d.severity === 'error' ? c.red.bold(`error[${d.code}]`) : c.yellow.bold(`warning[${d.code}]`);
  let out = `${c.bold(`${printable(d.file)}:${d.line}:${d.column}:`)} ${sev}: ${c.bold(printable(d.message))}\n`;
  const pad = ' '.repeat(width);
  if (hasText) {
    const { shown, column, length } = window(lines.lineText(d.line), d);
    const paint = d.severity === 'error' ? c.red : c.yellow;
    out += `${c.blue(`${String(d.line).padStart(width)} |`)}${shown ? ' ' + shown : ''}\n`;
    out += `${c.blue(`${pad} |`)} ${' '.repeat(column)}${paint('^'.repeat(length))}\n`;
  }
  if (d.hint) out += `${c.blue(`${pad} =`)} ${c.cyan('hint:')} ${printable(d.hint)}\n`;
  return out + '\n';
}

/**
 * The part of the source line to show, and where the caret goes in it (0-based) and how long
 * it is. A span that runs past the end of its line is underlined to the end of the line.
 */
function window(source: string, d: LocatedDiagnostic): { shown: string; column: number; length: number } {
  const line = printable(source.replace(/\t/g, ' '));
  const start = Math.min(d.column - 1, line.length);
  const end = d.end_line === d.line ? Math.min(Math.max(d.end_column - 1, start + 1), Math.max(line.length, start + 1)) : Math.max(line.length, start + 1);
  if (line.length <= MAX_SHOWN) return { shown: line, column: start, length: end - start };
  const from = Math.max(0, start - BEFORE_SPAN);
  const to = Math.min(line.length, from + MAX_SHOWN);
  const head = from > 0 ? '…' : '';
  const tail = to < line.length ? '…' : '';
  const caretEnd = Math.min(end, to);
  return { shown: head + line.slice(from, to) + tail, column: start - from + head.length, length: Math.max(1, caretEnd - start) };
}

/**
 * Text from the spec (keys, values, the source line) with control and bidirectional-override
 * characters made visible, so a spec cannot drive the terminal or reorder what is shown.
 * One character in, one character out: columns stay where they were.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

export function countLine(errors: number, warnings: number, files: number, c: ChalkInstance): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const what = `${plural(files, 'file')} checked`;
  if (errors === 0 && warnings === 0) return `${c.green('✓')} ${what}, no problems\n`;
  const parts = [errors ? c.red(plural(errors, 'error')) : plural(0, 'error'), warnings ? c.yellow(plural(warnings, 'warning')) : plural(0, 'warning')];
  return `${parts.join(', ')} in ${what}\n`;
}
