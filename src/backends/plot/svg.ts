/**
 * The run's curves as one SVG: a grid of panels (see panels.ts), each with its axes, ticks from
 * d3-scale, the training series solid and the validation series dashed, a point per epoch with a
 * tooltip, and the best epoch of each validation loss (or loss) ringed. Panels carry their name
 * and axis ranges as data attributes, so a reader (or a test) needs no geometry to find them.
 */
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { FONT_FAMILY, FONT_SIZE, printable, textWidth } from '../graph/label.js';
import { xml } from '../graph/xml.js';
import type { Panel, Series } from './panels.js';

export interface ChartOptions {
  title: string;
  /** One line under the title (status, epochs, samples). */
  subtitle?: string;
  epochs: number;
}

const MARGIN = 12;
const PANEL_W = 400;
const PANEL_H = 250;
const GAP = 16;
const PAD = { left: 68, right: 14, top: 40, bottom: 38 };
const MAX_POINTS = 200;

export const SERIES_COLOUR: Record<Series['role'], string> = { train: '#1565c0', validation: '#e65100', rate: '#2e7d32' };
const SERIES_DASH: Record<Series['role'], string> = { train: '', validation: '6 3', rate: '' };
const LABEL: Record<Series['role'], string> = { train: 'training', validation: 'validation', rate: 'learning rate' };
const AXIS = '#616161';
const GRID = '#e0e0e0';

export function renderChartSvg(panels: readonly Panel[], opts: ChartOptions): string {
  const columns = panels.length > 1 ? 2 : 1;
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  let top = MARGIN + 16;
  const head = [`<text class="caption" x="${MARGIN}" y="${top}" font-size="15" font-weight="bold">${xml(printable(opts.title))}</text>`];
  if (opts.subtitle) {
    top += 18;
    head.push(`<text class="caption" x="${MARGIN}" y="${top}" fill="${AXIS}">${xml(printable(opts.subtitle))}</text>`);
  }
  top += 10;
  const body = panels.map((p, i) => panelSvg(p, opts.epochs, MARGIN + (i % columns) * (PANEL_W + GAP), top + Math.floor(i / columns) * (PANEL_H + GAP)));
  if (panels.length === 0) body.push(`<text class="note" x="${MARGIN}" y="${top + 20}" fill="${AXIS}">no finished epoch: the history is empty</text>`);
  const width = Math.ceil(Math.max(MARGIN * 2 + columns * PANEL_W + (columns - 1) * GAP, MARGIN * 2 + textWidth(opts.subtitle ?? '')));
  const height = Math.ceil(top + rows * PANEL_H + (rows - 1) * GAP + MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="nnspec-plot" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xml(FONT_FAMILY)}" font-size="${FONT_SIZE}">`,
    `<title>${xml(printable(opts.title))}</title>`,
    `<rect class="background" width="100%" height="100%" fill="#ffffff"/>`,
    ...head,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

type Scale = ScaleContinuousNumeric<number, number>;

function panelSvg(panel: Panel, epochs: number, x0: number, y0: number): string {
  const left = x0 + PAD.left;
  const right = x0 + PANEL_W - PAD.right;
  const top = y0 + PAD.top;
  const bottom = y0 + PANEL_H - PAD.bottom;
  const finite = panel.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v) && (!panel.log || v > 0)));
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = panel.log ? [lo / 2, hi * 2] : [lo - (Math.abs(lo) * 0.05 || 0.5), hi + (Math.abs(hi) * 0.05 || 0.5)];
  const y: Scale = (panel.log ? scaleLog() : scaleLinear()).domain([lo, hi]).range([bottom, top]).nice();
  const last = Math.max(epochs, 1);
  const x: Scale = scaleLinear().domain(last === 1 ? [0.5, 1.5] : [1, last]).range([left, right]);
  const [ylo, yhi] = y.domain() as [number, number];
  const [xlo, xhi] = x.domain() as [number, number];

  const parts: string[] = [];
  parts.push(`<g class="panel" data-name="${xml(panel.name)}" data-scale="${panel.log ? 'log' : 'linear'}" data-x-domain="${xlo} ${xhi}" data-y-domain="${ylo} ${yhi}">`);
  parts.push(`<rect class="frame" x="${r(x0)}" y="${r(y0)}" width="${PANEL_W}" height="${PANEL_H}" rx="4" fill="#ffffff" stroke="${GRID}"/>`);
  parts.push(`<text class="panel-title" x="${r(x0 + 10)}" y="${r(y0 + 18)}" font-weight="bold">${xml(printable(panel.name))}</text>`);

  // Grid lines and tick labels.
  const yTicks = panel.log ? logTicks(y) : y.ticks(5);
  const yFormat = panel.log ? (v: number) => v.toExponential(0) : y.tickFormat(5);
  for (const t of yTicks) {
    const py = r(y(t));
    parts.push(`<line class="grid" x1="${r(left)}" x2="${r(right)}" y1="${py}" y2="${py}" stroke="${GRID}"/>`);
    parts.push(`<text class="tick y" x="${r(left - 6)}" y="${r(py + 4)}" text-anchor="end" fill="${AXIS}">${xml(yFormat(t))}</text>`);
  }
  const xTicks = x.ticks(Math.min(last, 8)).filter((t) => Number.isInteger(t) && t >= 1);
  for (const t of xTicks) {
    const px = r(x(t));
    parts.push(`<line class="tick x" x1="${px}" x2="${px}" y1="${r(bottom)}" y2="${r(bottom + 4)}" stroke="${AXIS}"/>`);
    parts.push(`<text class="tick x" x="${px}" y="${r(bottom + 16)}" text-anchor="middle" fill="${AXIS}">${t}</text>`);
  }
  parts.push(`<path class="axis" d="M${r(left)} ${r(top)} V${r(bottom)} H${r(right)}" fill="none" stroke="${AXIS}"/>`);
  parts.push(`<text class="axis-label" x="${r((left + right) / 2)}" y="${r(bottom + 32)}" text-anchor="middle" fill="${AXIS}">epoch</text>`);

  // The series, then the legend at the top right.
  for (const s of panel.series) parts.push(seriesSvg(s, panel, x, y));
  let lx = right;
  for (const s of [...panel.series].reverse()) {
    const label = LABEL[s.role];
    lx -= textWidth(label);
    parts.push(`<text class="legend" x="${r(lx)}" y="${r(y0 + 18)}" fill="${AXIS}">${label}</text>`);
    lx -= 24;
    parts.push(`<line class="legend" x1="${r(lx)}" x2="${r(lx + 18)}" y1="${r(y0 + 14)}" y2="${r(y0 + 14)}" stroke="${SERIES_COLOUR[s.role]}" stroke-width="2"${dash(s.role)}/>`);
    lx -= 12;
  }
  parts.push('</g>');
  return parts.join('\n');
}

