/**
 * The streamed readers (issue 14) against files NumPy wrote (scripts/make-stream-fixtures.py):
 * row ranges, gathered rows (synchronous and in the background), shards read as one array, and
 * the one-pass check and digest agreeing with the whole-array path.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { checkData } from '../../src/data/check.js';
import { readDataSet } from '../../src/data/dataset.js';
import { DataError } from '../../src/data/errors.js';
import { readNpy } from '../../src/data/npy.js';
import { npyBytes } from '../../src/data/npy-write.js';
import { openNpy } from '../../src/data/npy-stream.js';
import { readNpz } from '../../src/data/read.js';
import { rowsPerChunk, type ArraySource } from '../../src/data/source.js';
import { openNpz } from '../../src/data/npz-stream.js';
import { makeBatches } from '../../src/data/batches.js';
import { resolveObjective } from '../../src/train/objective.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'test/fixtures/stream');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
const npys = Object.keys(expected).filter((k) => k.endsWith('.npy'));

const rowOf = (e: { shape: number[]; values: number[] }, r: number) => {
  const w = e.shape.slice(1).reduce((a, b) => a * b, 1);
  return e.values.slice(r * w, (r + 1) * w);
};

describe('streamed .npy', () => {
  it('has a golden file per dtype and byte order', () => {
    expect(npys.length).toBeGreaterThanOrEqual(20);
  });

  it.each(npys)('%s: header, every row range, and gathered rows match what NumPy wrote', async (name) => {
    const e = expected[name]!;
    const s = openNpy(join(DIR, name), name);
    try {
      expect([s.dtype, s.shape]).toEqual([e.dtype === 'bool' ? 'bool' : e.dtype, e.shape]);
      expect(Array.from(s.rows(0, e.shape[0]!))).toEqual(e.values);
      expect(Array.from(s.rows(5, 9))).toEqual([5, 6, 7, 8].flatMap((r) => rowOf(e, r)));
      const indices = [e.shape[0]! - 1, 0, 5, 6, 7, 2, 2];
      const want = indices.flatMap((r) => rowOf(e, r));
      const integer = !e.dtype.startsWith('float');
      const out = integer ? new Int32Array(want.length) : new Float32Array(want.length);
      s.gather(indices, out);
      expect(Array.from(out)).toEqual(want.map((v) => (integer ? v : Math.fround(v))));
      const later = integer ? new Int32Array(want.length) : new Float32Array(want.length);
      await s.gatherAsync(indices, later);
      expect(Array.from(later)).toEqual(Array.from(out));
      // The whole-file reader agrees element for element, storage included.
      const whole = readNpy(join(DIR, name), name);
      expect(s.rows(0, e.shape[0]!)).toEqual(whole.data);
      expect(s.access).toBe(name === 'rows-fortran.npy' ? 'loaded (Fortran-ordered, 220 bytes)' : 'streamed');
    } finally {
      s.close();
    }
  });

  it('reports an int64 beyond 2^53 with the code, offset and place the whole-file reader gives', () => {
    const file = join(DIR, 'rows-i8-beyond.npy');
    let whole: DataError | undefined;
    try {
      readNpy(file, 'b.npy');
    } catch (e) {
      whole = e as DataError;
    }
    const s = openNpy(file, 'b.npy');
    expect(() => s.rows(0, 3)).not.toThrow();
    let streamed: DataError | undefined;
    try {
      s.rows(3, 5);
    } catch (e) {
      streamed = e as DataError;
    }
    s.close();
    expect(whole).toBeInstanceOf(DataError);
    expect([streamed?.code, streamed?.message, streamed?.at]).toEqual([whole!.code, whole!.message, whole!.at]);
    expect(streamed?.at).toEqual({ offset: 128 + 7 * 8, place: 'element (3, 1)' });
  });

  it('refuses a truncated file at open, as the whole-file reader does', () => {
    const bytes = readFileSync(join(DIR, 'rows-f4-le.npy'));
    const path = join(ROOT, 'test/fixtures/stream/.truncated.npy');
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    try {
      const whole = (() => {
        try {
          readNpy(path, 't.npy');
        } catch (e) {
          return e as DataError;
        }
      })();
      expect(() => openNpy(path, 't.npy')).toThrow(DataError);
      try {
        openNpy(path, 't.npy');
      } catch (e) {
        expect([(e as DataError).code, (e as DataError).message, (e as DataError).at]).toEqual([whole!.code, whole!.message, whole!.at]);
      }
    } finally {
      rmSync(path);
    }
  });

  it('reads in chunks of whole rows of about 1 MB', () => {
    const s = { rowSize: 1000 } as ArraySource;
    expect(rowsPerChunk(s)).toBe(131);
    expect(rowsPerChunk({ rowSize: 10_000_000 } as ArraySource)).toBe(1);
  });
});

const SPEC = `nnspec: 1
name: r
inputs:
  x: {shape: [4]}
layers:
  y: {type: Dense, units: 1}
outputs: [y]
training: {loss: mse}
`;

function objective() {
  const { graph } = compile(SPEC, 'r.yaml');
  const o = resolveObjective(graph!);
  if ('error' in o) throw new Error(o.error);
  return { graph: graph!, outputs: o.outputs };
}

/** The digest as the whole-array path computed it before streaming (name, dtype, shape, storage bytes). */
function wholeDigest(arrays: Map<string, { dtype: string; shape: readonly number[]; data: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number } }>): string {
  const h = createHash('sha256');
  for (const name of [...arrays.keys()].sort()) {
    const a = arrays.get(name)!;
    h.update(`${name}\0${a.dtype}\0${a.shape.join(',')}\0`);
    h.update(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  }
  return h.digest('hex');
}

describe('sharded data sets', () => {
  const { graph, outputs } = objective();

  it.each(['sharded', 'manifest'])('%s: shards are one array, in order, checked and hashed in one pass', async (dir) => {
    const set = readDataSet(join(DIR, dir), dir, ['x', 'y']);
    expect(set.problems).toEqual([]);
    const x = set.entries.get('x')!.array;
    const e = expected[`${dir}/x`]!;
    expect(x.shape).toEqual(e.shape);
    expect(Array.from(x.rows(0, 20))).toEqual(e.values.map(Math.fround));
    expect(Array.from(x.rows(5, 9))).toEqual([5, 6, 7, 8].flatMap((r) => rowOf(e, r)).map(Math.fround));
    const checked = checkData(graph, outputs, set, { hash: true });
    expect(checked.problems).toEqual([]);
    expect(checked.samples).toBe(20);
    const y = readNpy(join(DIR, dir, 'y.npy'));
    expect(checked.hash).toBe(wholeDigest(new Map([['x', { dtype: 'float32', shape: [20, 4], data: Float32Array.from(e.values) }], ['y', y]])));
    const batches = makeBatches(graph, outputs, set, checked.fits);
    const idx = Int32Array.from([19, 0, 7, 8, 6]);
    const batch = await batches.read!(idx);
    expect(Array.from(batch.inputs[0]!.values)).toEqual([...idx].flatMap((r) => rowOf(e, r)).map(Math.fround));
    expect(batch.inputs[0]!.values).toEqual(batches.batch(idx).inputs[0]!.values);
    expect(batch.targets[0]!.shape).toEqual([5, 1]);
  });

  it('refuses shards of different per-sample shapes, naming the shard', () => {
    const set = readDataSet(join(DIR, 'ragged'), 'ragged', ['x', 'y']);
    expect(set.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      ['NN814', join('ragged', 'x', '001.npy'), `is a shard of shape (3, 5), but ${join('ragged', 'x', '000.npy')} has shape (3, 4); every shard needs samples of one shape`],
    ]);
    const checked = checkData(graph, outputs, set);
    expect(checked.problems.map((p) => p.code)).toEqual(['NN814']);
  });

  it('a .npz keeps its digest and checks', () => {
    for (const file of ['stored.npz', 'compressed.npz']) {
      const set = readDataSet(join(DIR, file), file, ['x', 'y']);
      const checked = checkData(graph, outputs, set, { hash: true });
      expect(checked.problems).toEqual([]);
      expect(checked.hash).toBe(wholeDigest(readNpz(join(DIR, file)) as never));
      expect(Array.from(set.entries.get('x')!.array.rows(0, 23))).toEqual(expected['npz/x']!.values.map(Math.fround));
    }
  });
});

