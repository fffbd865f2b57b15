/**
 * `nnspec plot`: the history's panels (which keys go together), the chart's SVG (every series
 * drawn with its points, axis ranges holding the data, a log axis for a decaying learning
 * rate, a gap for a missing value), the HTML report's parts, and each bad run (exit status,
 * code, message, place).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromCsv, panelsOf } from '../../src/backends/plot/panels.js';
import { bestEpoch, renderChartSvg } from '../../src/backends/plot/svg.js';
import { runCli } from '../helpers.js';
import { HISTORY, writeRun } from './fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-plot-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each panel of a chart: its name, scale, axis domains and series (key, role, points, path). */
function panels(svg: string) {
  return [...svg.matchAll(/<g class="panel" data-name="([^"]+)" data-scale="(\w+)" data-x-domain="([^"]+)" data-y-domain="([^"]+)">([\s\S]*?)\n<\/g>(?=\n<g class="panel"|\n<\/svg>)/g)].map((m) => ({
    name: m[1]!,
    scale: m[2]!,
    x: m[3]!.split(' ').map(Number),
    y: m[4]!.split(' ').map(Number),
    series: [...m[5]!.matchAll(/<g class="series (\w+)" data-key="([^"]+)" data-points="(\d+)">\n<path d="([^"]*)"/g)].map((s) => ({ role: s[1]!, key: s[2]!, points: Number(s[3]), path: s[4]! })),
    ticks: [...m[5]!.matchAll(/<text class="tick y"[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]!),
  }));
}

describe('panels', () => {
  it('pairs each key with its val_ key, losses first, the learning rate last', () => {
    const p = panelsOf({ accuracy: [0.5], out_loss: [1], val_out_loss: [1.1], loss: [1], val_loss: [1.2], val_accuracy: [0.4], lr: [0.1] });
    expect(p.map((x) => [x.name, x.series.map((s) => `${s.role}:${s.key}`)])).toEqual([
      ['loss', ['train:loss', 'validation:val_loss']],
      ['out_loss', ['train:out_loss', 'validation:val_out_loss']],
      ['accuracy', ['train:accuracy', 'validation:val_accuracy']],
      ['learning_rate', ['rate:lr']],
    ]);
  });

  it('leaves out keys with no finite value and a constant learning rate stays linear', () => {
    const p = panelsOf({ loss: [1, 2], auc: [null, null], learning_rate: [0.01, 0.01] });
    expect(p.map((x) => [x.name, x.log])).toEqual([['loss', false], ['learning_rate', false]]);
  });

  it('reads a CSVLogger history.csv, an empty cell as null', () => {
    expect(historyFromCsv('epoch,loss,val_loss\n0,1.5,\n1,1.25,1.5\n')).toEqual({ loss: [1.5, 1.25], val_loss: [null, 1.5] });
    expect(historyFromCsv('epoch,loss\n0,1,2\n')).toBeUndefined();
  });

  it('the best epoch is the first lowest finite value', () => {
    expect(bestEpoch([3, 1, null, 1, Number.NaN])).toBe(1);
    expect(bestEpoch([null])).toBeUndefined();
  });
});

describe('chart SVG', () => {
  const svg = renderChartSvg(panelsOf(HISTORY), { title: 't', epochs: 5 });
  const drawn = panels(svg);

  it('draws every series with one point per epoch', () => {
    expect(drawn.map((p) => p.name)).toEqual(['loss', 'accuracy', 'learning_rate']);
    expect(drawn.flatMap((p) => p.series.map((s) => [s.key, s.role, s.points]))).toEqual([
      ['loss', 'train', 5],
      ['val_loss', 'validation', 5],
      ['accuracy', 'train', 5],
      ['val_accuracy', 'validation', 5],
      ['learning_rate', 'rate', 5],
    ]);
    for (const p of drawn) for (const s of p.series) expect(s.path.match(/[ML]/g)!.join('')).toBe('MLLLL');
    expect(svg.match(/<circle (?!class)/g)).toHaveLength(25);
  });

  it('axis ranges hold the data: epochs 1 to 5, each y range around its values', () => {
    for (const p of drawn) expect(p.x).toEqual([1, 5]);
    const [loss, accuracy, rate] = drawn;
    expect(loss!.scale).toBe('linear');
    expect(loss!.y[0]).toBeLessThanOrEqual(2.17);
    expect(loss!.y[1]).toBeGreaterThanOrEqual(2.361);
    expect(loss!.y[1] - loss!.y[0]).toBeLessThan(0.5);
    expect(accuracy!.y[0]).toBeLessThanOrEqual(0.075);
    expect(accuracy!.y[1]).toBeGreaterThanOrEqual(0.23);
    expect(accuracy!.y[1]).toBeLessThanOrEqual(0.3);
    // A rate decaying over two decades: a log axis from 1e-4 to 1e-2, ticked at the powers of ten.
    expect(rate!.scale).toBe('log');
    expect(rate!.y).toEqual([0.0001, 0.01]);
    expect(rate!.ticks).toEqual(['1e-4', '1e-3', '1e-2']);
  });

  it('rings the lowest validation loss', () => {
    expect(svg).toMatch(/<circle class="best" data-epoch="3"[^>]*><title>lowest val_loss: 2.35 at epoch 3<\/title>/);
  });

  it('breaks the line at a missing value and draws a single epoch as a point', () => {
    const gap = panels(renderChartSvg(panelsOf({ loss: [1, null, 0.5, 0.4] }), { title: 't', epochs: 4 }))[0]!;
    expect(gap.series[0]!.path.match(/[ML]/g)!.join('')).toBe('MML');
    expect(gap.series[0]!.points).toBe(3);
    const one = panels(renderChartSvg(panelsOf({ loss: [0.7] }), { title: 't', epochs: 1 }))[0]!;
    expect(one.x).toEqual([0.5, 1.5]);
    expect(one.y[0]).toBeLessThan(0.7);
    expect(one.y[1]).toBeGreaterThan(0.7);
  });

  it('escapes names from the history', () => {
    const s = renderChartSvg(panelsOf({ 'a<b&c_loss': [1, 2] }), { title: 'x<y', epochs: 2 });
    expect(s).toContain('data-name="a&lt;b&amp;c_loss"');
    expect(s).not.toMatch(/<b&/);
  });
});

