/** Running `nnspec import` on Keras JSON written by a test, and placing its diagnostics in that JSON. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../helpers.js';

export interface Imported {
  code: number;
  /** The spec on stdout. */
  spec: string;
  /** Each diagnostic's headline, the file written as M.json. */
  lines: string[];
}

/** An importer writing each model to a temporary directory the file's hooks create and remove. */
export function jsonImporter(prefix: string): (json: object) => Promise<Imported> {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return async (json) => {
    const file = join(dir, `m${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(json, null, 2));
    const r = await runCli(['import', file]);
    const headline = (l: string) => /^\S/.test(l) && !/^\d+ \|/.test(l);
    return { code: r.code, spec: r.stdout, lines: r.stderr.trimEnd().split('\n').filter(headline).map((l) => l.replace(file, 'M.json')) };
  };
}

/** The spec's body (after the two header comment lines). */
export const body = (spec: string) => spec.split('\n').slice(2).join('\n');

/** line:column of the first match of `pattern` in the JSON as written (2-space indented). */
export function place(json: object, pattern: RegExp): string {
  const text = JSON.stringify(json, null, 2);
  const before = text.slice(0, pattern.exec(text)!.index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