describe('the one-pass check reports as the whole-array check did', () => {
  it('finds NaN, its sample and index, in a later chunk', () => {
    const { graph, outputs } = objective();
    const dir = mkdtempSync('/tmp/nnspec-stream-');
    try {
      const n = 70_000; // 4 floats a row: 32,768 rows a chunk, so the NaN is in the third
      const x = new Float32Array(n * 4);
      x[66_000 * 4 + 2] = NaN;
      writeFileSync(join(dir, 'x.npy'), npyBytes({ dtype: 'float32', shape: [n, 4], data: x }));
      writeFileSync(join(dir, 'y.npy'), npyBytes({ dtype: 'float32', shape: [n], data: new Float32Array(n) }));
      const set = readDataSet(dir, 'd', ['x', 'y']);
      const checked = checkData(graph, outputs, set, { hash: true });
      expect(checked.problems.map((p) => [p.code, p.file, p.message, p.at])).toEqual([['NN824', join('d', 'x.npy'), 'holds NaN at sample 66000, index [2]; inputs must be finite numbers', { place: 'sample 66000, index [2]' }]]);
      expect(checked.hash).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('.npz opened from its end', () => {
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return [(e as DataError).code, (e as DataError).message, (e as DataError).at];
    }
    return undefined;
  };

  it('streams stored entries and inflates deflated ones, with the values NumPy saved', () => {
    for (const [file, access] of [['stored.npz', 'streamed'], ['compressed.npz', 'loaded (a deflated .npz entry has no row index, 368 bytes)']] as const) {
      const arrays = openNpz(join(DIR, file), file);
      expect([...arrays.keys()]).toEqual(['x', 'y']);
      expect(arrays.get('x')!.access).toBe(access);
      expect(Array.from(arrays.get('x')!.rows(0, 23))).toEqual(expected['npz/x']!.values.map(Math.fround));
      expect(Array.from(arrays.get('y')!.rows(22, 23))).toEqual(expected['npz/y']!.values.slice(22).map(Math.fround));
      for (const a of arrays.values()) a.close();
    }
  });

  it('refuses a damaged archive with the code, message and place of the whole-file reader', () => {
    const good = readFileSync(join(DIR, 'stored.npz'));
    const dir = mkdtempSync('/tmp/nnspec-npz-');
    try {
      const cases: [string, (b: Buffer) => void][] = [
        ['local header', (b) => b.writeUInt32LE(0, b.indexOf('PK\x03\x04', 10, 'latin1'))],
        ['end record', (b) => b.writeUInt32LE(0, b.length - 22)],
        ['central directory', (b) => b.writeUInt32LE(0, b.lastIndexOf('PK\x01\x02', undefined, 'latin1'))],
      ];
      for (const [what, damage] of cases) {
        const bytes = Buffer.from(good);
        damage(bytes);
        const path = join(dir, 'd.npz');
        writeFileSync(path, bytes);
        const whole = refusal(() => readNpz(path, 'd.npz'));
        expect([what, whole?.[0]]).toEqual([what, expect.stringMatching(/^NN8/)]);
        expect([what, refusal(() => openNpz(path, 'd.npz'))]).toEqual([what, whole]);
      }
      // A damaged stored entry fails its CRC-32 read whole; streamed, the CRC is not computed, and
      // the damage is found where it is (here the entry's .npy header).
      const bytes = Buffer.from(good);
      bytes.write('XXXXX', bytes.indexOf('NUMPY') + 20, 'latin1');
      writeFileSync(join(dir, 'd.npz'), bytes);
      expect(refusal(() => readNpz(join(dir, 'd.npz'), 'd.npz'))?.[0]).toBe('NN811');
      expect(refusal(() => openNpz(join(dir, 'd.npz'), 'd.npz'))).toEqual(['NN804', "d.npz: entry 'x.npy': header is not a Python dict literal: expected ',' or '}' but found 'f' at character 18", { place: "entry 'x.npy', header" }]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
