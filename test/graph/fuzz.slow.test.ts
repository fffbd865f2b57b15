/**
 * Robustness: mutated specs (odd values, deleted and renamed keys) are drawn in every format,
 * or refused as having no graph, without throwing. Deterministic: a fixed seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { draw, GRAPH_FORMATS } from '../../src/backends/graph/draw.js';
import { compile } from '../../src/compiler/compile.js';
import { rng } from '../support/rng.js';
import { ROOT } from '../helpers.js';

const sources = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(ROOT, 'specs', f), 'utf8')) as Record<string, unknown>);
const ODD: unknown[] = [null, 0, -1, '', 'x', 'nope', 'Dense', true, [], {}, { type: 'LSTM', units: 2 }, { shares: 'x' }, { shares: 'nope' }, ['nope', 'x'], [1, 2]];

/** Replaces, deletes or renames one to three entries under `layers`, `inputs` or `outputs`. */
function mutate(spec: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const copy = structuredClone(spec);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const section = pick(['layers', 'layers', 'inputs', 'outputs']);
    const target = copy[section] as Record<string, unknown> | unknown[];
    if (!target || typeof target !== 'object') continue;
    const keys = Object.keys(target);
    const name = pick(keys);
    const entry = (target as Record<string, unknown>)[name];
    const choice = r();
    if (choice < 0.4 && entry && typeof entry === 'object' && !Array.isArray(entry)) {
      const fields = entry as Record<string, unknown>;
      fields[pick([...Object.keys(fields), 'inputs', 'shares', 'type'])] = structuredClone(pick(ODD));
    } else if (choice < 0.6) (target as Record<string, unknown>)[name] = structuredClone(pick(ODD));
    else if (choice < 0.8 && !Array.isArray(target)) delete target[name];
    else if (!Array.isArray(target)) target[`${name}_renamed`] = entry;
  }
  return copy;
}

describe('fuzz: graph never throws', () => {
  it('draws 300 mutated specs in every format (SVG for every tenth)', async () => {
    const r = rng(4321);
    let drawn = 0;
    let invalidDrawn = 0;
    for (let i = 0; i < 300; i++) {
      const text = stringify(mutate(sources[i % sources.length]!, r));
      const result = compile(text, `fuzz-${i}.yaml`);
      for (const format of GRAPH_FORMATS) {
        if (format === 'svg' && i % 10 !== 0) continue;
        let picture: string | undefined;
        try {
          picture = await draw(result, format);
        } catch (e) {
          throw new Error(`case ${i} (${format}) threw ${String(e)}\n${text}`);
        }
        expect(picture === undefined).toBe(result.graph === undefined);
        if (picture !== undefined) drawn++;
        if (picture !== undefined && !result.ok) invalidDrawn++;
      }
    }
    expect(drawn).toBeGreaterThan(300);
    expect(invalidDrawn).toBeGreaterThan(100); // most mutations break the spec, and are drawn all the same
  });
});
