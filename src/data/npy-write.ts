/**
 * The .npy writer (format version 1.0, as np.save writes it): little-endian, C order, the header
 * padded with spaces to a multiple of 64 bytes and ended by a newline. Used by `synth` and `predict`.
 */
import type { ArrayData, DType, NdArray } from './array.js';

const DESCR: Partial<Record<DType, string>> = {
  bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4', float32: '<f4', float64: '<f8',
};

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function npyBytes(a: NdArray): Uint8Array {
  const head = npyHeader(a.dtype, a.shape);
  const body = littleEndianBytes(a.data);
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The magic, version, header length and header of a .npy, to be followed by the data (`npyData`). */
export function npyHeader(dtype: DType, dims: readonly number[]): Uint8Array {
  const descr = DESCR[dtype];
  if (!descr) throw new Error(`internal: the .npy writer does not write ${dtype}`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n' is a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Elements as .npy data bytes (little-endian). */
export function npyData(data: ArrayData): Uint8Array {
  return littleEndianBytes(data);
}

function littleEndianBytes(data: ArrayData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE || data.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const n = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += n) for (let j = 0; j < n; j++) out[i + j] = bytes[i + n - 1 - j]!;
  return out;
}
