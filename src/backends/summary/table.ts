/**
 * The Keras 3 style summary table (box-drawing, as `model.summary()` prints it). Column widths
 * come from the content, never from the terminal, so the output is stable in CI diffs.
 */
import { formatShape } from '../../layers/shape.js';
import { paramLabel, totalsLines, typeLabel, type Summary } from './rows.js';

type Cell = string[];

export function renderTable(s: Summary): string {
  const headers = ['Layer (type)', 'Output Shape', 'Param #', ...(s.sequential ? [] : ['Connected to'])];
  const rows: Cell[][] = s.layers.map((r) => {
    const cells: Cell[] = [[`${r.name} (${typeLabel(r)})`], [formatShape(r.output_shape)], [paramLabel(r)]];
    if (!s.sequential) cells.push(r.connected_to.length ? r.connected_to.map((c, i, a) => (i < a.length - 1 ? c + ',' : c)) : ['-']);
    return cells;
  });
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...r[i]!.map((l) => l.length)))) + 2);
  const rightAligned = (i: number) => i === 2;
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const text = (cells: Cell[], edge: string) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      out.push(edge + cells.map((c, i) => ' ' + (rightAligned(i) ? (c[k] ?? '').padStart(widths[i]! - 2) : (c[k] ?? '').padEnd(widths[i]! - 2)) + ' ').join(edge) + edge);
    }
    return out;
  };
  const out = [`Model: "${s.name}"`, line('┏', '┳', '┓', '━'), ...text(headers.map((h) => [h]), '┃'), line('┡', '╇', '┩', '━')];
  rows.forEach((r, i) => {
    if (i > 0 && !s.sequential) out.push(line('├', '┼', '┤', '─'));
    out.push(...text(r, '│'));
  });
  out.push(line('└', '┴', '┘', '─'));
  out.push(...totalsLines(s).map((l) => ' ' + l));
  return out.join('\n') + '\n';
}
