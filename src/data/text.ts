/** Bytes of a text data file (.json, .csv) to a string: UTF-8, an optional BOM dropped. */
import { constants } from 'node:buffer';
import { DataError } from './errors.js';

export function decodeText(bytes: Uint8Array, file: string): string {
  // V8 strings stop at about 512 MiB; past that a text format is the wrong tool anyway.
  if (bytes.length > constants.MAX_STRING_LENGTH) {
    throw new DataError('NN801', file, `is ${bytes.length} bytes, more than a text file can hold here (${constants.MAX_STRING_LENGTH}); save large arrays as .npy`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError('NN813', file, 'is not valid UTF-8 text');
  }
}
