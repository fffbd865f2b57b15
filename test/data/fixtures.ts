/** The golden files written by scripts/make-npy-fixtures.py, and assertions shared by the data tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { NdArray } from '../../src/data/array.js';
import { DataError } from '../../src/data/errors.js';

// Not ROOT from ../helpers.js: that loads the whole CLI, and these tests need none of it.
export const FIXTURES = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));

interface Expected {
  dtype: string;
  shape: number[];
  values: (number | boolean | string)[];
}
export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  npy: Record<string, Expected>;
  npz: Record<string, Record<string, Expected>>;
  invalid: Record<string, unknown>;
};

/** expected.json spells non-finite floats as strings and booleans as JSON booleans. */
export function expectedValues(e: Expected): number[] {
  return e.values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === true ? 1 : v === false ? 0 : (v as number)));
}

export function expectArray(a: NdArray, e: Expected): void {
  expect(a.dtype).toBe(e.dtype);
  expect(a.shape).toEqual(e.shape);
  expect(Array.from(a.data)).toEqual(expectedValues(e));
}

/** The DataError a call throws (fails the test when it throws anything else or nothing). */
export function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError, nothing was thrown');
}
