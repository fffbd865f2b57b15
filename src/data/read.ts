/** One entry point for data files: the reader is chosen by the file's extension. */
import { extname } from 'node:path';
import type { NdArray } from './array.js';
import { readCsv } from './csv.js';
import { DataError } from './errors.js';
import { readJsonArray } from './json.js';
import { readNpy } from './npy.js';
import { openNpy } from './npy-stream.js';
import { memorySource, type ArraySource } from './source.js';

export { readNpz } from './npz.js';

export type DataFormat = 'npy' | 'npz' | 'json' | 'csv';

/** The format an extension names (case-insensitively), or undefined for any other file. */
export function dataFormat(path: string): DataFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.npy' || ext === '.npz' || ext === '.json' || ext === '.csv' ? (ext.slice(1) as DataFormat) : undefined;
}

/**
 * Reads one array from a .npy, .json or .csv file. `label` is how messages name the file
 * (default: the path); every failure is a DataError.
 */
export function readArrayFile(path: string, label: string = path): NdArray {
  const format = dataFormat(path);
  switch (format) {
    case 'npy':
      return readNpy(path, label);
    case 'json':
      return readJsonArray(path, label);
    case 'csv':
      return readCsv(path, label).array;
    case 'npz':
      throw new DataError('NN817', label, 'is an .npz archive of several arrays, not one array; give the .npz itself as --data, or save this array as .npy');
    default:
      throw new DataError('NN817', label, `${extname(path) ? `has the extension '${extname(path)}'` : 'has no extension'}; data files must be .npy, .npz, .json or .csv`);
  }
}

/**
 * Opens one array file as a source: a .npy streams by rows (npy-stream.ts); a .json or .csv
 * has no row index (a row's place is known only by parsing everything before it), so it is read
 * whole, and `access` says so with its size.
 */
export function openArrayFile(path: string, label: string = path): ArraySource {
  const format = dataFormat(path);
  if (format === 'npy') return openNpy(path, label);
  const array = readArrayFile(path, label);
  return memorySource(label, array, `a .${format} file has no row index`);
}
