/**
 * The .npz reader: a zip of `name.npy` entries (np.savez stores them, np.savez_compressed
 * deflates them). Keys are the entry names without `.npy`, as np.load gives them.
 */
import type { NdArray } from './array.js';
import { DataError, failer, guard } from './errors.js';
import { readDataFile } from './file.js';
import { parseNpy } from './npy.js';
import { zipEntries, zipEntryData } from './zip.js';

export function readNpz(path: string, label: string = path): Map<string, NdArray> {
  return guard(label, () => parseNpz(readDataFile(path, label), label));
}

/** Parses the bytes of an .npz; keys keep the archive's order. */
export function parseNpz(bytes: Uint8Array, file: string): Map<string, NdArray> {
  const fail = failer(file);
  const entries = zipEntries(bytes, fail);
  const out = new Map<string, NdArray>();
  for (const e of entries) {
    const key = arrayName(e.name, fail);
    if (out.has(key)) fail('NN812', `has two entries named '${e.name}'`);
    const data = zipEntryData(bytes, e, fail);
    try {
      out.set(key, parseNpy(data, `${file}:${e.name}`));
    } catch (err) {
      // Keep `file` the .npz the user named; the entry goes in the message.
      if (err instanceof DataError) {
        const inner = err.at.place ? `, ${err.at.place}` : '';
        throw new DataError(err.code, file, `entry '${e.name}': ${err.detail}`, { place: `entry '${e.name}'${inner}` });
      }
      throw err;
    }
  }
  return out;
}

/** `x.npy` → `x`; anything that could be a path, or is not an array, is refused. */
export function arrayName(name: string, fail: ReturnType<typeof failer>): string {
  const bad = (why: string) => fail('NN812', `has an entry named '${name}', ${why}; np.savez writes only entries named like 'x.npy'`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) bad('an absolute path');
  if (name.includes('/') || name.includes('\\')) bad('a path with directories');
  if (name.includes('..')) bad("which contains '..'");
  if (/[\x00-\x1f]/.test(name)) bad('which contains control characters');
  if (!name.endsWith('.npy')) bad('which is not a .npy array');
  const key = name.slice(0, -4);
  if (key === '') bad('which has no array name');
  return key;
}
