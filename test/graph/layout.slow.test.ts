/**
 * The SVG layout (elkjs): a generated 200-layer model keeps every node, no two boxes overlap,
 * every box fits its label, data flows down, and the size is finite. Shared-layer links join
 * their call sites without crossing other boxes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diagramOf } from '../../src/backends/graph/draw.js';
import { boxSize, layout, type Box, type Layout, type Point } from '../../src/backends/graph/layout.js';
import { labelLines, textWidth } from '../../src/backends/graph/label.js';
import type { Diagram } from '../../src/backends/graph/model.js';
import { renderSvg } from '../../src/backends/graph/svg.js';
import { compileText } from '../helpers.js';

/**
 * 200 layers: residual blocks (Dense, Dense, Add with the block's input), a side branch that
 * joins later, a Dense layer reused further down, and a Concatenate of three blocks.
 */
function bigSpec(): string {
  const lines = ['nnspec: 1', 'name: deep', 'inputs:', '  x: {shape: [16]}', '  aux: {shape: [16]}', 'layers:'];
  let prev = 'x';
  let count = 0;
  const add = (line: string) => {
    lines.push(`  ${line}`);
    count++;
  };
  add('shared_proj: {type: Dense, units: 16, inputs: aux}');
  for (let b = 0; count < 192; b++) {
    add(`b${b}_d1: {type: Dense, units: 16, activation: relu, inputs: ${prev}}`);
    add(`b${b}_d2: {type: Dense, units: 16}`);
    add(`b${b}_add: {type: Add, inputs: [${prev}, b${b}_d2]}`);
    prev = `b${b}_add`;
    if (b === 20) add(`side: {type: Dense, units: 16, inputs: b5_add}`);
    if (b === 30) add(`reused_proj: {shares: shared_proj, inputs: ${prev}}`);
  }
  add(`joined: {type: Concatenate, inputs: [${prev}, side, reused_proj]}`);
  while (count < 199) add(`head_${count}: {type: Dense, units: 8}`);
  add('out: {type: Dense, units: 1}');
  lines.push('outputs: [out]', '');
  if (count !== 200) throw new Error(`generated ${count} layers`);
  return lines.join('\n');
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function onBorder(p: Point, b: Box): boolean {
  const eps = 1.5;
  const inX = p.x >= b.x - eps && p.x <= b.x + b.width + eps;
  const inY = p.y >= b.y - eps && p.y <= b.y + b.height + eps;
  return inX && inY && (Math.abs(p.y - b.y) < eps || Math.abs(p.y - b.y - b.height) < eps || Math.abs(p.x - b.x) < eps || Math.abs(p.x - b.x - b.width) < eps);
}

/** Whether a route of horizontal and vertical segments passes through the inside of a box. */
function crosses(route: Point[], b: Box): boolean {
  for (let i = 1; i < route.length; i++) {
    const [p, q] = [route[i - 1]!, route[i]!];
    const seg = { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: Math.abs(p.x - q.x), height: Math.abs(p.y - q.y) };
    const inner = { x: b.x + 1, y: b.y + 1, width: b.width - 2, height: b.height - 2 };
    if (seg.x <= inner.x + inner.width && inner.x <= seg.x + seg.width && seg.y <= inner.y + inner.height && inner.y <= seg.y + seg.height) return true;
  }
  return false;
}

async function laidOut(text: string): Promise<{ diagram: Diagram; placed: Layout }> {
  const diagram = diagramOf(compileText(text))!;
  return { diagram, placed: await layout(diagram) };
}

describe('layout of a 200-layer model', () => {
  const text = bigSpec();
  const result = compileText(text);
  let diagram: Diagram;
  let placed: Layout;
  beforeAll(async () => {
    ({ diagram, placed } = await laidOut(text));
  });

  it('compiles, and every node has a box', () => {
    expect(result.ok).toBe(true);
    expect(result.graph!.order).toHaveLength(202);
    expect(diagram.nodes).toHaveLength(202);
    for (const n of diagram.nodes) expect(placed.boxes.has(n.id)).toBe(true);
  });

  it('has a finite size that holds every box', () => {
    expect(Number.isFinite(placed.width) && Number.isFinite(placed.height)).toBe(true);
    expect(placed.width).toBeGreaterThan(0);
    expect(placed.height).toBeLessThan(100_000);
    for (const b of placed.boxes.values()) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(placed.width);
      expect(b.y + b.height).toBeLessThanOrEqual(placed.height);
    }
  });

  it('no two boxes overlap', () => {
    const all = [...placed.boxes.entries()];
    const overlapping: string[] = [];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (overlap(all[i]![1], all[j]![1])) overlapping.push(`${all[i]![0]}/${all[j]![0]}`);
    expect(overlapping).toEqual([]);
  });

  it('every box is as large as its label at the assumed character width', () => {
    for (const n of diagram.nodes) {
      const b = placed.boxes.get(n.id)!;
      expect(b).toMatchObject(boxSize(n));
      for (const line of labelLines(n)) expect(textWidth(line.text)).toBeLessThan(b.width - 10);
    }
  });

  it('every connection runs from the border of its source down to the border of its target', () => {
    diagram.edges.forEach((e, i) => {
      const route = placed.edges[i]!;
      const [from, to] = [placed.boxes.get(e.from)!, placed.boxes.get(e.to)!];
      expect(route.length).toBeGreaterThanOrEqual(2);
      expect(onBorder(route[0]!, from)).toBe(true);
      expect(onBorder(route[route.length - 1]!, to)).toBe(true);
      expect(to.y).toBeGreaterThan(from.y + from.height);
    });
  });

  it('links the two call sites of the reused layer around the boxes in between', () => {
    expect(diagram.shares).toHaveLength(1);
    const s = diagram.shares[0]!;
    const route = placed.shares[0]!;
    expect(route.length).toBeGreaterThanOrEqual(2);
    for (const [id, box] of placed.boxes) if (id !== s.from && id !== s.to) expect(crosses(route, box)).toBe(false);
  });

  it('renders an SVG with all 202 boxes and 200 + 2 connections', () => {
    const svg = renderSvg(diagram, placed);
    expect(svg.match(/<g class="node /g)).toHaveLength(202);
    expect(svg.match(/<path class="edge"/g)).toHaveLength(diagram.edges.length);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('a wide merge', () => {
  it('40 branches into one Concatenate: every branch placed side by side, no overlaps, every edge routed', async () => {
    const branches = Array.from({ length: 40 }, (_, i) => `b${i}`);
    const { diagram, placed } = await laidOut(
      `nnspec: 1\nname: t\ninputs:\n  x: {shape: [4]}\nlayers:\n${branches.map((b) => `  ${b}: {type: Dense, units: 2, inputs: x}\n`).join('')}  cat: {type: Concatenate, inputs: [${branches.join(', ')}]}\noutputs: [cat]\n`,
    );
    const boxes = branches.map((b) => placed.boxes.get(`n_${b}`)!);
    expect(new Set(boxes.map((b) => b.y)).size).toBe(1);
    expect(boxes.some((a, i) => boxes.some((b, j) => i < j && overlap(a, b)))).toBe(false);
    expect(placed.edges).toHaveLength(80);
    for (const route of placed.edges) expect(route.length).toBeGreaterThanOrEqual(2);
  });
});

describe('shared-layer links', () => {
  it('joins call sites on one level with a straight line between facing sides', async () => {
    const { diagram, placed } = await laidOut(
      'nnspec: 1\nname: t\ninputs:\n  a: {shape: [4]}\n  b: {shape: [4]}\nlayers:\n  ea: {type: Dense, units: 3, inputs: a}\n  eb: {shares: ea, inputs: b}\n  m: {type: Add, inputs: [ea, eb]}\noutputs: [m]\n',
    );
    const route = placed.shares[0]!;
    const [ea, eb] = ['n_ea', 'n_eb'].map((id) => placed.boxes.get(id)!);
    expect(diagram.shares).toEqual([{ from: 'n_ea', to: 'n_eb', layer: 'ea' }]);
    expect(route).toHaveLength(2);
    expect(route[0]!.y).toBe(route[1]!.y);
    expect(route[0]!.x).toBe(ea!.x + ea!.width);
    expect(route[1]!.x).toBe(eb!.x);
  });

  it('goes over a box that stands between two call sites on one level', async () => {
    const { placed } = await laidOut(
      'nnspec: 1\nname: t\ninputs:\n  a: {shape: [4]}\nlayers:\n  ea: {type: Dense, units: 3, inputs: a}\n  mid: {type: Dense, units: 3, inputs: a}\n  eb: {shares: ea, inputs: a}\n  m: {type: Add, inputs: [ea, mid, eb]}\noutputs: [m]\n',
    );
    const route = placed.shares[0]!;
    const mid = placed.boxes.get('n_mid')!;
    const [ea, eb] = ['n_ea', 'n_eb'].map((id) => placed.boxes.get(id)!);
    expect(ea!.y).toBe(eb!.y);
    expect(mid.x > Math.min(ea!.x, eb!.x) && mid.x < Math.max(ea!.x, eb!.x)).toBe(true);
    expect(route).toHaveLength(4);
    expect(crosses(route, mid)).toBe(false);
    expect(Math.min(...route.map((p) => p.y))).toBeLessThan(ea!.y);
  });
});
