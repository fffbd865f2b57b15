/**
 * Properties of the .npy reader (src/data/npy.ts) over generated arrays, with fast-check: what
 * src/data/npy-write.ts writes reads back identically for every dtype and shape, also re-encoded
 * big-endian, in Fortran order and with a version 2.0 or 3.0 header; and truncated or mutated
 * files never make the reader throw anything but its own DataError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArrayData, DType, NdArray } from '../../src/data/array.js';
import { DataError } from '../../src/data/errors.js';
import { parseNpy } from '../../src/data/npy.js';
import { npyBytes } from '../../src/data/npy-write.js';

/** The dtypes the writer writes, with their storage and a generator of values. */
const DTYPES: Record<string, { make: (values: number[]) => ArrayData; value: fc.Arbitrary<number> }> = {
  bool: { make: (v) => Uint8Array.from(v), value: fc.constantFrom(0, 1) },
  int8: { make: (v) => Int8Array.from(v), value: fc.integer({ min: -128, max: 127 }) },
  uint8: { make: (v) => Uint8Array.from(v), value: fc.integer({ min: 0, max: 255 }) },
  int16: { make: (v) => Int16Array.from(v), value: fc.integer({ min: -32768, max: 32767 }) },
  uint16: { make: (v) => Uint16Array.from(v), value: fc.integer({ min: 0, max: 65535 }) },
  int32: { make: (v) => Int32Array.from(v), value: fc.integer() },
  uint32: { make: (v) => Uint32Array.from(v), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  // Every float, NaN, infinities and -0 included (compared bit for bit).
  float32: { make: (v) => Float32Array.from(v), value: fc.float() },
  float64: { make: (v) => Float64Array.from(v), value: fc.double() },
};

const array: fc.Arbitrary<NdArray> = fc
  .record({ dtype: fc.constantFrom(...Object.keys(DTYPES)), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }) })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.array(DTYPES[dtype]!.value, { minLength: n, maxLength: n }).map((values) => ({ dtype: dtype as DType, shape, data: DTYPES[dtype]!.make(values) }));
  });

const bytesOf = (d: ArrayData) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

function expectSame(read: NdArray, a: NdArray): void {
  expect(read.dtype).toBe(a.dtype);
  expect(read.shape).toEqual(a.shape);
  expect(read.data.constructor).toBe(a.data.constructor);
  expect(bytesOf(read.data).equals(bytesOf(a.data))).toBe(true);
}

interface Variant {
  bigEndian: boolean;
  fortran: boolean;
  version: 1 | 2 | 3;
}

/**
 * The writer's file re-encoded as NumPy would write the same array with another byte order,
 * memory order or format version: the header's fields changed, the elements reordered and swapped.
 */
function reencode(a: NdArray, v: Variant): Uint8Array {
  const written = npyBytes(a);
  const headerLength = written[8]! | (written[9]! << 8);
  let dict = Buffer.from(written.subarray(10, 10 + headerLength)).toString('latin1').trimEnd();
  const width = a.data.BYTES_PER_ELEMENT;
  if (v.bigEndian && width > 1) dict = dict.replace("'<", "'>");
  if (v.fortran) dict = dict.replace("'fortran_order': False", "'fortran_order': True");
  const preamble = v.version === 1 ? 10 : 12;
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total + a.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v.version, 0]);
  // Version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one (the header follows it).
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), preamble);
  const source = bytesOf(a.data);
  const order = v.fortran ? fortranOrder(a.shape) : [...Array(a.data.length).keys()];
  order.forEach((c, i) => {
    for (let b = 0; b < width; b++) out[total + i * width + b] = source[c * width + (v.bigEndian ? width - 1 - b : b)]!;
  });
  return out;
}

/** The C-order index of each element in Fortran (first axis fastest) order. */
function fortranOrder(shape: readonly number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let f = 0; f < n; f++) {
    let rest = f;
    let c = 0;
    let stride = 1;
    const idx = shape.map((d) => {
      const i = rest % d;
      rest = Math.floor(rest / d);
      return i;
    });
    for (let k = shape.length - 1; k >= 0; k--) {
      c += idx[k]! * stride;
      stride *= shape[k]!;
    }
    out.push(c);
  }
  return out;
}

describe('the .npy reader reads what the writer writes', () => {
  it('identically, for every dtype and shape (0-d and empty included)', () => {
    fc.assert(
      fc.property(array, (a) => expectSame(parseNpy(npyBytes(a), 'a.npy'), a)),
      { numRuns: 300 },
    );
  });

  it('identically when re-encoded big-endian, in Fortran order or with a version 2.0/3.0 header', () => {
    const variant = fc.record({ bigEndian: fc.boolean(), fortran: fc.boolean(), version: fc.constantFrom<1 | 2 | 3>(1, 2, 3) });
    fc.assert(
      fc.property(array, variant, (a, v) => expectSame(parseNpy(reencode(a, v), 'a.npy'), a)),
      { numRuns: 300 },
    );
  });
});

describe('the .npy reader on damaged files', () => {
  /** A reader's verdict: an array whose data fits its shape, or its own error with a data code. */
  function expectArrayOrDataError(bytes: Uint8Array): void {
    let read: NdArray;
    try {
      read = parseNpy(bytes, 'x.npy');
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).code).toMatch(/^NN8(0[1-9]|[1-9]\d)$/);
      expect((e as DataError).message.startsWith('x.npy: ')).toBe(true);
      return;
    }
    expect(read.data.length).toBe(read.shape.reduce((a, b) => a * b, 1));
  }

  it('truncated anywhere: a DataError, never another exception', () => {
    fc.assert(
      fc.property(array, fc.nat(), (a, cut) => {
        const bytes = npyBytes(a);
        const at = cut % bytes.length;
        let thrown: unknown;
        try {
          parseNpy(bytes.subarray(0, at), 'x.npy');
        } catch (e) {
          thrown = e;
        }
        // Every cut loses at least one byte the header or the shape calls for.
        expect(thrown).toBeInstanceOf(DataError);
      }),
      { numRuns: 300 },
    );
  });

  const HEADER_CHARS = "(){}[],:'\" 0123456789-LTFrueals<>|=fiub\n\t\\\u00e9\u0000x".split('');
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('char' as const), at: fc.nat(), char: fc.constantFrom(...HEADER_CHARS) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.array(fc.constantFrom(...HEADER_CHARS), { minLength: 1, maxLength: 6 }).map((c) => c.join('')) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  );

  it('with mutated header bytes: an array that fits its shape, or a DataError', () => {
    fc.assert(
      fc.property(array, fc.array(mutation, { minLength: 1, maxLength: 4 }), (a, mutations) => {
        let bytes = Buffer.from(npyBytes(a));
        const headerEnd = 10 + (bytes[8]! | (bytes[9]! << 8));
        for (const m of mutations) {
          const at = m.at % headerEnd;
          if (m.kind === 'byte') bytes[at] = m.byte;
          else if (m.kind === 'char') bytes[Math.max(10, at)] = m.char.charCodeAt(0) & 0xff;
          else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, Math.max(10, at)), Buffer.from(m.text, 'latin1'), bytes.subarray(Math.max(10, at))]);
          else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
        }
        expectArrayOrDataError(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});
