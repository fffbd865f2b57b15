/**
 * Positions for the SVG: elkjs's layered algorithm (Sugiyama-style, pure JavaScript) with data
 * flowing down, boxes sized to their labels, orthogonal edge routes. A shared layer's call
 * sites are linked one to the next by an extra edge elk routes around the boxes, except for sites
 * on the same level (a siamese pair), which are joined directly so the link does not push one
 * below the other. Past MAX_LAYOUT_NODES the layout is refused (see tooLargeToLayOut).
 */
import type ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { labelLines, LINE_HEIGHT, textWidth } from './label.js';
import { depths } from './depth.js';
import type { Diagram, DiagramNode } from './model.js';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  /** By node id. */
  boxes: Map<string, Box>;
  /** Routes of `diagram.edges`, in the same order. */
  edges: Point[][];
  /** Routes of `diagram.shares`, in the same order. */
  shares: Point[][];
}

/**
 * elkjs (1.6 MB) is loaded only when a picture is laid out, not at every CLI start. Its bundle's
 * module.exports is the class itself, while its typings describe an ES default export.
 */
async function loadElk(): Promise<typeof ELK.default> {
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: typeof ELK.default };
  return mod.default;
}

export const PAD_X = 10;
export const PAD_Y = 7;
const INPUT_EXTRA = 6; // inputs have rounder corners, so their text keeps further from the sides
const GAP_BETWEEN_LAYERS = 36;
const MAX_SEPARATE_EDGES = 32;

/**
 * The largest diagram the SVG layout takes: elkjs recurses per node (a chain of 5,000 layers
 * overflows the stack; 4,000 take 12 s), so past these the picture is refused with a pointer to
 * `--format dot` or `mermaid`, which need no layout.
 */
export const MAX_LAYOUT_NODES = 2000;
export const MAX_LAYOUT_EDGES = 4000;

/** Why the diagram is too large to lay out, or undefined when it is not. */
export function tooLargeToLayOut(diagram: Diagram): string | undefined {
  const nodes = diagram.nodes.length;
  const edges = diagram.edges.length + diagram.shares.length;
  if (nodes <= MAX_LAYOUT_NODES && edges <= MAX_LAYOUT_EDGES) return undefined;
  const what = nodes > MAX_LAYOUT_NODES ? `${nodes} nodes` : `${edges} connections`;
  return `the model has ${what}; the SVG layout takes at most ${MAX_LAYOUT_NODES} nodes and ${MAX_LAYOUT_EDGES} connections`;
}

export function boxSize(node: DiagramNode): { width: number; height: number } {
  const lines = labelLines(node);
  const text = Math.max(...lines.map((l) => textWidth(l.text)));
  const padX = PAD_X + (node.role === 'input' ? INPUT_EXTRA : 0);
  return { width: Math.ceil(text + 2 * padX), height: lines.length * LINE_HEIGHT + 2 * PAD_Y };
}

const OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_BETWEEN_LAYERS),
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  // Each layer as early as its inputs allow (as Keras lists them): inputs on top, branches side by side.
  'elk.layered.layering.strategy': 'LONGEST_PATH_SOURCE',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  // Keep the spec's order among siblings, so a merge's inputs come left to right as listed.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

