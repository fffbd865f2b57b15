/**
 * Why a data file cannot be read. A reader stops at the first problem and throws one DataError
 * carrying its code (NN8xx, from the one list in src/diagnostics/codes.ts), the file and, where
 * known, the place: line and column in a .csv or .json (with that line's text, to quote), the byte
 * offset and header field in an .npy, the entry of an .npz. Nothing else escapes a reader; the
 * data set turns each into a diagnostic.
 */
import { CODES, type DataCode } from '../diagnostics/codes.js';

export type { DataCode };

/** The data-file codes, NN8xx (a view of the one list, for readers and tests). */
export const DATA_CODES = Object.fromEntries(Object.entries(CODES).filter(([c]) => c.startsWith('NN8'))) as { [C in DataCode]: (typeof CODES)[C] };

/** Where in a data file: the fields that apply to its kind. */
export interface DataPlace {
  /** 1-based line and column in a text file, and the line's text (for quoting). */
  line?: number;
  column?: number;
  endColumn?: number;
  lineText?: string;
  /** A byte offset in a binary file. */
  offset?: number;
  /** A place in words: "header field 'shape'", "entry 'x.npy'", "element (1, 2)". */
  place?: string;
}

export class DataError extends Error {
  override name = 'DataError';
  readonly code: DataCode;
  /** The file as the user knows it (the label given to the reader), also the message's prefix. */
  readonly file: string;
  /** The message without the file name, for callers that place the problem somewhere else. */
  readonly detail: string;
  readonly at: DataPlace;

  /** `detail` is the problem alone; the file name is prefixed here so every message names it. */
  constructor(code: DataCode, file: string, detail: string, at: DataPlace = {}) {
    super(`${file}: ${detail}`);
    this.code = code;
    this.file = file;
    this.detail = detail;
    this.at = at;
  }
}

export type Fail = (code: DataCode, message: string, at?: DataPlace) => never;

/** A bound `fail` for one file, so parsers read `fail('NN804', '...', {offset})`. */
export function failer(file: string): Fail {
  return (code, message, at) => {
    throw new DataError(code, file, message, at);
  };
}

/** The 1-based line and column of `offset` in `text`, with the line's text (one pass, only on failure). */
export function textPlace(text: string, offset: number, length = 1): DataPlace {
  const at = Math.max(0, Math.min(offset, text.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
  const next = text.indexOf('\n', at);
  const lineText = text.slice(start, next < 0 ? text.length : next).replace(/\r$/, '');
  const column = at - start + 1;
  return { line, column, endColumn: Math.min(column + Math.max(1, length), lineText.length + 2), lineText };
}

/**
 * Runs a reader so that nothing but a DataError leaves it: a failure no check anticipated
 * (in practice, memory running out on a huge file) still names the file and carries a code.
 */
export function guard<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('NN800', file, `could not be read (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
  }
}