describe('nnspec plot', () => {
  it('writes the SVG to --out, or stdout', async () => {
    const run = writeRun(join(dir, 'ok'));
    const r = await runCli(['plot', run, '--out', join(dir, 'ok.svg')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`plot: 3 charts of 5 epochs written to ${join(dir, 'ok.svg')}\n`);
    const svg = readFileSync(join(dir, 'ok.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="nnspec-plot"/);
    expect(svg).toContain('sequential_mlp: training curves');
    expect(svg).toContain('completed, 5 epochs, 160 training / 40 validation samples, cpu (pure JavaScript)');
    const out = await runCli(['plot', run]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(svg);
  });

  it('writes an HTML report with the curves, the model graph and the summary', async () => {
    const run = writeRun(join(dir, 'html'));
    const r = await runCli(['plot', run, '--out', join(dir, 'report.html')]);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toContain('<script');
    expect(html).toMatch(/<section id="curves">[\s\S]*<svg [^>]*class="nnspec-plot"/);
    expect(html.match(/<g class="node [^"]*" id="[^"]+" data-name="(features|dense_1|dense_2|dense_3)"/g)).toHaveLength(4);
    expect(html.match(/<tr><td>dense_\d \(Dense\)<\/td><td>\(None, \d+\)<\/td><td class="params">[\d,]+<\/td><\/tr>/g)).toHaveLength(3);
    expect(html).toContain('<li>Total params: 3,466 (13.54 KB)</li>');
    expect(html).toContain('<dt>status</dt><dd>completed</dd>');
  });

  it('takes a history.csv when the run has no history.json', async () => {
    const run = writeRun(join(dir, 'csv'));
    unlinkSync(join(run, 'history.json'));
    writeFileSync(join(run, 'history.csv'), 'epoch,loss,val_loss\n0,1.5,1.75\n1,1.25,1.5\n');
    const r = await runCli(['plot', run, '--format', 'svg']);
    expect(r.code).toBe(0);
    expect(panels(r.stdout).map((p) => [p.name, p.series.map((s) => s.points)])).toEqual([['loss', [2, 2]]]);
  });

  it('a directory that is no run: exit 2, NN900', async () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = await runCli(['plot', join(dir, 'empty')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[NN900]: ${join(dir, 'empty')} is not a training run: it has no spec.yaml or history.json`);
    expect(r.stdout).toBe('');
  });

  it('a run stopped before its first epoch: exit 1, NN913 at its history file', async () => {
    const run = writeRun(join(dir, 'none'));
    unlinkSync(join(run, 'history.json'));
    const r = await runCli(['plot', run]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(run, 'history.json')}: error[NN913]: the run has no history: no epoch finished, so there is nothing to plot`);
    const empty = writeRun(join(dir, 'none2'), {});
    const e = await runCli(['plot', empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('error[NN913]');
  });

  it('a damaged history: exit 1, NN909 naming the file and why', async () => {
    const run = writeRun(join(dir, 'bad'), '{"loss": [1, "x"]}');
    const r = await runCli(['plot', run]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(run, 'history.json')}: error[NN909]: the run's history cannot be read (it does not map each key to a list of numbers)`);
    writeFileSync(join(run, 'history.json'), '{"loss": [1,');
    const t = await runCli(['plot', run]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/error\[NN909\]: the run's history cannot be read \(.*JSON/);
  });

  it('a missing run or an unwritable --out: exit 2', async () => {
    const r = await runCli(['plot', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[NN004]');
    const run = writeRun(join(dir, 'w'));
    const w = await runCli(['plot', run, '--out', join(dir, 'no/such/dir.svg')]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain(`cannot write '${join(dir, 'no/such/dir.svg')}': no such directory`);
  });
});
