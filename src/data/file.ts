/** Reads a whole data file into memory, with the size cap and file-system errors as DataErrors. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DataError } from './errors.js';

/** 2 GiB: the cap on a data file and on one .npz entry's uncompressed size. */
export const MAX_DATA_BYTES = 2 ** 31;

/**
 * The file's bytes in a fresh buffer starting at offset 0 (so typed-array views over it are
 * aligned). Read in chunks because readFileSync refuses files of 2 GiB and more.
 */
export function readDataFile(path: string, label: string = path): Uint8Array {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO waits for a writer; fstat below refuses anything but a file.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new DataError('NN800', label, describeFsError(e));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new DataError('NN800', label, stat.isDirectory() ? 'is a directory, not a file' : stat.isFIFO() ? 'is a named pipe (FIFO), not a file' : 'is not a regular file');
    if (stat.size > MAX_DATA_BYTES) throw new DataError('NN801', label, `is ${stat.size} bytes; data files are capped at 2 GiB (${MAX_DATA_BYTES} bytes)`);
    const bytes = new Uint8Array(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30), at);
      if (n === 0) throw new DataError('NN800', label, `changed while being read (got ${at} of ${bytes.length} bytes)`);
      at += n;
    }
    return bytes;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('NN800', label, describeFsError(e));
  } finally {
    closeSync(fd);
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ELOOP') return 'is a symlink loop';
  if (code === 'ENOTDIR') return 'has a path through something that is not a directory';
  return `cannot be read (${code ?? String(e)})`;
}
