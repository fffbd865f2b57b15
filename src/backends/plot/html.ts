/**
 * The run's report as one self-contained HTML page (no script, no fetched resource): the curves
 * (svg.ts), the model graph (the `graph` command's SVG) and the Keras-style summary beside them,
 * and the run's facts from run.json. Each part is a `<section>` with an id, so a page can be
 * checked without reading its geometry.
 */
import { formatShape } from '../../layers/shape.js';
import { paramLabel, totalsLines, typeLabel, type Summary } from '../summary/rows.js';
import { printable } from '../graph/label.js';
import { xml } from '../graph/xml.js';

export interface ReportParts {
  title: string;
  /** The run's facts, as label and value (status, epochs, samples, backend, time). */
  facts: [string, string][];
  curves: string;
  /** The graph's SVG, or why there is none. */
  graph: { svg: string } | { missing: string };
  summary?: Summary;
}

const STYLE = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #212121; background: #fafafa; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 0 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0 0 20px; font-size: 13px; }
dl.facts dt { color: #616161; }
dl.facts dd { margin: 0; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
section { background: #ffffff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 12px; max-width: 100%; overflow: auto; }
section svg { display: block; max-width: 100%; height: auto; }
table.summary { border-collapse: collapse; font-family: Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 12px; }
table.summary th, table.summary td { border-bottom: 1px solid #eeeeee; padding: 3px 10px; text-align: left; }
table.summary td.params { text-align: right; }
ul.totals { font-size: 13px; padding-left: 18px; }
p.missing { color: #c62828; }
`;

export function renderReport(parts: ReportParts): string {
  const facts = parts.facts.map(([k, v]) => `<dt>${xml(k)}</dt><dd>${xml(printable(v))}</dd>`).join('');
  const graph = 'svg' in parts.graph ? inlineSvg(parts.graph.svg) : `<p class="missing">${xml(parts.graph.missing)}</p>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${xml(printable(parts.title))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${xml(printable(parts.title))}</h1>`,
    `<dl class="facts">${facts}</dl>`,
    '<div class="row">',
    `<section id="curves"><h2>Training curves</h2>\n${inlineSvg(parts.curves)}</section>`,
    `<section id="graph"><h2>Model</h2>\n${graph}</section>`,
    '</div>',
    `<div class="row"><section id="summary"><h2>Summary</h2>\n${parts.summary ? summaryTable(parts.summary) : '<p class="missing">no summary: the run\'s spec does not compile</p>'}</section></div>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** An SVG document's markup for inlining in HTML: without an XML declaration. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*\?>\s*/, '');
}

function summaryTable(s: Summary): string {
  const connected = !s.sequential;
  const head = ['Layer (type)', 'Output Shape', 'Param #', ...(connected ? ['Connected to'] : [])];
  const rows = s.layers.map((r) => {
    const cells = [`<td>${xml(printable(r.name))} (${xml(printable(typeLabel(r)))})</td>`, `<td>${xml(formatShape(r.output_shape))}</td>`, `<td class="params">${xml(paramLabel(r))}</td>`];
    if (connected) cells.push(`<td>${xml(r.connected_to.join(', ') || '-')}</td>`);
    return `<tr>${cells.join('')}</tr>`;
  });
  return [
    `<table class="summary"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    `<ul class="totals">${totalsLines(s).map((l) => `<li>${xml(l)}</li>`).join('')}</ul>`,
  ].join('\n');
}
