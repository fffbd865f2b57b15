/** Builders for hand-crafted broken data files: .npy bytes and zip archives. */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/data/crc32.js';

/** A .npy with a given header dict text (padded the way NumPy pads it) and raw data bytes. */
export function npy(dict: string, data: ArrayLike<number> = [], opts: { version?: 1 | 2 | 3; magic?: number[]; newline?: boolean; pad?: boolean } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  let header = dict;
  const newline = opts.newline ?? true;
  while (opts.pad !== false && (pre + header.length + (newline ? 1 : 0)) % 64 !== 0) header += ' ';
  if (newline) header += '\n';
  const headerBytes = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  return concat([
    Uint8Array.from(opts.magic ?? [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]),
    Uint8Array.from([version, 0]),
    le(headerBytes.length, version === 1 ? 2 : 4),
    headerBytes,
    Uint8Array.from(data),
  ]);
}

/** The header dict as np.save writes it. */
export function dict(descr: string, shape: string, fortran = false): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
}

export function le(value: number | bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** Overrides of what the central directory claims. */
  size?: number;
  crc?: number;
  method?: number;
  flags?: number;
  /** Put sizes and offset in a zip64 extra field (0xFFFFFFFF in the 32-bit fields). */
  zip64?: boolean;
}

/** A zip archive as Python's zipfile writes it (local headers, central directory, end record). */
export function zip(entries: ZipEntry[], opts: { zip64End?: boolean; comment?: string } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflate ? Uint8Array.from(deflateRawSync(e.data)) : e.data;
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? (e.deflate ? 8 : 0);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const flags = e.flags ?? 0;
    const local = concat([le(0x04034b50, 4), le(20, 2), le(flags, 2), le(method, 2), le(0, 4), le(crc, 4), le(body.length, 4), le(size, 4), le(name.length, 2), le(0, 2), name]);
    const extra = e.zip64 ? concat([le(1, 2), le(24, 2), le(size, 8), le(body.length, 8), le(offset, 8)]) : new Uint8Array(0);
    const big = (v: number) => (e.zip64 ? 0xffffffff : v);
    centrals.push(
      concat([
        le(0x02014b50, 4), le(20, 2), le(20, 2), le(flags, 2), le(method, 2), le(0, 4), le(crc, 4),
        le(big(body.length), 4), le(big(size), 4), le(name.length, 2), le(extra.length, 2), le(0, 2),
        le(0, 2), le(0, 2), le(0, 4), le(big(offset), 4), name, extra,
      ]),
    );
    locals.push(local, body);
    offset += local.length + body.length;
  }
  const cd = concat(centrals);
  const comment = Buffer.from(opts.comment ?? '');
  const n = entries.length;
  const tail: Uint8Array[] = [];
  if (opts.zip64End) {
    const at = offset + cd.length;
    tail.push(concat([le(0x06064b50, 4), le(44, 8), le(45, 2), le(45, 2), le(0, 4), le(0, 4), le(n, 8), le(n, 8), le(cd.length, 8), le(offset, 8)]));
    tail.push(concat([le(0x07064b50, 4), le(0, 4), le(at, 8), le(1, 4)]));
  }
  const ff = (v: number, bytes: number) => (opts.zip64End ? 2 ** (8 * bytes) - 1 : v);
  tail.push(concat([le(0x06054b50, 4), le(0, 2), le(0, 2), le(ff(n, 2), 2), le(ff(n, 2), 2), le(ff(cd.length, 4), 4), le(ff(offset, 4), 4), le(comment.length, 2), comment]));
  return concat([...locals, cd, ...tail]);
}
