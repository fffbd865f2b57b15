/**
 * The SVG picture: a title, the laid-out boxes and edges, notes for problems that belong to no
 * box, and a legend of the styles in use. Every box is a `<g class="node">` holding its `<rect>`
 * and one `<text>` per label line, with a `<title>` tooltip carrying its diagnostics.
 */
import { FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, labelLines, printable, textWidth } from './label.js';
import { PAD_Y, type Layout, type Point } from './layout.js';
import { problemText, type Diagram, type DiagramNode } from './model.js';
import { boxStyle, DASH, EDGE_COLOUR, ERROR_COLOUR, sharedColour, type BoxStyle } from './theme.js';
import { xml } from './xml.js';

const MARGIN = 12;
const TITLE_SIZE = 15;
const NOTE_CELLS = 140;

export function renderSvg(diagram: Diagram, layout: Layout): string {
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const nameOf = (id: string) => printable(byId.get(id)?.name ?? id);
  const head: string[] = [];
  const body: string[] = [];
  const foot: string[] = [];
  let y = MARGIN;
  let width = layout.width;

  // Title, and how to read the marks when the spec is invalid.
  y += TITLE_SIZE;
  head.push(`<text class="caption" x="${MARGIN}" y="${y}" font-size="${TITLE_SIZE}" font-weight="bold">${xml(printable(diagram.name || 'model'))}</text>`);
  width = Math.max(width, MARGIN * 2 + textWidth(printable(diagram.name || 'model')) * (TITLE_SIZE / FONT_SIZE));
  if (diagram.errors > 0) {
    const line = `${diagram.errors} error${diagram.errors === 1 ? '' : 's'}: red marks what failed; hover a box for its message`;
    y += LINE_HEIGHT + 2;
    head.push(`<text class="caption" x="${MARGIN}" y="${y}" fill="${ERROR_COLOUR}">${xml(line)}</text>`);
    width = Math.max(width, MARGIN * 2 + textWidth(line));
  }
  const top = y + 4;
  body.push(...blockFrames(diagram, layout));

  body.push(...diagram.edges.map((e, i) => {
    const colour = e.missing ? ERROR_COLOUR : EDGE_COLOUR;
    const dash = e.missing ? ` stroke-dasharray="${DASH}"` : '';
    const tip = e.missing ? `<title>${xml(`'${nameOf(e.from)}' is not defined`)}</title>` : '';
    return `<path class="edge${e.missing ? ' missing' : ''}" d="${path(layout.edges[i]!)}" fill="none" stroke="${colour}" stroke-width="1.3"${dash} marker-end="url(#${e.missing ? 'arrow-error' : 'arrow'})">${tip}</path>`;
  }));
  body.push(...diagram.shares.map((s, i) => {
    const node = byId.get(s.to);
    const colour = node?.group !== undefined ? sharedColour(node.group).stroke : EDGE_COLOUR;
    const tip = `<title>${xml(`'${nameOf(s.to)}' shares the layer '${printable(s.layer)}' (one set of weights)`)}</title>`;
    return `<path class="share" d="${path(layout.shares[i]!)}" fill="none" stroke="${colour}" stroke-width="1.6" stroke-dasharray="6 4">${tip}</path>`;
  }));
  body.push(...diagram.nodes.map((n) => nodeSvg(n, layout)));

  // Below the graph: problems no box can carry, then the legend.
  y = top + layout.height + (diagram.notes.length > 0 ? 6 : 0);
  for (const note of diagram.notes) {
    const text = printable(note);
    const shown = text.length > NOTE_CELLS ? text.slice(0, NOTE_CELLS - 1) + '…' : text;
    y += LINE_HEIGHT;
    foot.push(`<text class="note" x="${MARGIN}" y="${r(y)}" fill="${ERROR_COLOUR}"><title>${xml(text)}</title>${xml(shown)}</text>`);
    width = Math.max(width, MARGIN * 2 + textWidth(shown));
  }
  const legend = legendSvg(diagram, y + 8);
  if (legend.svg) {
    foot.push(legend.svg);
    y = legend.bottom;
    width = Math.max(width, legend.width + MARGIN);
  }
  const height = Math.ceil(y + MARGIN);
  width = Math.ceil(width);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xml(FONT_FAMILY)}" font-size="${FONT_SIZE}">`,
    `<title>${xml(printable(diagram.name || 'model'))}</title>`,
    '<defs>',
    arrow('arrow', EDGE_COLOUR),
    arrow('arrow-error', ERROR_COLOUR),
    '</defs>',
    `<rect class="background" width="100%" height="100%" fill="#ffffff"/>`,
    ...head,
    `<g class="graph" transform="translate(0 ${top})">`,
    ...body,
    '</g>',
    ...foot,
    '</svg>',
    '',
  ].join('\n');
}

