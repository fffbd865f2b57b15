/** Bytes of a text data file (.json, .csv) to a string: UTF-8, an optional BOM dropped. */
import { DataError } from './errors.js';

export function decodeText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError('NN813', file, 'is not valid UTF-8 text');
  }
}
