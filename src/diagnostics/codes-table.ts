/** The README's table of diagnostic codes, generated from the one list (src/diagnostics/codes.ts). */
import { CODE_RANGES, CODES } from './codes.js';

/** One row per code, a heading row per range. */
export function codesTable(): string {
  const rows: string[] = [];
  for (const range of CODE_RANGES) {
    const codes = Object.entries(CODES).filter(([code]) => code.startsWith(range.prefix));
    if (codes.length === 0) continue;
    rows.push(`| **${range.prefix}xx** | | **${range.title}** |`);
    for (const [code, { name, summary }] of codes) rows.push(`| \`${code}\` | ${name} | ${summary} |`);
  }
  return ['| code | name | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
