import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import { DATA_CODES, DataError } from '../../src/data/errors.js';

const SRC = fileURLToPath(new URL('../../src/data/', import.meta.url));

describe('data error codes', () => {
  it('are the NN8xx range of the one code list', () => {
    expect(Object.keys(DATA_CODES)).toEqual(Object.keys(CODES).filter((c) => c.startsWith('NN8')));
    expect(Object.keys(DATA_CODES).length).toBeGreaterThan(20);
  });

  it('are each used by some reader', () => {
    const source = readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'errors.ts').map((f) => readFileSync(SRC + f, 'utf8')).join('\n');
    expect(Object.keys(DATA_CODES).filter((c) => !source.includes(`'${c}'`))).toEqual([]);
  });

  it('prefix the message with the file and keep the detail apart', () => {
    const e = new DataError('NN807', 'x.npy', 'data is truncated');
    expect({ name: e.name, code: e.code, file: e.file, detail: e.detail, message: e.message }).toEqual({ name: 'DataError', code: 'NN807', file: 'x.npy', detail: 'data is truncated', message: 'x.npy: data is truncated' });
    expect(e).toBeInstanceOf(Error);
  });
});
