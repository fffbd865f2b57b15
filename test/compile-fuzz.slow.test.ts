/**
 * Robustness: thousands of mutated specs (structure and bytes) must compile to diagnostics,
 * never throw. Deterministic: a fixed seed, so a failure names a reproducible case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compile } from '../src/compiler/compile.js';
import { rng } from './support/rng.js';
import { ROOT } from './helpers.js';

const sources = ['specs', 'test/fixtures/valid'].flatMap((d) =>
  readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(ROOT, d, f), 'utf8')),
);

const ODD_VALUES: unknown[] = [null, 0, -1, 1.5, 1e300, '', 'x', 'Dense', true, [], {}, [null], { type: 'LSTM' }, [[1]], { shares: 'x' }, 'relu', -0.5, [1, 2, 3]];

function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function mutate(value: unknown, r: () => number): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const path = all[Math.floor(r() * all.length)]!;
    let parent: any = copy;
    for (const k of path.slice(0, -1)) parent = parent?.[k];
    if (!parent || typeof parent !== 'object') continue;
    const key = path[path.length - 1]!;
    const choice = r();
    if (choice < 0.6) parent[key] = structuredClone(ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]);
    else if (choice < 0.8 && !Array.isArray(parent)) delete parent[key];
    else if (!Array.isArray(parent)) parent[`${String(key)}_x`] = parent[key];
  }
  return copy;
}

describe('fuzz: compile never throws', () => {
  it('on 3,000 structurally mutated specs', () => {
    const r = rng(1234);
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const base = parse(sources[i % sources.length]!);
      const text = stringify(mutate(base, r));
      let result;
      try {
        result = compile(text, `case${i}.yaml`);
      } catch (e) {
        throw new Error(`case ${i} threw ${(e as Error).stack}\n--- spec ---\n${text}`);
      }
      if (!result.ok) invalid++;
      for (const d of result.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }
    expect(invalid).toBeGreaterThan(1500);
  });

  it('on 3,000 byte-mutated specs', () => {
    const r = rng(99);
    const alphabet = ['[', ']', '{', '}', ':', '-', ' ', '\n', '\t', '"', "'", '&a', '*a', '!', '#', ',', '?', '|', '>', '%', '@', '\u00e9', '\0'];
    for (let i = 0; i < 3000; i++) {
      let text = sources[i % sources.length]!;
      for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
        const at = Math.floor(r() * text.length);
        const op = r();
        if (op < 0.4) text = text.slice(0, at) + alphabet[Math.floor(r() * alphabet.length)] + text.slice(at);
        else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 5));
        else text = text.slice(0, at) + text.slice(at, at + 20) + text.slice(at);
      }
      try {
        compile(text, `bytes${i}.yaml`);
      } catch (e) {
        throw new Error(`case ${i} threw ${(e as Error).stack}\n--- spec ---\n${text}`);
      }
    }
  });
});
