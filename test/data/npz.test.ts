import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpz, readNpz } from '../../src/data/npz.js';
import { dict, npy, zip, type ZipEntry } from './build.js';
import { dataError, EXPECTED, expectArray, FIXTURES } from './fixtures.js';

const X = npy(dict('<f4', '(2,)'), [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]); // [1, 2]
const Y = npy(dict('|u1', '(3,)'), [7, 8, 9]);
const parse = (bytes: Uint8Array) => dataError(() => parseNpz(bytes, 'd.npz'));
const refusal = (entries: ZipEntry[]) => {
  const e = parse(zip(entries));
  return [e.code, e.message];
};

describe('golden files written by NumPy', () => {
  it.each(Object.keys(EXPECTED.npz))('%s', (name) => {
    const arrays = readNpz(join(FIXTURES, name));
    const expected = EXPECTED.npz[name]!;
    expect([...arrays.keys()]).toEqual(Object.keys(expected));
    for (const [key, e] of Object.entries(expected)) expectArray(arrays.get(key)!, e);
  });

  it('has one stored and one deflated archive', () => {
    const method = (name: string) => readFileSync(join(FIXTURES, name)).readUInt16LE(8);
    expect([method('stored.npz'), method('compressed.npz')]).toEqual([0, 8]);
  });

  it('refuses a golden archive cut short, or with a damaged byte', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'stored.npz')));
    const cut = parse(bytes.subarray(0, 300));
    expect([cut.code, cut.message]).toEqual(['NN810', 'd.npz: is a truncated zip archive (no end-of-central-directory record)']);
    bytes[200] ^= 0xff; // inside x.npy's data
    const flipped = parse(bytes);
    expect(flipped.code).toBe('NN811');
    expect(flipped.message).toMatch(/^d\.npz: entry 'x\.npy' fails its CRC-32 check \(computed 0x[0-9a-f]{8}, declared 0x[0-9a-f]{8}\)$/);
  });
});

