import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fortranToC, parseNpy, readNpy } from '../../src/data/npy.js';
import { dict, npy } from './build.js';

import { dataError, EXPECTED, expectArray, FIXTURES } from './fixtures.js';

const parse = (bytes: Uint8Array) => dataError(() => parseNpy(bytes, 'x.npy'));

describe('golden files written by NumPy', () => {
  it.each(Object.keys(EXPECTED.npy))('%s', (name) => {
    expectArray(readNpy(join(FIXTURES, name), name), EXPECTED.npy[name]!);
  });

  it('covers every supported dtype in both byte orders', () => {
    const names = Object.keys(EXPECTED.npy);
    for (const code of ['f2', 'f4', 'f8', 'i2', 'i4', 'i8', 'u2', 'u4', 'u8']) {
      expect(names).toContain(`${code}-le.npy`);
      expect(names).toContain(`${code}-be.npy`);
    }
    for (const code of ['b1', 'i1', 'u1']) expect(names).toContain(`${code}-na.npy`);
  });

  it('stores each dtype so nothing is lost and tfjs takes the common ones as they are', () => {
    const read = (name: string) => readNpy(join(FIXTURES, name)).data.constructor.name;
    expect(read('f2-le.npy')).toBe('Float32Array');
    expect(read('f4-be.npy')).toBe('Float32Array');
    expect(read('f8-le.npy')).toBe('Float64Array');
    expect(read('i1-na.npy')).toBe('Int8Array');
    expect(read('u2-be.npy')).toBe('Uint16Array');
    expect(read('u4-le.npy')).toBe('Uint32Array');
    expect(read('b1-na.npy')).toBe('Uint8Array');
    expect(read('int64-small.npy')).toBe('Int32Array'); // every value fits int32
    expect(read('i8-le.npy')).toBe('Float64Array'); // ±(2^53 − 1) do not
    expect(read('u8-be.npy')).toBe('Float64Array');
  });
});

describe('refused golden files', () => {
  const refused = (name: string) => dataError(() => readNpy(join(FIXTURES, name), name));

  it('lists every invalid fixture here', () => {
    expect(Object.keys(EXPECTED.invalid).sort()).toEqual(['bytes.npy', 'complex.npy', 'int64-beyond-2-53.npy', 'object.npy', 'structured.npy', 'unicode.npy']);
  });

  it.each([
    ['unicode.npy', 'NN805', "unicode.npy: dtype '<U3' (unicode strings) is not supported; save numbers"],
    ['bytes.npy', 'NN805', "bytes.npy: dtype '|S2' (byte strings) is not supported; save numbers"],
    ['object.npy', 'NN805', "object.npy: dtype '|O' (Python objects, stored as a pickle) is not supported; save numbers"],
    ['complex.npy', 'NN805', "complex.npy: dtype '<c8' (complex numbers) is not supported; save numbers"],
    ['structured.npy', 'NN805', "structured.npy: dtype [('a', '<f4'), ('b', '<i4')] is a structured (record) dtype, which is not supported; save one plain numeric array per field"],
    ['int64-beyond-2-53.npy', 'NN808', 'int64-beyond-2-53.npy: int64 value 9007199254740993 at element (1,) is beyond 2^53 and cannot be represented exactly; save it as float64 or a smaller integer type'],
  ])('%s', (name, code, message) => {
    const e = refused(name);
    expect({ code: e.code, file: e.file, message: e.message }).toEqual({ code, file: name, message });
  });
});

