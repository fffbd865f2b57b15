/**
 * An .npz opened without reading it whole: the central directory from the end of the file, then
 * each stored (np.savez) entry streamed like a .npy at its offset inside the archive. A deflated
 * entry (np.savez_compressed) has no row index — a row's bytes are known only by inflating
 * everything before it — so it is inflated whole (its size is in `access`). A streamed entry's
 * CRC-32 is not checked (that would read it whole); its header and length are, as for a .npy.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError, failer, type Fail } from './errors.js';
import { describeFsError } from './file.js';
import { parseNpy } from './npy.js';
import { openNpy } from './npy-stream.js';
import { arrayName } from './npz.js';
import { memorySource, type ArraySource } from './source.js';
import { NeedBytesFrom, zipEntries, zipEntryData, type ZipEntry } from './zip.js';

const LOCAL = 0x04034b50;

function readAt(fd: number, position: number, length: number, label: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; ) {
    let n: number;
    try {
      n = readSync(fd, out, at, length - at, position + at);
    } catch (e) {
      throw new DataError('NN800', label, describeFsError(e));
    }
    if (n === 0) throw new DataError('NN800', label, `changed while being read (got ${at} of ${length} bytes at byte ${position})`);
    at += n;
  }
  return out;
}

/** The entries' central directory read from the end of the file (1 MiB first, more if it starts earlier). */
function entriesOf(fd: number, size: number, label: string): ZipEntry[] {
  let from = Math.max(0, size - (1 << 20));
  for (;;) {
    try {
      return zipEntries(readAt(fd, from, size - from, label), failer(label), from, size);
    } catch (e) {
      if (!(e instanceof NeedBytesFrom)) throw e;
      from = e.offset;
    }
  }
}

/** Each array of the archive by name (as np.load names them), in archive order. */
export function openNpz(path: string, label: string = path): Map<string, ArraySource> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new DataError('NN800', label, describeFsError(e));
  }
  const out = new Map<string, ArraySource>();
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new DataError('NN800', label, stat.isDirectory() ? 'is a directory, not a file' : 'is not a regular file');
    const fail = failer(label);
    for (const e of entriesOf(fd, stat.size, label)) {
      const key = arrayName(e.name, fail);
      if (out.has(key)) fail('NN812', `has two entries named '${e.name}'`);
      // Problems inside an entry name the .npz and put the entry in the message, as the whole-file reader does.
      const inEntry: Fail = (code, message, at) => {
        throw new DataError(code, label, `entry '${e.name}': ${message}`, { place: `entry '${e.name}'${at?.place ? `, ${at.place}` : ''}` });
      };
      const where = { offset: e.localOffset, place: `entry '${e.name}'` };
      if (e.localOffset + 30 > stat.size) fail('NN810', `entry '${e.name}' has no local header at byte ${e.localOffset}`, where);
      const head = readAt(fd, e.localOffset, 30, label);
      const view = new DataView(head.buffer);
      if (view.getUint32(0, true) !== LOCAL) fail('NN810', `entry '${e.name}' has no local header at byte ${e.localOffset}`, where);
      const start = e.localOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
      if (start + e.compressedSize > stat.size) fail('NN810', `entry '${e.name}' runs past the end of the file`, where);
      if (e.method === 0) {
        if (e.compressedSize !== e.size) fail('NN811', `entry '${e.name}' is stored with ${e.compressedSize} bytes but declares ${e.size}`, where);
        out.set(key, openNpy(path, `${label}:${key}`, { start, length: e.size }, inEntry));
      } else {
        const bytes = readAt(fd, e.localOffset, start - e.localOffset + e.compressedSize, label);
        let data: Uint8Array;
        try {
          data = zipEntryData(bytes, { ...e, localOffset: 0 }, fail);
        } catch (err) {
          if (err instanceof DataError && err.at.offset !== undefined) throw new DataError(err.code, err.file, err.detail, { ...err.at, offset: err.at.offset + e.localOffset });
          throw err;
        }
        let array;
        try {
          array = parseNpy(data, `${label}:${e.name}`);
        } catch (err) {
          if (err instanceof DataError) inEntry(err.code, err.detail, err.at);
          throw err;
        }
        out.set(key, memorySource(`${label}:${key}`, array, `a deflated .npz entry has no row index`));
      }
    }
    return out;
  } catch (e) {
    for (const s of out.values()) s.close();
    throw e;
  } finally {
    closeSync(fd);
  }
}