describe('hand-built archives', () => {
  it('reads stored and deflated entries, keyed without .npy, in archive order', () => {
    const arrays = parseNpz(zip([{ name: 'y.npy', data: Y }, { name: 'x.npy', data: X, deflate: true }]), 'd.npz');
    expect([...arrays.keys()]).toEqual(['y', 'x']);
    expect(arrays.get('x')).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) });
    expect(arrays.get('y')!.data).toEqual(Uint8Array.from([7, 8, 9]));
  });

  it('reads zip64 sizes and offsets, a zip64 end record and an archive comment', () => {
    const arrays = parseNpz(zip([{ name: 'x.npy', data: X, zip64: true }, { name: 'y.npy', data: Y, deflate: true, zip64: true }], { zip64End: true, comment: 'made by hand' }), 'd.npz');
    expect([...arrays.keys()]).toEqual(['x', 'y']);
    expect(arrays.get('y')!.data).toEqual(Uint8Array.from([7, 8, 9]));
  });

  it('reads an empty archive as no arrays', () => {
    expect(parseNpz(zip([]), 'd.npz').size).toBe(0);
  });

  it('refuses what is not a zip archive', () => {
    const e = parse(X);
    expect([e.code, e.message]).toEqual(['NN810', 'd.npz: is not a zip archive; save arrays with np.savez or np.savez_compressed']);
  });

  it('refuses entries claiming more than 2 GiB, before inflating anything', () => {
    expect(refusal([{ name: 'x.npy', data: X, size: 2 ** 31 + 1, zip64: true }])).toEqual(['NN801', 'd.npz: entry \'x.npy\' declares 2147483649 bytes uncompressed; entries are capped at 2 GiB (2147483648 bytes)']);
  });

  it('refuses entries that together claim more than 4 GiB', () => {
    const big = (name: string): ZipEntry => ({ name, data: X, deflate: true, size: 2 ** 31, zip64: true });
    expect(refusal([big('a.npy'), big('b.npy'), big('c.npy')])).toEqual(['NN801', 'd.npz: entries declare more than 4 GiB (4294967296 bytes) uncompressed in total']);
  });

  it('refuses an entry that inflates to more, or less, than it declares', () => {
    expect(refusal([{ name: 'x.npy', data: X, deflate: true, size: 100 }])).toEqual(['NN811', "d.npz: entry 'x.npy' inflates to more than the 100 bytes it declares"]);
    expect(refusal([{ name: 'x.npy', data: X, deflate: true, size: 1000 }])).toEqual(['NN811', `d.npz: entry 'x.npy' inflates to ${X.length} bytes, not the 1000 it declares`]);
    expect(refusal([{ name: 'x.npy', data: X, size: 10 }])).toEqual(['NN811', `d.npz: entry 'x.npy' is stored with ${X.length} bytes but declares 10`]);
  });

  it('refuses a deflate stream that is not one', () => {
    const reserved = Uint8Array.from([0x07, 0, 0, 0]); // final block of the reserved type 3
    const [code, message] = refusal([{ name: 'x.npy', data: reserved, method: 8 }]);
    expect(code).toBe('NN811');
    expect(message).toMatch(/^d\.npz: entry 'x\.npy' is not a valid deflate stream \(.+\)$/);
  });

  it('checks the CRC-32', () => {
    expect(refusal([{ name: 'x.npy', data: X, crc: 0x12345678 }])[1]).toMatch(/^d\.npz: entry 'x\.npy' fails its CRC-32 check \(computed 0x[0-9a-f]{8}, declared 0x12345678\)$/);
  });

  it('refuses other compression methods and encryption', () => {
    expect(refusal([{ name: 'x.npy', data: X, method: 12 }])).toEqual(['NN810', "d.npz: entry 'x.npy' uses compression method 12; NumPy writes only stored (0) and deflated (8) entries"]);
    expect(refusal([{ name: 'x.npy', data: X, flags: 1 }])).toEqual(['NN810', "d.npz: entry 'x.npy' is encrypted"]);
  });

  it.each([
    ['a/x.npy', 'a path with directories'],
    ['../x.npy', 'a path with directories'],
    ['..x.npy', "which contains '..'"],
    ['/x.npy', 'an absolute path'],
    ['C:x.npy', 'an absolute path'],
    ['a\\x.npy', 'a path with directories'],
    ['x.txt', 'which is not a .npy array'],
    ['.npy', 'which has no array name'],
    ['x\u0000.npy', 'which contains control characters'],
  ])('refuses the entry name %j', (name, why) => {
    expect(refusal([{ name, data: X }])).toEqual(['NN812', `d.npz: has an entry named '${name}', ${why}; np.savez writes only entries named like 'x.npy'`]);
  });

  it('refuses two entries with the same name', () => {
    expect(refusal([{ name: 'x.npy', data: X }, { name: 'x.npy', data: Y }])).toEqual(['NN812', "d.npz: has two entries named 'x.npy'"]);
  });

  it("names the entry when its array is refused, keeping the .npz as the file", () => {
    const e = parse(zip([{ name: 'text.npy', data: npy(dict('<U3', '(1,)'), new Array(12).fill(0)) }]));
    expect({ code: e.code, file: e.file, message: e.message }).toEqual({
      code: 'NN805',
      file: 'd.npz',
      message: "d.npz: entry 'text.npy': dtype '<U3' (unicode strings) is not supported; save numbers",
    });
  });

  it('refuses a central directory that points outside the file', () => {
    const bytes = zip([{ name: 'x.npy', data: X }]);
    const end = bytes.length - 22;
    new DataView(bytes.buffer).setUint32(end + 16, 5000, true); // central directory offset
    expect(parse(bytes).message).toBe(`d.npz: central directory (bytes 5000 to ${5000 + 51}) overlaps the end record at byte ${end}`);
  });

  it('refuses a local header that is missing or names another file', () => {
    const bytes = zip([{ name: 'x.npy', data: X }]);
    bytes[30] = 'z'.charCodeAt(0); // the local header's copy of the name
    expect(parse(bytes).message).toBe("d.npz: entry 'x.npy' is named differently in its local header");
    bytes[0] = 0;
    expect(parse(bytes).message).toBe("d.npz: entry 'x.npy' has no local header at byte 0");
  });
});
