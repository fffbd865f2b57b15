/**
 * The .npy reader (NumPy's format, versions 1.0–3.0; numpy/lib/format.py documents it).
 * Strict: the header must be exactly what np.save writes, the data exactly as long as the shape
 * needs, and the dtype plain numbers; everything else is a DataError naming the file.
 */
import { type ArrayData, type NdArray, shapeText } from './array.js';
import { decodeElements } from './decode.js';
import { type Descr, parseDescr } from './dtype.js';
import { failer, guard, type Fail } from './errors.js';
import { readDataFile } from './file.js';
import { type PyValue, PyLiteralError, parsePyLiteral, pyText } from './pyliteral.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy's own reader stops at 10 000 characters; 64 KiB leaves room and still bounds the work. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Above this an array would not fit a JS typed array on every platform, nor a tfjs tensor. */
export const MAX_ELEMENTS = 2 ** 31;

export function readNpy(path: string, label: string = path): NdArray {
  return guard(label, () => parseNpy(readDataFile(path, label), label));
}

/** Parses the bytes of a .npy file; `file` names it in error messages. */
export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  const fail = failer(file);
  const { header, headerStart, dataStart } = splitHeader(bytes, fail);
  // Header problems are placed at the header (byte 10, or 12 from version 2.0) unless a field is named.
  const inHeader: Fail = (code, message, at) => fail(code, message, { offset: headerStart, place: 'header', ...at });
  const { descr, fortran, shape } = readHeader(header, inHeader);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * descr.itemsize;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    const needs = `shape ${shapeText(shape)} of ${descr.dtype} needs ${expected} bytes of data`;
    fail('NN807', actual < expected ? `data is truncated: ${needs}, found ${actual}` : `has ${actual - expected} bytes after the data: ${needs}, found ${actual}`, { offset: dataStart + Math.min(actual, expected), place: 'data' });
  }
  const at = (i: number) => elementName(i, shape, fortran);
  const data = decodeElements(bytes.subarray(dataStart), descr, count, {
    unsafeInteger: (i, v) => fail('NN808', `${descr.dtype} value ${v} at ${at(i)} is beyond 2^53 and cannot be represented exactly; save it as float64 or a smaller integer type`, { offset: dataStart + i * descr.itemsize, place: at(i) }),
    invalidBool: (i, b) => fail('NN809', `bool ${at(i)} is the byte ${b}; booleans must be 0 or 1`, { offset: dataStart + i, place: at(i) }),
  });
  return { dtype: descr.dtype, shape, data: fortran && shape.length > 1 ? fortranToC(data, shape) : data };
}

