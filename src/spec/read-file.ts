/**
 * Reading a file that must be a regular file, safely: never blocks on a FIFO, never loads a
 * file over the size cap. Below the commands, so the validate workers and the LSP read alike.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';

/** The file cannot be read, in words naming it as the user wrote it. */
export class FileReadError extends Error {}

/** What a path is when it is not a regular file, for messages. */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * A regular file's bytes, or its size when it is over `maxBytes` (then it is not read: a 5 GB
 * file must not be loaded to be refused). Opened non-blocking, since opening a FIFO waits for a
 * writer, and checked on the open descriptor, so nothing but a regular file is ever read.
 * Failures are FileReadErrors naming the file as the user wrote it.
 */
export function readRegular(abs: string, shown: string, maxBytes: number): { bytes: Buffer } | { tooLarge: number } {
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError(`cannot read '${shown}': ${stat.isDirectory() ? 'it is a directory' : `it is ${kindOf(stat)}, not a file`}`);
    if (stat.size > maxBytes) return { tooLarge: stat.size };
    return { bytes: readFileSync(fd) };
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : ((e as Error).message ?? String(e));
    throw new FileReadError(`cannot read '${shown}': ${why}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

