/**
 * Graphviz DOT, for people who already render with `dot`: the same boxes, colours and marks
 * as the SVG. Shared-layer links do not constrain the ranking, so data still flows down.
 */
import { labelLines, printable } from './label.js';
import { problemText, type Diagram, type DiagramBlock, type DiagramNode } from './model.js';
import { boxStyle, EDGE_COLOUR, ERROR_COLOUR, sharedColour } from './theme.js';

export function renderDot(diagram: Diagram): string {
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const name = printable(diagram.name || 'model');
  const out = [
    `digraph ${q(name)} {`,
    '  rankdir=TB;',
    `  graph [fontname="monospace", labelloc=t, label=${q(name)}];`,
    '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=11, margin="0.15,0.06"];',
    `  edge [color="${EDGE_COLOUR}", arrowsize=0.7];`,
  ];
  for (const n of diagram.nodes) out.push(`  ${q(n.id)} [${nodeAttrs(n).join(', ')}];`);
  const blocks = new Map((diagram.blocks ?? []).map((b) => [b.id, b]));
  const cluster = (b: DiagramBlock, indent: string): string[] => [
    `${indent}subgraph ${q(`cluster_${b.id}`)} {`,
    `${indent}  label=${q(printable(b.label))}; style="rounded,dashed"; color="${EDGE_COLOUR}"; fontsize=10;`,
    ...b.members.map((m) => `${indent}  ${q(m)};`),
    ...b.children.flatMap((c) => cluster(blocks.get(c)!, indent + '  ')),
    `${indent}}`,
  ];
  for (const b of blocks.values()) if (b.parent === undefined) out.push(...cluster(b, '  '));
  for (const e of diagram.edges) {
    out.push(`  ${q(e.from)} -> ${q(e.to)}${e.missing ? ` [color="${ERROR_COLOUR}", style=dashed, tooltip=${q(`'${printable(byId.get(e.from)?.name ?? e.from)}' is not defined`)}]` : ''};`);
  }
  for (const s of diagram.shares) {
    const to = byId.get(s.to);
    const colour = to?.group !== undefined ? sharedColour(to.group).stroke : EDGE_COLOUR;
    out.push(`  ${q(s.from)} -> ${q(s.to)} [style=dashed, dir=none, constraint=false, color="${colour}", label="shares", fontcolor="${colour}", fontname="monospace", fontsize=9];`);
  }
  if (diagram.notes.length > 0) {
    out.push(`  notes [shape=note, style=filled, fillcolor="#ffebee", color="${ERROR_COLOUR}", label=${q(diagram.notes.map(printable).join('\n'), 'l')}];`);
  }
  out.push('}', '');
  return out.join('\n');
}

function nodeAttrs(n: DiagramNode): string[] {
  const style = boxStyle(n);
  const styles = ['filled', ...(n.role === 'missing' ? [] : ['rounded']), ...(style.dash ? ['dashed'] : [])];
  const attrs = [
    `label=${q(labelLines(n).map((l) => l.text).join('\n'))}`,
    `style="${styles.join(',')}"`,
    `fillcolor="${style.fill}"`,
    `color="${style.stroke}"`,
    `fontcolor="${style.text}"`,
    `penwidth=${style.strokeWidth}`,
  ];
  if (n.problems.length > 0) attrs.push(`tooltip=${q(n.problems.map((p) => printable(problemText(p))).join('\n'))}`);
  return attrs;
}

/**
 * A DOT quoted string. Backslash and quote are escaped; line breaks become `\n` (centred) or
 * `\l` (left-justified) escapes, so a label never breaks the file's lines.
 */
function q(text: string, justify: 'n' | 'l' = 'n'): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, `\\${justify}`).replace(/[\u0000-\u001f]/g, ' ');
  return `"${escaped}${justify === 'l' ? '\\l' : ''}"`;
}