export function splitHeader(bytes: Uint8Array, fail: Fail): { header: string; headerStart: number; dataStart: number } {
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('NN802', notNpy(bytes), { offset: 0, place: 'magic string' });
  const length = { offset: 8, place: 'header length' };
  // Cut before the header length ends: placed where the file ends.
  if (bytes.length < 10) fail('NN804', 'header is truncated', { offset: Math.min(8, bytes.length), place: 'header length' });
  const [major, minor] = [bytes[6]!, bytes[7]!];
  if (![1, 2, 3].includes(major) || minor !== 0) fail('NN803', `format version ${major}.${minor} is not supported; expected 1.0, 2.0 or 3.0`, { offset: 6, place: 'format version' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major > 1 && bytes.length < 12) fail('NN804', 'header is truncated', { offset: Math.min(8, bytes.length), place: 'header length' });
  const size = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (size > MAX_HEADER_BYTES) fail('NN804', `header is ${size} bytes; at most ${MAX_HEADER_BYTES} are accepted`, length);
  if (start + size > bytes.length) fail('NN804', `header is truncated: it claims ${size} bytes, the file has ${bytes.length - start} after the preamble`, length);
  const at = { offset: start, place: 'header' };
  const raw = bytes.subarray(start, start + size);
  let header: string;
  if (major === 3) {
    try {
      header = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return fail('NN804', 'header is not valid UTF-8', at);
    }
  } else {
    header = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1'); // as versions 1 and 2 specify
  }
  return { header, headerStart: start, dataStart: start + size };
}

// Recognizes the files people most often mistake for .npy, to say what they are instead.
function notNpy(bytes: Uint8Array): string {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'is a zip archive (an .npz?), not a .npy file; name it .npz';
  if (bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5) return 'is a Python pickle, not a .npy file; save arrays with np.save';
  if (bytes.length < MAGIC.length) return `is ${bytes.length} bytes long, too short to be a .npy file`;
  return "does not start with the .npy magic string '\\x93NUMPY'; save arrays with np.save";
}

export interface Header {
  descr: Descr;
  fortran: boolean;
  shape: number[];
}

const KEYS = ['descr', 'fortran_order', 'shape'];

export function readHeader(text: string, fail: Fail, maxElements = MAX_ELEMENTS): Header {
  if (!text.endsWith('\n')) fail('NN804', 'header does not end with a newline');
  // NumPy pads the dict with spaces up to the final newline; the dict must fill the rest.
  const content = text.slice(0, -1).replace(/ +$/, '');
  let parsed: { value: PyValue; end: number };
  try {
    parsed = parsePyLiteral(content);
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    return fail('NN804', `header is not a Python dict literal: ${e.message} at character ${e.at}`);
  }
  const rest = content.slice(parsed.end);
  if (rest !== '') fail('NN804', `header has '${rest.trim().slice(0, 20)}' after its dict; expected only spaces`);
  const dict = parsed.value;
  if (dict.kind !== 'dict') return fail('NN804', `header is ${pyText(dict)}, not a dict`);
  const fields = new Map<string, PyValue>();
  for (const [k, v] of dict.entries) {
    if (k.kind !== 'str') fail('NN804', `header has the non-string key ${pyText(k)}`);
    const key = (k as { value: string }).value;
    if (fields.has(key)) fail('NN804', `header repeats the key '${key}'`);
    if (!KEYS.includes(key)) fail('NN804', `header has the unknown key '${key}'; expected exactly 'descr', 'fortran_order' and 'shape'`);
    fields.set(key, v);
  }
  for (const key of KEYS) if (!fields.has(key)) fail('NN804', `header is missing the key '${key}'`);
  const field = (key: string): Fail => (code, message) => fail(code, message, { place: `header field '${key}'` });
  return { descr: readDescr(fields.get('descr')!, field('descr')), fortran: readFortran(fields.get('fortran_order')!, field('fortran_order')), shape: readShape(fields.get('shape')!, field('shape'), maxElements) };
}

function readDescr(v: PyValue, fail: Fail): Descr {
  if (v.kind === 'list') fail('NN805', `dtype ${pyText(v)} is a structured (record) dtype, which is not supported; save one plain numeric array per field`);
  if (v.kind !== 'str') return fail('NN804', `header 'descr' is ${pyText(v)}; expected a dtype string such as '<f4'`);
  const d = parseDescr(v.value);
  if ('refused' in d) return fail('NN805', d.refused);
  return d;
}

function readFortran(v: PyValue, fail: Fail): boolean {
  if (v.kind !== 'bool') return fail('NN804', `header 'fortran_order' is ${pyText(v)}; expected True or False`);
  return v.value;
}

function readShape(v: PyValue, fail: Fail, maxElements: number): number[] {
  if (v.kind !== 'tuple' || v.items.some((d) => d.kind !== 'int' || d.value < 0n)) {
    return fail('NN804', `header 'shape' is ${pyText(v)}; expected a tuple of non-negative integers`);
  }
  const dims = v.items.map((d) => (d as { value: bigint }).value);
  const count = dims.reduce((a, b) => a * b, 1n);
  const most = maxElements === MAX_ELEMENTS ? `at most 2^31 (${MAX_ELEMENTS}) are accepted` : `at most 2^53 are accepted when streamed`;
  if (count > BigInt(maxElements)) fail('NN806', `shape ${pyText(v)} has ${count} elements; ${most}`);
  // Zero elements, but a dimension no JS number holds exactly.
  const huge = dims.find((d) => d > BigInt(maxElements));
  if (huge !== undefined) fail('NN806', `shape ${pyText(v)} has a dimension of ${huge}; ${most}`);
  // Streamed, a row (one sample) must still fit one typed array.
  const row = dims.slice(1).reduce((a, b) => a * b, 1n);
  if (row > BigInt(MAX_ELEMENTS)) fail('NN806', `shape ${pyText(v)} has ${row} elements per sample; at most 2^31 (${MAX_ELEMENTS}) are accepted`);
  return dims.map(Number);
}

/** "element (1, 2)" for index `i` in file order (first axis fastest when Fortran-ordered). */
export function elementName(i: number, shape: readonly number[], fortran: boolean): string {
  if (shape.length === 0) return 'the only element';
  const idx = new Array<number>(shape.length);
  const axes = fortran ? shape.map((_, k) => k) : shape.map((_, k) => shape.length - 1 - k);
  for (const k of axes) {
    idx[k] = i % shape[k]!;
    i = Math.floor(i / shape[k]!);
  }
  return `element ${shapeText(idx)}`;
}

/** Reorders Fortran-order (column-major) elements into C order, keeping the storage type. */
export function fortranToC<T extends ArrayData>(src: T, shape: readonly number[]): T {
  const dst = new (src.constructor as new (n: number) => T)(src.length);
  if (src.length === 0) return dst;
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let k = rank - 1, s = 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k]!;
  }
  // Walk the source in its own order (axis 0 fastest), carrying the C offset along.
  const idx = new Array<number>(rank).fill(0);
  let c = 0;
  for (let f = 0; f < src.length; f++) {
    dst[c] = src[f]!;
    for (let k = 0; k < rank; k++) {
      c += strides[k]!;
      if (++idx[k]! < shape[k]!) break;
      c -= shape[k]! * strides[k]!;
      idx[k] = 0;
    }
  }
  return dst;
}