function seriesSvg(s: Series, panel: Panel, x: Scale, y: Scale): string {
  const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!panel.log || v > 0);
  const colour = SERIES_COLOUR[s.role];
  // A missing value (an epoch without validation, a NaN) breaks the line.
  let d = '';
  let pen = false;
  s.values.forEach((v, i) => {
    if (!usable(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${r(x(i + 1))} ${r(y(v))}`;
    pen = true;
  });
  const points = s.values.filter(usable).length;
  const out = [`<g class="series ${s.role}" data-key="${xml(s.key)}" data-points="${points}">`, `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash(s.role)}/>`];
  if (s.values.length <= MAX_POINTS) {
    s.values.forEach((v, i) => {
      if (usable(v)) out.push(`<circle cx="${r(x(i + 1))}" cy="${r(y(v))}" r="2.5" fill="${colour}"><title>${xml(`epoch ${i + 1}: ${s.key} ${formatValue(v)}`)}</title></circle>`);
    });
  }
  const best = s.role !== 'rate' && /loss$/.test(s.key) ? bestEpoch(s.values) : undefined;
  if (best !== undefined && (s.role === 'validation' || !panel.series.some((o) => o.role === 'validation'))) {
    const v = s.values[best]!;
    out.push(`<circle class="best" data-epoch="${best + 1}" cx="${r(x(best + 1))}" cy="${r(y(v))}" r="6" fill="none" stroke="${colour}" stroke-width="1.5"><title>${xml(`lowest ${s.key}: ${formatValue(v)} at epoch ${best + 1}`)}</title></circle>`);
  }
  out.push('</g>');
  return out.join('\n');
}

/** The index of the lowest finite value, the first on a tie (as Keras's early stopping counts). */
export function bestEpoch(values: readonly (number | null)[]): number | undefined {
  let best: number | undefined;
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v) && (best === undefined || v < values[best]!)) best = i;
  });
  return best;
}

/** Powers of ten inside a log scale's domain (at most 6, evenly thinned), or its ends when it spans less than a decade. */
function logTicks(y: Scale): number[] {
  const [a, b] = y.domain() as [number, number];
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(a) - 1e-9); e <= Math.floor(Math.log10(b) + 1e-9); e++) ticks.push(10 ** e);
  if (ticks.length < 2) return [a, b];
  const step = Math.ceil(ticks.length / 6);
  return ticks.filter((_, i) => i % step === 0);
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(5))) : v.toExponential(3);
}

function dash(role: Series['role']): string {
  return SERIES_DASH[role] ? ` stroke-dasharray="${SERIES_DASH[role]}"` : '';
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}
