/**
 * The terminal face of diagnostics: `file:line:col: error[CODE]: message`, the source line
 * with a caret under the span, related places (`::: file:line:col`) with their lines underlined,
 * and the hint; a blank line after each, a gutter as wide as
 * the largest line number shown, so that a file's diagnostics line up. A diagnostic without lines
 * is headed `file (place)`; one about the command line itself is one line, `nnspec: error[NN001]: ... (hint)`.
 */
import type { ChalkInstance } from 'chalk';
import type { LocatedLabel, PrintedDiagnostic } from '../diagnostic.js';
import { LineIndex } from '../lines.js';

/** Lines longer than this are shown as a window around the span. */
const MAX_SHOWN = 160;
const BEFORE_SPAN = 60;

/** The text of a file's lines, for quoting; undefined for a line it does not know. */
export interface LineSource {
  lineText(line: number): string | undefined;
}

/** Where a renderer finds the text of a file a diagnostic or label points into. */
export type Sources = (file: string) => LineSource | undefined;

/** Diagnostics of one source text (a spec), as validate prints them. */
export function renderPretty(diags: readonly PrintedDiagnostic[], text: string, c: ChalkInstance): string {
  const lines = text.length > 0 ? new LineIndex(text) : undefined;
  return renderPrettyFrom(diags, () => lines, c);
}

/** Diagnostics over any number of files; `sources` gives the text to quote (none: headline and hint only). */
export function renderPrettyFrom(diags: readonly PrintedDiagnostic[], sources: Sources, c: ChalkInstance): string {
  const numbers = diags.flatMap((d) => [d.line ?? 0, ...(d.labels ?? []).map((l) => l.line)]);
  const width = Math.max(0, ...numbers.map((n) => (n > 0 ? String(n).length : 0)));
  return diags.map((d) => renderOne(d, sources, width, c)).join('');
}

/** `file:line:col`, `file (byte 12)`, `file (entry 'x.npy')`, `file`, or `nnspec` for the command line. */
export function placeText(d: PrintedDiagnostic): string {
  if (d.file === null) return 'nnspec';
  if (d.line !== null) return `${printable(d.file)}:${d.line}:${d.column ?? 1}`;
  const where = [d.offset !== undefined ? `byte ${d.offset}` : '', d.place ?? ''].filter(Boolean).join(', ');
  return where ? `${printable(d.file)} (${printable(where)})` : printable(d.file);
}

function renderOne(d: PrintedDiagnostic, sources: Sources, width: number, c: ChalkInstance): string {
  const sev = d.severity === 'error' ? c.red.bold(`error[${d.code}]`) : c.yellow.bold(`warning[${d.code}]`);
  // About the command line itself: one line, the hint (which help to read) in parentheses.
  if (d.file === null && !d.labels?.length) return `${c.bold('nnspec:')} ${sev}: ${c.bold(printable(d.message))}${d.hint ? ` (${printable(d.hint)})` : ''}\n`;
  let out = `${c.bold(`${placeText(d)}:`)} ${sev}: ${c.bold(printable(d.message))}\n`;
  const pad = ' '.repeat(width);
  const paint = d.severity === 'error' ? c.red : c.yellow;
  const source = d.file !== null && d.line !== null ? sources(d.file)?.lineText(d.line) : undefined;
  if (source !== undefined && d.line !== null) {
    out += excerpt(source, { line: d.line, column: d.column ?? 1, end_line: d.end_line ?? d.line, end_column: d.end_column ?? (d.column ?? 1) + 1 }, width, '^', paint, c);
  }
  for (const l of d.labels ?? []) {
    const text = sources(l.file)?.lineText(l.line);
    // In the primary's own file: the line, underlined, the label after the marks; elsewhere, headed by its place.
    if (l.file === d.file && text !== undefined) out += excerpt(text, l, width, '-', c.blue, c, printable(l.message));
    else {
      out += `${c.blue(`${pad}:::`)} ${printable(l.file)}:${l.line}:${l.column}: ${printable(l.message)}\n`;
      if (text !== undefined) out += excerpt(text, l, width, '-', c.blue, c);
    }
  }
  if (d.hint) out += `${c.blue(`${pad} =`)} ${c.cyan('hint:')} ${printable(d.hint)}\n`;
  return out + '\n';
}

type Span = Pick<LocatedLabel, 'line' | 'column' | 'end_line' | 'end_column'>;

/** The numbered source line and the marks under the span. */
function excerpt(source: string, at: Span, width: number, mark: string, paint: ChalkInstance, c: ChalkInstance, label?: string): string {
  const { shown, column, length } = window(source, at);
  const pad = ' '.repeat(width);
  const after = label ? ` ${c.blue(label)}` : '';
  return `${c.blue(`${String(at.line).padStart(width)} |`)}${shown ? ' ' + shown : ''}\n` + `${c.blue(`${pad} |`)} ${' '.repeat(column)}${paint(mark.repeat(length))}${after}\n`;
}

/**
 * The part of the source line to show, and where the caret goes in it (0-based) and how long
 * it is. A span that runs past the end of its line is underlined to the end of the line.
 */
function window(source: string, d: Span): { shown: string; column: number; length: number } {
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