export async function layout(diagram: Diagram): Promise<Layout> {
  const tooLarge = tooLargeToLayOut(diagram);
  if (tooLarge) throw new Error(`internal: ${tooLarge}; callers check tooLargeToLayOut first`);
  const depth = depths(diagram);
  const children: ElkNode[] = diagram.nodes.map((n) => ({ id: n.id, ...boxSize(n) }));
  const edges: ElkExtendedEdge[] = diagram.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] }));
  // A layer's call sites are linked one to the next (declaring node first), not each to the
  // declaring node: a star of links spanning many levels costs elk a dummy node per level
  // crossed (one layer called 200 times in a chain: 87 s), a chain costs one per level in all.
  const direct = new Map<number, string>();
  const previous = new Map<string, string>();
  const linkFrom = diagram.shares.map((s) => {
    const from = previous.get(s.layer) ?? s.from;
    previous.set(s.layer, s.to);
    return from;
  });
  diagram.shares.forEach((s, i) => {
    const from = linkFrom[i]!;
    const [a, b] = [depth.get(from) ?? 0, depth.get(s.to) ?? 0];
    if (a === b) direct.set(i, from);
    else edges.push({ id: `s${i}`, sources: [a < b ? from : s.to], targets: [a < b ? s.to : from] });
  });
  const Elk = await loadElk();
  const elk = new Elk();
  const root: ElkNode = { id: 'root', layoutOptions: { ...OPTIONS, ...(busy(diagram) ? { 'elk.layered.mergeEdges': 'true' } : {}) }, children, edges };
  const out = await elk.layout(root);
  const boxes = new Map<string, Box>();
  for (const c of out.children ?? []) boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  const routes = new Map<string, Point[]>();
  for (const e of out.edges ?? []) {
    const s = e.sections?.[0];
    if (s) routes.set(e.id, [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
  }
  const all = [...boxes.values()];
  const shares = diagram.shares.map((s, i) => (direct.has(i) ? sameLevelRoute(boxes.get(direct.get(i)!)!, boxes.get(s.to)!, all) : (routes.get(`s${i}`) ?? [])));
  return { width: out.width ?? 0, height: out.height ?? 0, boxes, edges: diagram.edges.map((_, i) => routes.get(`e${i}`) ?? []), shares };
}

/**
 * Whether some node has so many connections that routing each one separately is slow (a
 * Concatenate of 1,000 branches: 66 s instead of 5 s). Then edges sharing an end are merged,
 * which hides the order of a merge's inputs, so only then.
 */
function busy(diagram: Diagram): boolean {
  const degree = new Map<string, number>();
  for (const e of diagram.edges) for (const id of [e.from, e.to]) degree.set(id, (degree.get(id) ?? 0) + 1);
  for (const n of degree.values()) if (n > MAX_SEPARATE_EDGES) return true;
  return false;
}

/**
 * Two call sites on the same level: a straight line between facing sides when nothing stands
 * between them, else a bracket through the free band just above both boxes.
 */
function sameLevelRoute(a: Box, b: Box, all: Box[]): Point[] {
  const others = all.filter((o) => o !== a && o !== b);
  const [left, right] = a.x <= b.x ? [a, b] : [b, a];
  const top = Math.max(a.y, b.y);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  if (bottom > top && left.x + left.width < right.x) {
    const y = (top + bottom) / 2;
    const line = [{ x: left.x + left.width, y }, { x: right.x, y }];
    if (!crossesAny(line, others)) return line;
  }
  const xa = left.x + left.width * 0.8;
  const xb = right.x + right.width * 0.2;
  for (let lift = 8; lift <= GAP_BETWEEN_LAYERS; lift += 2) {
    const y = Math.min(a.y, b.y) - lift;
    const route = [{ x: xa, y: left.y }, { x: xa, y }, { x: xb, y }, { x: xb, y: right.y }];
    if (!crossesAny(route, others)) return route;
  }
  return [{ x: left.x + left.width, y: left.y + left.height / 2 }, { x: right.x, y: right.y + right.height / 2 }];
}

/** Whether a path of horizontal and vertical segments passes through any box. */
function crossesAny(path: Point[], boxes: Box[]): boolean {
  for (let i = 1; i < path.length; i++) {
    const [p, q] = [path[i - 1]!, path[i]!];
    const [x0, x1] = [Math.min(p.x, q.x), Math.max(p.x, q.x)];
    const [y0, y1] = [Math.min(p.y, q.y), Math.max(p.y, q.y)];
    if (boxes.some((b) => x0 < b.x + b.width && x1 > b.x && y0 < b.y + b.height && y1 > b.y)) return true;
  }
  return false;
}
