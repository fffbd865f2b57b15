import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFormat, readArrayFile, readNpz } from '../../src/data/read.js';
import { dataError, EXPECTED, expectArray, FIXTURES } from './fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-read-'));
  writeFileSync(join(dir, 'a.json'), '[[1, 2], [3, 4]]');
  writeFileSync(join(dir, 'b.csv'), '\uFEFFx,y\n1.5,2\n');
  writeFileSync(join(dir, 'bad.csv'), Uint8Array.from([0x31, 0x2c, 0xff, 0x0a]));
  writeFileSync(join(dir, 'notes.txt'), '1,2');
  copyFileSync(join(FIXTURES, 'f4-le.npy'), join(dir, 'UPPER.NPY'));
  mkdirSync(join(dir, 'dir.npy'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (name: string) => {
  const e = dataError(() => readArrayFile(join(dir, name), name));
  return [e.code, e.message];
};

describe('readArrayFile', () => {
  it('reads .npy (any case), .json and .csv by extension', () => {
    expectArray(readArrayFile(join(dir, 'UPPER.NPY')), EXPECTED.npy['f4-le.npy']!);
    expect(readArrayFile(join(dir, 'a.json'))).toEqual({ dtype: 'int32', shape: [2, 2], data: Int32Array.from([1, 2, 3, 4]) });
    expect(readArrayFile(join(dir, 'b.csv'))).toEqual({ dtype: 'float64', shape: [1, 2], data: Float64Array.from([1.5, 2]) }); // BOM dropped, header found
  });

  it('refuses other extensions, and .npz as one array', () => {
    expect(refusal('notes.txt')).toEqual(['NN817', "notes.txt: has the extension '.txt'; data files must be .npy, .npz, .json or .csv"]);
    const e = dataError(() => readArrayFile(join(FIXTURES, 'stored.npz'), 'stored.npz'));
    expect([e.code, e.message]).toEqual(['NN817', 'stored.npz: is an .npz archive of several arrays, not one array; give the .npz itself as --data, or save this array as .npy']);
  });

  it('refuses text that is not UTF-8', () => {
    expect(refusal('bad.csv')).toEqual(['NN813', 'bad.csv: is not valid UTF-8 text']);
  });

  it('reports missing files and directories as unreadable', () => {
    expect(refusal('missing.npy')).toEqual(['NN800', 'missing.npy: no such file']);
    expect(refusal('dir.npy')).toEqual(['NN800', 'dir.npy: is a directory, not a file']);
    expect(refusal('README')).toEqual(['NN817', 'README: has no extension; data files must be .npy, .npz, .json or .csv']);
  });

  it('refuses a file over 2 GiB without reading it', () => {
    const big = join(dir, 'big.npy');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 31 + 1); // sparse: takes no disk space
    expect(refusal('big.npy')).toEqual(['NN801', 'big.npy: is 2147483649 bytes; data files are capped at 2 GiB (2147483648 bytes)']);
  });
});

describe('readNpz and dataFormat', () => {
  it('reads an .npz into a Map', () => {
    const arrays = readNpz(join(FIXTURES, 'compressed.npz'));
    expect([...arrays.keys()]).toEqual(['x', 'y']);
  });

  it.each([
    ['x.npy', 'npy'],
    ['dir/x.NPZ', 'npz'],
    ['x.json', 'json'],
    ['x.csv', 'csv'],
    ['x.npy.gz', undefined],
    ['npy', undefined],
  ])('%s is %s', (path, format) => {
    expect(dataFormat(path)).toBe(format);
  });
});

describe('guard', () => {
  it('turns an unexpected failure into a DataError naming the file', async () => {
    const { guard } = await import('../../src/data/errors.js');
    const e = dataError(() => guard('big.npy', () => {
      throw new RangeError('Array buffer allocation failed');
    }));
    expect([e.code, e.message]).toEqual(['NN800', 'big.npy: could not be read (RangeError: Array buffer allocation failed)']);
  });
});
