/** The one code list: every code documented in the README's generated table, every code used, ranges closed. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_RANGES, CODES } from '../../src/diagnostics/codes.js';
import { codesTable } from '../../src/diagnostics/codes-table.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ALL = Object.keys(CODES);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('diagnostic codes', () => {
  it('are NN and three digits, each in a documented range', () => {
    for (const code of ALL) {
      expect(code).toMatch(/^NN\d{3}$/);
      expect(CODE_RANGES.some((r) => code.startsWith(r.prefix)), code).toBe(true);
    }
  });

  it('each have a row in the README table', () => {
    const missing = ALL.filter((code) => !README.includes(`| \`${code}\` | ${CODES[code as keyof typeof CODES].name} |`));
    expect(missing).toEqual([]);
  });

  it('the README table is the generated one (run `npm run docs` after changing codes.ts)', () => {
    const start = README.indexOf('<!-- codes:start -->\n') + '<!-- codes:start -->\n'.length;
    const end = README.indexOf('\n<!-- codes:end -->');
    expect(README.slice(start, end)).toBe(codesTable());
  });

  it('are each reported somewhere in src/', () => {
    const text = sources(join(ROOT, 'src'))
      .filter((f) => !f.endsWith(join('diagnostics', 'codes.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // NN000 is the fallback of a UsageError given no code; the rest must appear as literals.
    expect(ALL.filter((code) => code !== 'NN000' && !text.includes(`'${code}'`))).toEqual([]);
  });
});
