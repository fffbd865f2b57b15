/**
 * The SVG in a real browser: headless Chromium opens the picture as a standalone SVG document
 * (so it must be well-formed XML) and measures it with getBBox(): no two node boxes overlap,
 * every label line lies inside its box, and nothing falls outside the picture. Skipped, with
 * the reason in the test's name, where Debian's chromium is not installed (.ci/run installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { ROOT, runCli } from '../helpers.js';

// Overridable so the skip itself can be tried: NNSPEC_CHROMIUM=/nowhere npx vitest run test/graph/browser.slow.test.ts
const CHROMIUM = process.env.NNSPEC_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const skipped = available ? '' : ` (skipped: ${CHROMIUM} not found; install Debian's chromium package)`;
if (!available) console.warn(`browser test of the SVG pictures skipped: ${CHROMIUM} not found (apt-get install chromium)`);

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Measured {
  wellFormed: boolean;
  size: { width: number; height: number };
  nodes: { name: string; rect: Rect; client: Rect; texts: { text: string; box: Rect }[] }[];
}

let browser: Browser | undefined;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-browser-'));
  if (available) {
    // timeout 0: no clock decides a verdict here (the test runner's own limit catches a hang).
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

async function measure(svg: string, name: string): Promise<Measured> {
  const file = join(dir, `${name}.svg`);
  writeFileSync(file, svg);
  const page = await browser!.newPage();
  try {
    await page.goto(pathToFileURL(file).href, { timeout: 0 });
    return await page.evaluate(() => {
      const plain = (r: { x: number; y: number; width: number; height: number }) => ({ x: r.x, y: r.y, width: r.width, height: r.height });
      const root = document.documentElement as unknown as SVGSVGElement;
      return {
        wellFormed: root.localName === 'svg' && document.getElementsByTagName('parsererror').length === 0,
        size: { width: root.width.baseVal.value, height: root.height.baseVal.value },
        nodes: Array.from(document.querySelectorAll('g.node')).map((g) => {
          const rect = g.querySelector('rect') as SVGRectElement;
          return {
            name: g.getAttribute('data-name') ?? '',
            rect: plain(rect.getBBox()),
            client: plain(rect.getBoundingClientRect()),
            texts: Array.from(g.querySelectorAll(':scope > text')).map((t) => ({ text: t.textContent ?? '', box: plain((t as SVGTextElement).getBBox()) })),
          };
        }),
      };
    });
  } finally {
    await page.close();
  }
}

describe('SVG pictures measured in headless Chromium', () => {
  for (const spec of ['inception_module', 'social_posts']) {
    it.skipIf(!available)(`${spec}: no node boxes overlap and every label is inside its box${skipped}`, async () => {
      const r = await runCli(['graph', `specs/${spec}.yaml`, '--format', 'svg']);
      expect(r.code).toBe(0);
      const m = await measure(r.stdout, spec);
      expect(m.wellFormed).toBe(true);

      const { graph } = compile(readFileSync(join(ROOT, 'specs', `${spec}.yaml`)), spec);
      expect(m.nodes.map((n) => n.name)).toEqual(graph!.order.map((n) => n.name));

      const overlaps: string[] = [];
      for (let i = 0; i < m.nodes.length; i++) {
        for (let j = i + 1; j < m.nodes.length; j++) {
          const [a, b] = [m.nodes[i]!.rect, m.nodes[j]!.rect];
          if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps.push(`${m.nodes[i]!.name} / ${m.nodes[j]!.name}`);
        }
      }
      expect(overlaps).toEqual([]);

      const outside: string[] = [];
      for (const node of m.nodes) {
        const { rect } = node;
        expect(node.texts).toHaveLength(3);
        for (const { text, box } of node.texts) {
          expect(box.width).toBeGreaterThan(0); // the text was really laid out in a font
          const inside = box.x >= rect.x && box.y >= rect.y && box.x + box.width <= rect.x + rect.width && box.y + box.height <= rect.y + rect.height;
          if (!inside) outside.push(`${node.name}: '${text}' ${JSON.stringify(box)} not in ${JSON.stringify(rect)}`);
        }
        // Boxes fit their labels: the widest line leaves no more than the padding either side (and 3% for the font).
        const widest = Math.max(...node.texts.map((t) => t.box.width));
        expect(rect.width - widest).toBeLessThanOrEqual(2 * 16 + 0.03 * rect.width);
        // Nothing is cut off at the picture's edges.
        expect(node.client.x).toBeGreaterThanOrEqual(0);
        expect(node.client.y).toBeGreaterThanOrEqual(0);
        expect(node.client.x + node.client.width).toBeLessThanOrEqual(m.size.width);
        expect(node.client.y + node.client.height).toBeLessThanOrEqual(m.size.height);
      }
      expect(outside).toEqual([]);
    });
  }
});
