/** The terminal face of diagnostics: headline, the source line with a caret under the span, and the hint. */
import type { ChalkInstance } from 'chalk';
import type { LocatedDiagnostic } from '../diagnostic.js';
import { LineIndex } from '../lines.js';

export function renderPretty(diags: readonly LocatedDiagnostic[], text: string, c: ChalkInstance): string {
  const lines = new LineIndex(text);
  return diags.map((d) => renderOne(d, lines, c)).join('');
}

function renderOne(d: LocatedDiagnostic, lines: LineIndex, c: ChalkInstance): string {
  const sev = d.severity === 'error' ? c.red.bold(`error[${d.code}]`) : c.yellow.bold(`warning[${d.code}]`);
  let out = `${c.bold(`${d.file}:${d.line}:${d.column}:`)} ${sev}: ${c.bold(d.message)}\n`;
  const source = lines.lineText(d.line);
  if (source.length > 0 || d.line > 1) {
    const gutter = String(d.line);
    const pad = ' '.repeat(gutter.length);
    const shown = source.replace(/\t/g, ' ');
    const width = d.end_line === d.line ? Math.max(1, d.end_column - d.column) : Math.max(1, shown.length - d.column + 1);
    const caret = ' '.repeat(Math.max(0, d.column - 1)) + '^'.repeat(Math.min(width, Math.max(1, shown.length - d.column + 1)));
    const paint = d.severity === 'error' ? c.red : c.yellow;
    out += `${c.blue(`${gutter} |`)} ${shown}\n${c.blue(`${pad} |`)} ${paint(caret)}\n`;
    if (d.hint) out += `${c.blue(`${pad} =`)} ${c.cyan('hint:')} ${d.hint}\n`;
  } else if (d.hint) {
    out += `  ${c.cyan('hint:')} ${d.hint}\n`;
  }
  return out;
}

export function countLine(errors: number, warnings: number, files: number, c: ChalkInstance): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const what = `${plural(files, 'file')} checked`;
  if (errors === 0 && warnings === 0) return `${c.green('✓')} ${what}, no problems\n`;
  const parts = [errors ? c.red(plural(errors, 'error')) : plural(0, 'error'), warnings ? c.yellow(plural(warnings, 'warning')) : plural(0, 'warning')];
  return `${parts.join(', ')} in ${what}\n`;
}