/** A dashed frame around each block instance's boxes (format 2), its label at the top left; inner instances inside. */
function blockFrames(diagram: Diagram, layout: Layout): string[] {
  const blocks = new Map((diagram.blocks ?? []).map((b) => [b.id, b]));
  const ids = (id: string): string[] => [...blocks.get(id)!.members, ...blocks.get(id)!.children.flatMap(ids)];
  const depth = (id: string): number => (blocks.get(id)!.parent === undefined ? 0 : 1 + depth(blocks.get(id)!.parent!));
  return [...blocks.values()].flatMap((b) => {
    const boxes = ids(b.id).flatMap((m) => layout.boxes.get(m) ?? []);
    if (boxes.length === 0) return [];
    const pad = 8 - 3 * Math.min(depth(b.id), 2);
    const x0 = Math.min(...boxes.map((x) => x.x)) - pad;
    const y0 = Math.min(...boxes.map((x) => x.y)) - pad - LINE_HEIGHT;
    const x1 = Math.max(...boxes.map((x) => x.x + x.width)) + pad;
    const y1 = Math.max(...boxes.map((x) => x.y + x.height)) + pad;
    return [
      `<g class="block" id="${b.id}"><rect x="${r(x0)}" y="${r(y0)}" width="${r(x1 - x0)}" height="${r(y1 - y0)}" rx="6" fill="none" stroke="${EDGE_COLOUR}" stroke-dasharray="${DASH}"/>`,
      `<text x="${r(x0 + 6)}" y="${r(y0 + LINE_HEIGHT * 0.8)}" fill="${EDGE_COLOUR}" font-size="${FONT_SIZE - 1}">${xml(printable(b.label))}</text></g>`,
    ];
  });
}

function nodeSvg(node: DiagramNode, layout: Layout): string {
  const box = layout.boxes.get(node.id)!;
  const style = boxStyle(node);
  const lines = labelLines(node);
  const cx = r(box.x + box.width / 2);
  const tip = [...lines.map((l) => l.text), ...node.problems.map((p) => printable(problemText(p)))].join('\n');
  const text = lines.map((l, i) => {
    const baseline = r(box.y + PAD_Y + i * LINE_HEIGHT + LINE_HEIGHT * 0.75);
    return `<text x="${cx}" y="${baseline}" text-anchor="middle" fill="${style.text}"${l.bold ? ' font-weight="bold"' : ''}>${xml(l.text)}</text>`;
  });
  const classes = ['node', node.role, ...(node.output ? ['output'] : []), ...(node.group !== undefined ? ['shared'] : []), node.status].join(' ');
  return [
    `<g class="${classes}" id="${node.id}" data-name="${xml(printable(node.name))}">`,
    `<title>${xml(tip)}</title>`,
    `<rect x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="${node.role === 'input' ? 12 : 4}"${paint(style)}/>`,
    ...text,
    '</g>',
  ].join('\n');
}

function paint(style: BoxStyle): string {
  return ` fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.strokeWidth}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}`;
}

/** One swatch per kind of mark the picture uses. */
function legendSvg(diagram: Diagram, top: number): { svg: string; width: number; bottom: number } {
  const items: { label: string; style: BoxStyle }[] = [];
  const sample = (pred: (n: DiagramNode) => boolean, label: string) => {
    const n = diagram.nodes.find(pred);
    if (n) items.push({ label, style: boxStyle(n) });
  };
  sample((n) => n.role === 'input' && n.status === 'ok', 'input');
  sample((n) => n.output && n.group === undefined && n.status === 'ok', 'output');
  sample((n) => n.group !== undefined && n.status === 'ok', 'shared layer (one set of weights)');
  sample((n) => n.status === 'error' && n.role !== 'missing', 'failed');
  sample((n) => n.role === 'missing', 'undefined name');
  sample((n) => n.status === 'skipped', 'not inferred (an input failed)');
  sample((n) => n.status === 'warning', 'warning');
  if (items.length === 0) return { svg: '', width: 0, bottom: top };
  let x = MARGIN;
  const parts = items.map(({ label, style }) => {
    const swatch = `<rect x="${r(x)}" y="${r(top)}" width="14" height="12" rx="2"${paint(style)}/>`;
    const text = `<text x="${r(x + 20)}" y="${r(top + 10)}" fill="#424242">${xml(label)}</text>`;
    x += 20 + textWidth(label) + 16;
    return swatch + text;
  });
  return { svg: `<g class="legend">\n${parts.join('\n')}\n</g>`, width: x, bottom: top + 14 };
}

function arrow(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
}

function path(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)} ${r(p.y)}`).join(' ');
}

function r(x: number): number {
  return Math.round(x * 10) / 10;
}
