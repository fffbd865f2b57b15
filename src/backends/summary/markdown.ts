/** The summary as a GitHub-flavoured Markdown table, for READMEs and pull requests. */
import { formatShape } from '../../layers/shape.js';
import { paramLabel, totalsLines, typeLabel, type Summary } from './rows.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(s: Summary): string {
  const connected = !s.sequential;
  const head = ['Layer (type)', 'Output Shape', 'Param #', ...(connected ? ['Connected to'] : [])];
  const lines = [`### Model: \`${s.name}\``, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 2 ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const r of s.layers) {
    const cells = [`\`${r.name}\` (${typeLabel(r)})`, `\`${formatShape(r.output_shape)}\``, paramLabel(r)];
    if (connected) cells.push(r.connected_to.length ? r.connected_to.map((c) => `\`${c}\``).join(', ') : '-');
    lines.push(`| ${cells.map(esc).join(' | ')} |`);
  }
  lines.push('', ...totalsLines(s).map((l) => `- ${l}`));
  return lines.join('\n') + '\n';
}
