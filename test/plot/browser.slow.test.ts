/**
 * The plot's HTML report and SVG in a real browser: headless Chromium loads each with no error
 * (no page error, no console error, the SVG well-formed), and finds the expected parts: one
 * panel per metric with its series, the model graph's boxes, the summary's rows. Skipped, with
 * the reason in the test's name, where Debian's chromium is not installed (.ci/run installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { writeRun } from './fixtures.js';

const CHROMIUM = process.env.NNSPEC_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const skipped = available ? '' : ` (skipped: ${CHROMIUM} not found; install Debian's chromium package)`;
if (!available) console.warn(`browser test of the plot report skipped: ${CHROMIUM} not found (apt-get install chromium)`);

let browser: Browser | undefined;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-plot-browser-'));
  if (available) {
    browser = await chromium.launch({
      timeout: 0,
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a file, collecting page errors, console errors and failed requests while it loads. */
async function open<T>(file: string, inspect: () => T): Promise<{ errors: string[]; found: T }> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  try {
    await page.goto(pathToFileURL(file).href, { timeout: 0, waitUntil: 'load' });
    return { errors, found: (await page.evaluate(inspect)) as T };
  } finally {
    await page.close();
  }
}

describe.skipIf(!available)(`plot in headless Chromium${skipped}`, () => {
  it('the HTML report loads without errors and shows curves, graph and summary', async () => {
    const run = writeRun(join(dir, 'run'));
    const out = join(dir, 'report.html');
    const r = await runCli(['plot', run, '--out', out]);
    expect(r.code).toBe(0);
    const { errors, found } = await open(out, () => {
      const curves = document.querySelector('section#curves svg.nnspec-plot');
      const graph = document.querySelector('section#graph svg');
      const box = (el: Element | null) => (el ? (el as SVGGraphicsElement).getBoundingClientRect() : null);
      return {
        title: document.title,
        panels: Array.from(document.querySelectorAll('section#curves g.panel')).map((g) => g.getAttribute('data-name')),
        series: Array.from(document.querySelectorAll('section#curves g.series')).map((g) => g.getAttribute('data-key')),
        // Every drawn line has a length: the path data parsed.
        lengths: Array.from(document.querySelectorAll('section#curves g.series > path')).map((p) => (p as SVGPathElement).getTotalLength()),
        nodes: Array.from(document.querySelectorAll('section#graph g.node')).map((g) => g.getAttribute('data-name')),
        rows: document.querySelectorAll('section#summary table.summary tbody tr').length,
        curvesBox: box(curves),
        graphBox: box(graph),
      };
    });
    expect(errors).toEqual([]);
    expect(found.title).toBe(`sequential_mlp — run ${run}`);
    expect(found.panels).toEqual(['loss', 'accuracy', 'learning_rate']);
    expect(found.series).toEqual(['loss', 'val_loss', 'accuracy', 'val_accuracy', 'learning_rate']);
    for (const l of found.lengths) expect(l).toBeGreaterThan(50);
    expect(found.nodes).toEqual(['features', 'dense_1', 'dense_2', 'dense_3']);
    expect(found.rows).toBe(4); // the input's row and three Dense
    expect(found.curvesBox!.width).toBeGreaterThan(300);
    expect(found.graphBox!.height).toBeGreaterThan(100);
  });

  it('the SVG loads as a standalone, well-formed document', async () => {
    const run = writeRun(join(dir, 'run2'));
    const out = join(dir, 'curves.svg');
    expect((await runCli(['plot', run, '--out', out])).code).toBe(0);
    const { errors, found } = await open(out, () => ({
      root: document.documentElement.localName,
      parserErrors: document.getElementsByTagName('parsererror').length,
      panels: document.querySelectorAll('g.panel').length,
      circles: document.querySelectorAll('g.series circle:not(.best)').length,
    }));
    expect(errors).toEqual([]);
    expect(found).toEqual({ root: 'svg', parserErrors: 0, panels: 3, circles: 25 });
  });
});
