/**
 * Why a data file cannot be read. Reading data happens outside the spec, so these are not
 * source-positioned diagnostics: a reader stops at the first problem and throws one DataError,
 * which the command turns into a single message. Nothing else escapes a reader.
 */

/** The closed list of data-file codes (NN8xx), in the same form as src/diagnostics/codes.ts. */
export const DATA_CODES = {
  NN800: { name: 'file-unreadable', summary: 'A data file does not exist, is not a regular file, or cannot be read.' },
  NN801: { name: 'file-too-large', summary: 'A data file, or an entry of an .npz, is larger than the 2 GiB cap.' },
  NN802: { name: 'not-npy', summary: 'A .npy file does not start with the NumPy magic string.' },
  NN803: { name: 'npy-version', summary: 'The .npy format version is not 1.0, 2.0 or 3.0.' },
  NN804: { name: 'npy-header', summary: 'The .npy header is malformed, too long, or has keys other than descr, fortran_order and shape.' },
  NN805: { name: 'unsupported-dtype', summary: 'The array holds objects, strings, records, complex or other non-numeric values.' },
  NN806: { name: 'too-many-elements', summary: 'The shape has more than 2^31 elements.' },
  NN807: { name: 'wrong-data-length', summary: 'The data is shorter or longer than the shape and dtype require.' },
  NN808: { name: 'unsafe-integer', summary: 'An integer is beyond 2^53 and cannot be represented exactly.' },
  NN809: { name: 'invalid-bool', summary: 'A boolean element is a byte other than 0 or 1.' },
  NN810: { name: 'not-npz', summary: 'An .npz file is not a zip archive of the kind NumPy writes.' },
  NN811: { name: 'npz-corrupt', summary: 'An .npz entry does not inflate to its declared size or fails its CRC-32 check.' },
  NN812: { name: 'npz-entry-name', summary: 'An .npz entry name is not a plain `name.npy`, or is repeated.' },
  NN813: { name: 'syntax', summary: 'A .json or .csv file cannot be parsed.' },
  NN814: { name: 'ragged', summary: 'Rows (or nested lists) have different lengths.' },
  NN815: { name: 'not-a-number', summary: 'A value is not a finite number (or, in JSON, not a boolean).' },
  NN816: { name: 'empty-file', summary: 'A .csv file holds no rows.' },
  NN817: { name: 'unknown-format', summary: 'A data file has an extension other than .npy, .npz, .json or .csv.' },
  NN818: { name: 'unsafe-path', summary: 'A data file name leaves the data directory (absolute, `..`, or a symlink pointing outside).' },
} as const;

export type DataCode = keyof typeof DATA_CODES;

export class DataError extends Error {
  override name = 'DataError';
  readonly code: DataCode;
  /** The file as the user knows it (the label given to the reader), also the message's prefix. */
  readonly file: string;
  /** The message without the file name, for callers that place the problem somewhere else. */
  readonly detail: string;

  /** `detail` is the problem alone; the file name is prefixed here so every message names it. */
  constructor(code: DataCode, file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.code = code;
    this.file = file;
    this.detail = detail;
  }
}

/** A bound `fail` for one file, so parsers read `fail('NN804', '...')`. */
export function failer(file: string): (code: DataCode, message: string) => never {
  return (code, message) => {
    throw new DataError(code, file, message);
  };
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
