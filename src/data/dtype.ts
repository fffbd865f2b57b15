/** NumPy dtype strings (the header's `descr`): which we read, and why the others are refused. */
import type { DType } from './array.js';

export interface Descr {
  dtype: DType;
  itemsize: number;
  littleEndian: boolean;
}

const SUPPORTED: Record<string, DType> = {
  b1: 'bool',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

// What users see for the kinds we refuse, named as NumPy documents them.
const REFUSED_KINDS: Record<string, string> = {
  O: 'Python objects, stored as a pickle',
  U: 'unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  c: 'complex numbers',
  V: 'raw bytes or records',
  M: 'datetimes',
  m: 'timedeltas',
};

/** The parsed descr, or a message saying why it is refused (the file name is added by the caller). */
export function parseDescr(descr: string): Descr | { refused: string } {
  const m = /^([<>|=])?([A-Za-z])(\d*)(\[.*\])?$/.exec(descr);
  const why = (what: string) => ({ refused: `dtype '${descr}' (${what}) is not supported; save numbers` });
  if (!m) return why('not a NumPy type string');
  const [, order, kind, size, unit] = m as unknown as [string, string | undefined, string, string, string | undefined];
  const refused = REFUSED_KINDS[kind];
  if (refused) return why(refused);
  const dtype = SUPPORTED[kind + size];
  if (!dtype || unit) {
    if (kind === 'f' && Number(size) > 8) return { refused: `dtype '${descr}' (extended precision, float${Number(size) * 8}) is not supported; save float64 or float32` };
    return why('an unknown or unsupported type');
  }
  const itemsize = Number(size);
  if (order === undefined) return { refused: `dtype '${descr}' has no byte order; expected '<', '>', '|' or '=' before it` };
  if (order === '|' && itemsize > 1) return { refused: `dtype '${descr}' has byte order '|' (not applicable), which only single-byte types may use` };
  // '=' is the writer's native order; NumPy normalizes it away, so assume the little-endian hosts NumPy runs on.
  return { dtype, itemsize, littleEndian: order !== '>' };
}
