/**
 * Mermaid `flowchart TD`, to paste into a GitHub README as-is. Labels are quoted with every
 * character Mermaid would read as syntax written as an entity; ids come from the diagram
 * (prefixed, [A-Za-z0-9_] only). Every Mermaid link ranks its ends, so call sites of a shared
 * layer on the same level (a siamese pair) sit in one subgraph instead of being linked; sites
 * further down get a dotted "shares" link, which follows the data's direction anyway.
 */
import { depths } from './depth.js';
import { labelLines, printable } from './label.js';
import { problemText, type Diagram, type DiagramBlock, type DiagramNode } from './model.js';
import { boxStyle, ERROR_COLOUR, sharedColour, type BoxStyle } from './theme.js';

export function renderMermaid(diagram: Diagram): string {
  const out: string[] = [];
  // A title only where it is plain: frontmatter shows markup characters escaped twice.
  if (/^[\w.\- ]+$/.test(diagram.name)) out.push('---', `title: ${diagram.name}`, '---');
  out.push('flowchart TD');
  for (const note of diagram.notes) out.push(`  %% ${printable(note)}`);

  const depth = depths(diagram);
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const clusters = new Map<number, DiagramNode[]>();
  for (const s of diagram.shares) {
    const [from, to] = [byId.get(s.from)!, byId.get(s.to)!];
    if (from.group === undefined || depth.get(s.from) !== depth.get(s.to)) continue;
    const members = clusters.get(from.group) ?? [from];
    clusters.set(from.group, [...members, to]);
  }
  const clustered = new Set([...clusters.values()].flat());

  const classes = new Classes();
  const written = new Set<number>();
  for (const n of diagram.nodes) {
    if (!clustered.has(n)) out.push(`  ${nodeLine(n, classes)}`);
    else if (!written.has(n.group!)) {
      written.add(n.group!);
      out.push(...subgraph(n.group!, clusters.get(n.group!)!, classes));
    }
  }

  const blocks = new Map((diagram.blocks ?? []).map((b) => [b.id, b]));
  const cluster = (b: DiagramBlock, indent: string): string[] => [
    `${indent}subgraph ${b.id}["${text(printable(b.label))}"]`,
    ...b.members.map((m) => `${indent}  ${m}`),
    ...b.children.flatMap((c) => cluster(blocks.get(c)!, indent + '  ')),
    `${indent}end`,
  ];
  for (const b of blocks.values()) if (b.parent === undefined) out.push(...cluster(b, '  '));

  const styles: string[] = [];
  const broken: number[] = [];
  diagram.edges.forEach((e, i) => {
    if (e.missing) broken.push(i);
    out.push(`  ${e.from} ${e.missing ? '-.->' : '-->'} ${e.to}`);
  });
  if (broken.length > 0) styles.push(`  linkStyle ${broken.join(',')} stroke:${ERROR_COLOUR},stroke-width:2px`);
  let link = diagram.edges.length;
  for (const s of diagram.shares) {
    const to = byId.get(s.to)!;
    if (clustered.has(to)) continue;
    out.push(`  ${s.from} -. shares .- ${s.to}`);
    if (to.group !== undefined) styles.push(`  linkStyle ${link} stroke:${sharedColour(to.group).stroke},stroke-width:2px,color:${sharedColour(to.group).stroke}`);
    link++;
  }
  out.push(...styles, ...classes.definitions());
  for (const n of diagram.nodes) for (const p of n.problems) out.push(`  %% ${printable(`${n.name}: ${problemText(p)}`)}`);
  out.push('');
  return out.join('\n');
}

function subgraph(group: number, nodes: DiagramNode[], classes: Classes): string[] {
  const first = nodes[0]!;
  const title = `${first.type ?? '?'} ${first.name}: one layer, ${nodes.length} call sites`;
  const { stroke } = sharedColour(group);
  return [
    `  subgraph shared_${group}["${text(printable(title))}"]`,
    ...nodes.map((n) => `    ${nodeLine(n, classes)}`),
    '  end',
    `  style shared_${group} fill:none,stroke:${stroke},stroke-dasharray:6 4,color:${stroke}`,
  ];
}

function nodeLine(n: DiagramNode, classes: Classes): string {
  const label = `"${labelLines(n).map((l) => text(l.text)).join('<br/>')}"`;
  const shaped = n.role === 'input' ? `([${label}])` : n.output ? `[[${label}]]` : `[${label}]`;
  return `${n.id}${shaped}:::${classes.of(n)}`;
}

/**
 * Text inside a quoted Mermaid label: `#` first (Mermaid reads `#name;` as an entity), then the
 * characters that would end the string or be read as HTML, Markdown or a `\n` line break.
 */
export function text(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\\/g, '#92;');
}

/** One classDef per distinct box style, named after what it marks. */
class Classes {
  private readonly byKey = new Map<string, { name: string; style: BoxStyle }>();
  private readonly names = new Set<string>();

  of(n: DiagramNode): string {
    const style = boxStyle(n);
    const key = JSON.stringify(style);
    let entry = this.byKey.get(key);
    if (!entry) {
      const base = n.role === 'missing' ? 'undefined_name' : n.status !== 'ok' ? n.status : n.group !== undefined ? `shared${n.group}` : n.role === 'input' ? 'input' : n.output ? 'output' : 'layer';
      let name = base;
      for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
      this.names.add(name);
      entry = { name, style };
      this.byKey.set(key, entry);
    }
    return entry.name;
  }

  definitions(): string[] {
    return [...this.byKey.values()].map(({ name, style }) => {
      const dash = style.dash ? `,stroke-dasharray:${style.dash}` : '';
      return `  classDef ${name} fill:${style.fill},stroke:${style.stroke},stroke-width:${style.strokeWidth}px,color:${style.text}${dash}`;
    });
  }
}
