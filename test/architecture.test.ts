/**
 * Dependency arrows point one way (ARCHITECTURE.md): a module imports only from its own tier or
 * a lower one, and folders never depend on each other in a cycle. The scan reads every import,
 * re-export and dynamic import() under src/, type-only ones included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

/** Tiers, lowest first: `diagnostics` and `paths.ts` import nothing of nnspec's above them, `cli.ts` anything. */
const TIERS: string[][] = [
  ['diagnostics', 'paths.ts'],
  ['layers'],
  ['spec'],
  ['compiler'],
  ['train'],
  ['data'],
  ['backends', 'templates', 'format'],
  ['validate'],
  ['commands', 'lsp', 'docs.ts'],
  ['cli.ts'],
  ['main.ts', 'index.ts'],
];

/**
 * `layers/conv.ts` → `layers`; `backends/tfjs/x.ts` → `backends/tfjs` (each engine or renderer is
 * its own unit).
 */
function unit(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  if (parts.length === 1) return parts[0]!;
  return parts[0] === 'backends' ? `backends/${parts[1]}` : parts[0]!;
}

function tier(u: string): number {
  const top = u.split('/')[0]!;
  const i = TIERS.findIndex((t) => t.includes(top));
  if (i < 0) throw new Error(`src/${u} is in no tier: add it to TIERS in test/architecture.test.ts and to ARCHITECTURE.md`);
  return i;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Relative imports of a file, resolved to src paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

interface Edge {
  from: string;
  to: string;
  file: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources(SRC)) {
    const from = unit(file);
    for (const target of importsOf(file, readFileSync(file, 'utf8'))) {
      const to = unit(target);
      if (to !== from) out.push({ from, to, file: relative(ROOT, file) });
    }
  }
  return out;
}

/** A cycle among units, as a path, if there is one. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (u: string): string[] | undefined => {
    state.set(u, 'open');
    path.push(u);
    for (const v of graph.get(u) ?? []) {
      if (state.get(v) === 'open') return [...path.slice(path.indexOf(v)), v];
      if (!state.has(v)) {
        const found = visit(v);
        if (found) return found;
      }
    }
    path.pop();
    state.set(u, 'done');
    return undefined;
  };
  for (const u of graph.keys()) {
    if (state.has(u)) continue;
    const found = visit(u);
    if (found) return found;
  }
  return undefined;
}

describe('dependency arrows', () => {
  const all = edges();

  it('point from a higher tier to the same or a lower one', () => {
    const wrong = all.filter((e) => tier(e.to) > tier(e.from)).map((e) => `${e.file} imports ${e.to} (${e.from} is below ${e.to})`);
    expect([...new Set(wrong)]).toEqual([]);
  });

  it('form no cycle between folders (engines and renderers count one by one)', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) {
      if (!graph.has(e.from)) graph.set(e.from, new Set());
      graph.get(e.from)!.add(e.to);
    }
    expect(findCycle(graph)?.join(' → ')).toBeUndefined();
  });

  it('the scan sees static, type-only, re-exported and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "const d = await import('./d.js');",
      "import './e.js';",
      "import { f } from 'node:fs';",
    ].join('\n');
    const found = importsOf(join(SRC, 'x', 'y.ts'), text).map((p) => relative(SRC, p));
    expect(found).toEqual(['x/a.ts', 'b/b.ts', 'x/c.ts', 'x/d.ts', 'x/e.ts']);
  });

  it('a wrong-way arrow is caught (layers importing an engine)', () => {
    const [to] = importsOf(join(SRC, 'layers', 'conv.ts'), "import type { Tf } from '../backends/tfjs/env.js';");
    expect(tier(unit(to!)) > tier('layers')).toBe(true);
  });
});
