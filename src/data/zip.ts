/**
 * A zip reader for exactly what NumPy's savez and savez_compressed write through Python's
 * zipfile: one disk, stored (0) or deflated (8) entries, zip64 fields where sizes or offsets need
 * them. The central directory is the authority (local headers may defer sizes to a data
 * descriptor); every size and offset is checked against the file before it is used.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import type { Fail } from './errors.js';
import { MAX_DATA_BYTES } from './file.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}


const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** Together the entries may inflate to at most 4 GiB (each at most 2 GiB): a bound on memory. */
export const MAX_TOTAL_BYTES = 2 ** 32;

/** Thrown by zipEntries over the end of a file when the records start before the bytes given. */
export class NeedBytesFrom extends Error {
  constructor(readonly offset: number) {
    super(`zip records start at byte ${offset}`);
  }
}

/**
 * The central directory's entries, in archive order. `bytes` is the whole file, or its last
 * bytes from `base` on (of a file of `total` bytes): then NeedBytesFrom says where to start when
 * the central directory begins earlier.
 */
export function zipEntries(bytes: Uint8Array, fail0: Fail, base = 0, total = base + bytes.length): ZipEntry[] {
  // A problem is placed at the record being read (clamped into the file), when there is one.
  let at: { offset: number; place: string } | undefined;
  const fail: Fail = (code, message, where) => fail0(code, message, where ?? (at && { offset: Math.min(at.offset, total), place: at.place }));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (o: number, n: number) => {
    if (o < base && o >= 0 && o + n <= total) throw new NeedBytesFrom(o);
  };
  const u16 = (o: number) => (need(o, 2), view.getUint16(o - base, true));
  const u32 = (o: number) => (need(o, 4), view.getUint32(o - base, true));
  const u64 = (o: number, what: string) => {
    need(o, 8);
    const v = view.getBigUint64(o - base, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail('NN810', `${what} is ${v}, beyond any real file`) : Number(v);
  };
  const inside = (o: number, n: number, what: string) => {
    if (o < 0 || o + n > total) fail('NN810', `${what} at byte ${o} runs past the end of the file (${total} bytes)`);
    need(o, n);
  };

  const found = findEndRecord(bytes, view);
  const end = found < 0 ? found : found + base;
  if (end < 0) fail('NN810', total >= 4 && base === 0 && u32(0) === LOCAL ? 'is a truncated zip archive (no end-of-central-directory record)' : 'is not a zip archive; save arrays with np.savez or np.savez_compressed');
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) fail('NN810', 'is a multi-disk (split) zip archive, which NumPy never writes');
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  let cdLimit = end;
  if (count === MAX16 || cdSize === MAX32 || cdOffset === MAX32) {
    const loc = end - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR) fail('NN810', 'end record points to a zip64 record that is missing');
    const at = u64(loc + 8, 'the zip64 end record offset');
    inside(at, 56, 'the zip64 end record');
    if (u32(at) !== ZIP64_EOCD) fail('NN810', `has no zip64 end record at byte ${at}`);
    count = u64(at + 32, 'the entry count');
    cdSize = u64(at + 40, 'the central directory size');
    cdOffset = u64(at + 48, 'the central directory offset');
    cdLimit = at;
  }
  if (cdOffset + cdSize > cdLimit) fail('NN810', `central directory (bytes ${cdOffset} to ${cdOffset + cdSize}) overlaps the end record at byte ${cdLimit}`);
  if (count * 46 > cdSize) fail('NN810', `central directory of ${cdSize} bytes cannot hold the ${count} entries it claims`);

  const entries: ZipEntry[] = [];
  let declared = 0;
  for (let i = 0, p = cdOffset; i < count; i++) {
    at = { offset: p, place: `central directory entry ${i}` };
    inside(p, 46, `central directory entry ${i}`);
    if (u32(p) !== CENTRAL) fail('NN810', `central directory entry ${i} at byte ${p} has a bad signature`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const [nameLen, extraLen, commentLen] = [u16(p + 28), u16(p + 30), u16(p + 32)];
    inside(p + 46, nameLen + extraLen + commentLen, `central directory entry ${i}`);
    const name = entryName(bytes.subarray(p - base + 46, p - base + 46 + nameLen), fail);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    let localOffset = u32(p + 42);
    if (size === MAX32 || compressedSize === MAX32 || localOffset === MAX32) {
      // Zip64 extra field (id 1): the 8-byte values, in this order, of just the saturated fields.
      const z = zip64Extra(view, p - base + 46 + nameLen, extraLen);
      if (z === undefined) fail('NN810', `entry '${name}' has saturated sizes but no zip64 extra field`);
      let q = z!.start + base;
      const next = (what: string) => {
        if (q + 8 > z!.end + base) fail('NN810', `entry '${name}' has a zip64 extra field too short for its ${what}`);
        q += 8;
        return u64(q - 8, `entry '${name}' ${what}`);
      };
      if (size === MAX32) size = next('size');
      if (compressedSize === MAX32) compressedSize = next('compressed size');
      if (localOffset === MAX32) localOffset = next('offset');
    }
    if (flags & 1) fail('NN810', `entry '${name}' is encrypted`);
    if (method !== 0 && method !== 8) fail('NN810', `entry '${name}' uses compression method ${method}; NumPy writes only stored (0) and deflated (8) entries`);
    if (size > MAX_DATA_BYTES) fail('NN801', `entry '${name}' declares ${size} bytes uncompressed; entries are capped at 2 GiB (${MAX_DATA_BYTES} bytes)`);
    declared += size;
    if (declared > MAX_TOTAL_BYTES) fail('NN801', `entries declare more than 4 GiB (${MAX_TOTAL_BYTES} bytes) uncompressed in total`);
    entries.push({ name, method, crc: u32(p + 16), compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The entry's uncompressed bytes, checked against its declared size and CRC-32. */
export function zipEntryData(bytes: Uint8Array, e: ZipEntry, fail0: Fail): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = `entry '${e.name}'`;
  const fail: Fail = (code, message) => fail0(code, message, { offset: Math.min(e.localOffset, bytes.length), place: where });
  if (e.localOffset + 30 > bytes.length || view.getUint32(e.localOffset, true) !== LOCAL) fail('NN810', `${where} has no local header at byte ${e.localOffset}`);
  const nameLen = view.getUint16(e.localOffset + 26, true);
  const extraLen = view.getUint16(e.localOffset + 28, true);
  const start = e.localOffset + 30 + nameLen + extraLen;
  if (start + e.compressedSize > bytes.length) fail('NN810', `${where} runs past the end of the file`);
  const local = bytes.subarray(e.localOffset + 30, e.localOffset + 30 + nameLen);
  if (Buffer.compare(local, Buffer.from(e.name, 'utf8')) !== 0) fail('NN810', `${where} is named differently in its local header`);
  const raw = bytes.subarray(start, start + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) fail('NN811', `${where} is stored with ${e.compressedSize} bytes but declares ${e.size}`);
    data = raw;
  } else {
    try {
      // One byte over the declared size is enough to know it lies, without inflating a bomb.
      data = inflateRawSync(raw, { maxOutputLength: e.size + 1 });
    } catch (err) {
      const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      return fail('NN811', tooBig ? `${where} inflates to more than the ${e.size} bytes it declares` : `${where} is not a valid deflate stream (${(err as Error).message})`);
    }
    if (data.length !== e.size) fail('NN811', `${where} inflates to ${data.length} bytes, not the ${e.size} it declares`);
  }
  const crc = crc32(data);
  if (crc !== e.crc) fail('NN811', `${where} fails its CRC-32 check (computed ${hex(crc)}, declared ${hex(e.crc)})`);
  return data;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

// The end record is the last 22 bytes unless a comment (at most 65535 bytes) follows it.
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - MAX16; p--) {
    if (view.getUint32(p, true) === EOCD && p + 22 + view.getUint16(p + 20, true) === bytes.length) return p;
  }
  return -1;
}

function zip64Extra(view: DataView, at: number, length: number): { start: number; end: number } | undefined {
  for (let p = at; p + 4 <= at + length; ) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > at + length) return undefined;
    if (id === 1) return { start: p + 4, end: p + 4 + size };
    p += 4 + size;
  }
  return undefined;
}

// Python's zipfile writes names as UTF-8 (flagging non-ASCII ones), never in other code pages.
function entryName(raw: Uint8Array, fail: Fail): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    return fail('NN812', `has an entry whose name is not UTF-8 (${Buffer.from(raw).toString('hex').slice(0, 40)})`);
  }
}