describe('hand-crafted files', () => {
  const f4 = (shape: string, data: number[], more: { version?: 1 | 2 | 3 } = {}) => npy(dict('<f4', shape), data, more);

  it('reads the smallest valid file', () => {
    expect(parseNpy(f4('(1,)', [0, 0, 0x80, 0x3f]), 'x.npy')).toEqual({ dtype: 'float32', shape: [1], data: Float32Array.from([1]) });
  });

  it.each([
    ['bad magic', Uint8Array.from(Buffer.from('hello world, this is text')), 'NN802', "x.npy: does not start with the .npy magic string '\\x93NUMPY'; save arrays with np.save"],
    ['a zip', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]), 'NN802', 'x.npy: is a zip archive (an .npz?), not a .npy file; name it .npz'],
    ['a pickle', Uint8Array.from([0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0]), 'NN802', 'x.npy: is a Python pickle, not a .npy file; save arrays with np.save'],
    ['an empty file', new Uint8Array(0), 'NN802', 'x.npy: is 0 bytes long, too short to be a .npy file'],
    ['a cut preamble', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76]), 'NN804', 'x.npy: header is truncated'],
  ])('refuses %s', (_, bytes, code, message) => {
    const e = parse(bytes);
    expect([e.code, e.message]).toEqual([code, message]);
  });

  it('reads version 2.0 and 3.0 headers and refuses others', () => {
    expect(parseNpy(f4('(1,)', [0, 0, 0x80, 0x3f], { version: 2 }), 'x.npy').data).toEqual(Float32Array.from([1]));
    expect(parseNpy(f4('(1,)', [0, 0, 0x80, 0x3f], { version: 3 }), 'x.npy').data).toEqual(Float32Array.from([1]));
    const bytes = f4('(1,)', [0, 0, 0x80, 0x3f]);
    bytes[6] = 4;
    expect([parse(bytes).code, parse(bytes).message]).toEqual(['NN803', 'x.npy: format version 4.0 is not supported; expected 1.0, 2.0 or 3.0']);
    bytes[6] = 1;
    bytes[7] = 1;
    expect(parse(bytes).message).toBe('x.npy: format version 1.1 is not supported; expected 1.0, 2.0 or 3.0');
  });

  it('refuses a header longer than 64 KiB, and one longer than the file', () => {
    const d = dict('<f4', '(0,)');
    const long = npy(d + ' '.repeat(65536 - d.length), [], { version: 2, pad: false });
    expect([parse(long).code, parse(long).message]).toEqual(['NN804', 'x.npy: header is 65537 bytes; at most 65536 are accepted']);
    const cut = npy(dict('<f4', '(0,)'), []).subarray(0, 40);
    expect(parse(cut).message).toBe('x.npy: header is truncated: it claims 118 bytes, the file has 30 after the preamble');
  });

  it('accepts a header of exactly 64 KiB', () => {
    const d = dict('<f4', '(0,)');
    const bytes = npy(d + ' '.repeat(65536 - d.length - 1), [], { version: 2, pad: false });
    expect(parseNpy(bytes, 'x.npy').shape).toEqual([0]);
  });

  it.each([
    ['unknown key', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }", "x.npy: header has the unknown key 'extra'; expected exactly 'descr', 'fortran_order' and 'shape'"],
    ['missing key', "{'descr': '<f4', 'shape': (1,), }", "x.npy: header is missing the key 'fortran_order'"],
    ['repeated key', "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "x.npy: header repeats the key 'descr'"],
    ['non-string key', "{1: '<f4'}", 'x.npy: header has the non-string key 1'],
    ['not a dict', "('<f4', False, (1,))", "x.npy: header is ('<f4', False, (1,)), not a dict"],
    ['a call', "{'descr': dtype('<f4'), 'fortran_order': False, 'shape': (1,)}", "x.npy: header is not a Python dict literal: unexpected name 'dtype' at character 10"],
    ['an escape', "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,)}", 'x.npy: header is not a Python dict literal: escape sequences are not accepted in header strings at character 13'],
    ['an unclosed dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "x.npy: header is not a Python dict literal: expected ',' or '}' but found the end of the header at character 54"],
    ['a float in the shape', "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", 'x.npy: header is not a Python dict literal: only integers are accepted as numbers at character 52'],
    ['(3) for a tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", 'x.npy: header is not a Python dict literal: a one-item tuple needs a trailing comma, as in (3,) at character 50'],
    ['a list shape', "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "x.npy: header 'shape' is [1]; expected a tuple of non-negative integers"],
    ['a negative dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "x.npy: header 'shape' is (-1,); expected a tuple of non-negative integers"],
    ['a string fortran_order', "{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", "x.npy: header 'fortran_order' is 'no'; expected True or False"],
    ['a number descr', "{'descr': 4, 'fortran_order': False, 'shape': (1,)}", "x.npy: header 'descr' is 4; expected a dtype string such as '<f4'"],
    ['text after the dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", "x.npy: header has 'x' after its dict; expected only spaces"],
  ])('refuses a header with %s', (_, header, message) => {
    const e = parse(npy(header, [0, 0, 0x80, 0x3f]));
    expect([e.code, e.message]).toEqual(['NN804', message]);
  });

  it('refuses a header without its final newline', () => {
    const e = parse(npy(dict('<f4', '(1,)'), [0, 0, 0x80, 0x3f], { newline: false }));
    expect(e.message).toBe('x.npy: header does not end with a newline');
  });

  it('accepts the Python 2 spelling of long integers and double quotes', () => {
    const a = parseNpy(npy(`{"descr": "<f4", "fortran_order": False, "shape": (1L, 1L)}`, [0, 0, 0x80, 0x3f]), 'x.npy');
    expect(a.shape).toEqual([1, 1]);
  });

  it('refuses nesting that would exhaust the stack', () => {
    const e = parse(npy(`{'shape': ${'('.repeat(5000)}`, []));
    expect(e.message).toBe('x.npy: header is not a Python dict literal: nested more than 16 deep at character 26');
  });

  it.each([
    ['(2**40, 2**40)', '(1099511627776, 1099511627776)', 'x.npy: shape (1099511627776, 1099511627776) has 1208925819614629174706176 elements; at most 2^31 (2147483648) are accepted'],
    ['2^31 + 1 elements', '(2147483649,)', 'x.npy: shape (2147483649,) has 2147483649 elements; at most 2^31 (2147483648) are accepted'],
    ['a huge dimension times zero', '(0, 100000000000000000000000)', 'x.npy: shape (0, 100000000000000000000000) has a dimension of 100000000000000000000000; at most 2^31 (2147483648) are accepted'],
    ['many dimensions', `(${Array(40).fill(2).join(', ')})`, `x.npy: shape (${Array(25).fill(2).join(', ')}, 2... has 1099511627776 elements; at most 2^31 (2147483648) are accepted`],
  ])('refuses the overflowing shape %s', (_, shape, message) => {
    const e = parse(npy(dict('<f4', shape), []));
    expect([e.code, e.message]).toEqual(['NN806', message]);
  });

  it('refuses truncated data and trailing bytes', () => {
    const short = parse(npy(dict('<f4', '(2, 3)'), new Array(20).fill(0)));
    expect([short.code, short.message]).toEqual(['NN807', 'x.npy: data is truncated: shape (2, 3) of float32 needs 24 bytes of data, found 20']);
    const long = parse(npy(dict('<f4', '(2, 3)'), new Array(25).fill(0)));
    expect([long.code, long.message]).toEqual(['NN807', 'x.npy: has 1 bytes after the data: shape (2, 3) of float32 needs 24 bytes of data, found 25']);
    const scalar = parse(npy(dict('<f8', '()'), []));
    expect(scalar.message).toBe('x.npy: data is truncated: shape () of float64 needs 8 bytes of data, found 0');
  });

  it.each([
    ['<f16', "x.npy: dtype '<f16' (extended precision, float128) is not supported; save float64 or float32"],
    ['<M8[ns]', "x.npy: dtype '<M8[ns]' (datetimes) is not supported; save numbers"],
    ['<m8[s]', "x.npy: dtype '<m8[s]' (timedeltas) is not supported; save numbers"],
    ['|V8', "x.npy: dtype '|V8' (raw bytes or records) is not supported; save numbers"],
    ['<c16', "x.npy: dtype '<c16' (complex numbers) is not supported; save numbers"],
    ['<i3', "x.npy: dtype '<i3' (an unknown or unsupported type) is not supported; save numbers"],
    ['f4', "x.npy: dtype 'f4' has no byte order; expected '<', '>', '|' or '=' before it"],
    ['|f4', "x.npy: dtype '|f4' has byte order '|' (not applicable), which only single-byte types may use"],
    ['float32', "x.npy: dtype 'float32' (not a NumPy type string) is not supported; save numbers"],
  ])('refuses the dtype %s', (descr, message) => {
    const e = parse(npy(dict(descr, '(1,)'), new Array(16).fill(0)));
    expect([e.code, e.message]).toEqual(['NN805', message]);
  });

  it("reads '=' as native order and single-byte types in any order", () => {
    expect(parseNpy(npy(dict('=i2', '(1,)'), [1, 2]), 'x.npy').data).toEqual(Int16Array.from([0x0201]));
    expect(parseNpy(npy(dict('<u1', '(2,)'), [1, 200]), 'x.npy').data).toEqual(Uint8Array.from([1, 200]));
    expect(parseNpy(npy(dict('>b1', '(2,)'), [1, 0]), 'x.npy')).toMatchObject({ dtype: 'bool', data: Uint8Array.from([1, 0]) });
  });

  it('refuses a bool byte other than 0 or 1, naming the element', () => {
    const e = parse(npy(dict('|b1', '(2, 2)'), [0, 1, 1, 7]));
    expect([e.code, e.message]).toEqual(['NN809', 'x.npy: bool element (1, 1) is the byte 7; booleans must be 0 or 1']);
  });

  it('refuses int64 and uint64 beyond 2^53, in either byte order, naming the element', () => {
    const min = parse(npy(dict('>i8', '(1, 2)'), [0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0]));
    expect([min.code, min.message]).toEqual(['NN808', 'x.npy: int64 value -9223372036854775808 at element (0, 1) is beyond 2^53 and cannot be represented exactly; save it as float64 or a smaller integer type']);
    const max = parse(npy(dict('<u8', '(2, 1)', true), [...new Array(8).fill(0), ...new Array(8).fill(0xff)]));
    expect(max.message).toBe('x.npy: uint64 value 18446744073709551615 at element (1, 0) is beyond 2^53 and cannot be represented exactly; save it as float64 or a smaller integer type');
    const edge = parse(npy(dict('<i8', '()'), [0, 0, 0, 0, 0, 0, 0x20, 0])); // exactly 2^53
    expect(edge.message).toContain('int64 value 9007199254740992 at the only element is beyond 2^53');
    const neg = parseNpy(npy(dict('<i8', '(1,)'), [1, 0, 0, 0, 0, 0, 0xe0, 0xff]), 'x.npy'); // −(2^53 − 1)
    expect(Array.from(neg.data)).toEqual([-(2 ** 53 - 1)]);
  });
});

describe('fortranToC', () => {
  it('transposes a column-major 2 × 3 into row-major', () => {
    // Column-major storage of [[0, 1, 2], [3, 4, 5]] is 0 3 1 4 2 5.
    expect(fortranToC(Int32Array.from([0, 3, 1, 4, 2, 5]), [2, 3])).toEqual(Int32Array.from([0, 1, 2, 3, 4, 5]));
  });

  it('keeps empty arrays empty and the storage type', () => {
    expect(fortranToC(new Float64Array(0), [0, 3])).toEqual(new Float64Array(0));
    expect(fortranToC(Uint8Array.from([1, 0]), [1, 2])).toBeInstanceOf(Uint8Array);
  });
});
