/**
 * Cheaper writes than writeFileAtomic where its guarantees are already given another way:
 * a file inside a checkpoint's temporary directory needs no rename of its own (the directory's
 * rename publishes all of them), and the run's logs need no fsync between epochs (a killed
 * process still leaves the old or the new file; the fsynced checkpoint holds the truth, and the
 * run's last save syncs everything).
 */
import { closeSync, copyFileSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncDir, tempName } from './atomic.js';

function writeAll(path: string, data: Uint8Array | string, sync: boolean): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A new file in a directory that is not yet visible (a checkpoint being written): written and fsynced, no rename. */
export function writeFileSynced(path: string, data: Uint8Array | string): void {
  writeAll(path, data, true);
}

/** Replaces `path` by rename; fsyncs the file and its directory only when `sync`. */
export function replaceFile(path: string, data: Uint8Array | string, sync: boolean): void {
  const tmp = tempName(path);
  try {
    writeAll(tmp, data, sync);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
  if (sync) syncDir(dirname(path));
}

/**
 * Makes `target` the same file as `source` (already durable): a hard link renamed over the target,
 * so no byte is written twice; a copy where the file system has no hard links.
 */
export function replaceByLink(source: string, target: string): void {
  const tmp = tempName(target);
  try {
    linkSync(source, tmp);
  } catch {
    copyFileSync(source, tmp);
  }
  renameSync(tmp, target);
}
