/**
 * Resolving a data file named by a user inside the data directory without leaving it: names
 * are relative and free of `..`, and after following symlinks the file must still be inside
 * the directory (compared on real paths, so a symlinked directory itself is fine).
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { DataError } from './errors.js';
import { describeFsError } from './file.js';

/**
 * The real path of `name` inside `dir`. Throws NN818 for absolute names, `..` segments and
 * symlinks that resolve outside `dir`; NN800 when the file (or `dir`) does not exist.
 * `label` names the file in messages (default: dir/name as given).
 */
export function resolveDataFile(dir: string, name: string, label: string = join(dir, name)): string {
  const unsafe = (why: string) => new DataError('NN818', label, `${why}; data files must be named relative to the data directory ${dir}`);
  if (name === '' || name.includes('\0')) throw unsafe('is not a file name');
  if (isAbsolute(name) || win32.isAbsolute(name)) throw unsafe(`is an absolute path ('${name}')`);
  if (name.split(/[\\/]/).includes('..')) throw unsafe(`goes up a directory with '..' ('${name}')`);
  const root = real(dir, dir, 'data directory');
  const file = real(join(root, name), label);
  if (!isInside(root, file)) throw unsafe(`is a symlink to ${file}, outside the data directory`);
  return file;
}

/** Whether `target` is `root` itself or below it; both must be absolute, normalized paths. */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  // '..foo' is a file inside; '..' and '../foo' are not.
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function real(path: string, label: string, what = ''): string {
  try {
    return realpathSync(path);
  } catch (e) {
    const why = describeFsError(e);
    throw new DataError('NN800', label, what ? `${what} ${why === 'no such file' ? 'does not exist' : why}` : why);
  }
}
