/**
 * A .npy file (or a stored .npz entry, at its offset inside the archive) as a source read by
 * rows: the header is read and checked once, exactly as the whole-file reader checks it, then
 * each request is a positioned read of just those rows. Nothing of the data is kept between
 * requests, so memory does not grow with the file. Fortran-ordered arrays have no contiguous
 * rows and are read whole (said in `access`).
 */
import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs';
import { shapeText, type ArrayData } from './array.js';
import { decodeElements } from './decode.js';
import type { Descr } from './dtype.js';
import { DataError, failer, type Fail } from './errors.js';
import { describeFsError, MAX_DATA_BYTES } from './file.js';
import { elementName, MAX_HEADER_BYTES, parseNpy, readHeader, splitHeader } from './npy.js';
import { memorySource, rowSizeOf, type ArraySource, type HostValues } from './source.js';

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where the .npy lies in the file: a whole file, or a stored entry's bytes. */
export interface ByteRange {
  start: number;
  length: number;
}

/** Opens `path` (every failure a DataError naming `label`); `range` for an entry inside an archive. */
export function openNpy(path: string, label: string = path, range?: ByteRange, fail: Fail = failer(label)): ArraySource {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new DataError('NN800', label, describeFsError(e));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail('NN800', stat.isDirectory() ? 'is a directory, not a file' : stat.isFIFO() ? 'is a named pipe (FIFO), not a file' : 'is not a regular file');
    const { start, length } = range ?? { start: 0, length: stat.size };
    const head = new Uint8Array(Math.min(length, 12 + MAX_HEADER_BYTES));
    readFully(fd, head, start, label);
    const { header, headerStart, dataStart } = splitHeader(head, fail);
    const inHeader: Fail = (code, message, at) => fail(code, message, { offset: headerStart, place: 'header', ...at });
    const { descr, fortran, shape } = readHeader(header, inHeader, Number.MAX_SAFE_INTEGER);
    const count = shape.reduce((a, b) => a * b, 1);
    const expected = count * descr.itemsize;
    const actual = length - dataStart;
    if (actual !== expected) {
      const needs = `shape ${shapeText(shape)} of ${descr.dtype} needs ${expected} bytes of data`;
      fail('NN807', actual < expected ? `data is truncated: ${needs}, found ${actual}` : `has ${actual - expected} bytes after the data: ${needs}, found ${actual}`, { offset: dataStart + Math.min(actual, expected), place: 'data' });
    }
    if (fortran && shape.length > 1) {
      // Column-major: a sample's elements are spread over the whole file. Read whole (capped as before).
      if (length > MAX_DATA_BYTES) fail('NN801', `is ${length} bytes and Fortran-ordered; a Fortran-ordered array is read whole, and those are capped at 2 GiB (${MAX_DATA_BYTES} bytes); save it with np.save(np.ascontiguousarray(a)) to stream it`);
      const bytes = new Uint8Array(length);
      readFully(fd, bytes, start, label);
      closeSync(fd);
      return memorySource(label, parseNpy(bytes, label), 'Fortran-ordered');
    }
    return new NpySource(label, fd, start + dataStart, dataStart, descr, shape, fail);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function readFully(fd: number, into: Uint8Array, position: number, label: string): void {
  let at = 0;
  while (at < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, at, Math.min(into.length - at, 1 << 30), position + at);
    } catch (e) {
      throw new DataError('NN800', label, describeFsError(e));
    }
    if (n === 0) throw new DataError('NN800', label, `changed while being read (got ${at} of ${into.length} bytes)`);
    at += n;
  }
}

class NpySource implements ArraySource {
  readonly rowSize: number;
  readonly access = 'streamed';
  readonly dtype;
  private readonly rowBytes: number;
  private readonly fail: Fail;
  /** Rows land straight in the caller's array when the file holds them as the engine wants them. */
  private readonly direct: 'float32' | 'int32' | undefined;

  constructor(
    readonly file: string,
    private fd: number,
    /** Where element 0 is, in the file. */
    private readonly base: number,
    /** The same, counted from the .npy's own start (for messages). */
    private readonly dataStart: number,
    private readonly descr: Descr,
    readonly shape: number[],
    fail: Fail,
  ) {
    this.dtype = descr.dtype;
    this.rowSize = rowSizeOf(shape);
    this.rowBytes = this.rowSize * descr.itemsize;
    this.fail = fail;
    const native = descr.littleEndian === HOST_LITTLE || descr.itemsize === 1;
    this.direct = native && descr.dtype === 'float32' ? 'float32' : native && descr.dtype === 'int32' ? 'int32' : undefined;
  }

  rows(from: number, to: number): ArrayData {
    const rows = Math.max(0, to - from);
    const bytes = new Uint8Array(rows * this.rowBytes);
    readFully(this.fd, bytes, this.base + from * this.rowBytes, this.file);
    // The fresh buffer already holds the values as stored: view it instead of copying (the check pass reads every row).
    const View = this.view();
    if (View) return new View(bytes.buffer);
    return this.decode(bytes, from * this.rowSize);
  }

  private view(): (new (b: ArrayBuffer) => ArrayData) | undefined {
    const { dtype, littleEndian, itemsize } = this.descr;
    if (littleEndian !== HOST_LITTLE && itemsize > 1) return undefined;
    return ({ float32: Float32Array, float64: Float64Array, int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array } as Partial<Record<string, new (b: ArrayBuffer) => ArrayData>>)[dtype];
  }

  private decode(bytes: Uint8Array, first: number): ArrayData {
    const { descr, shape, dataStart } = this;
    const at = (i: number) => elementName(first + i, shape, false);
    return decodeElements(bytes, descr, bytes.length / descr.itemsize, {
      unsafeInteger: (i, v) => this.fail('NN808', `${descr.dtype} value ${v} at ${at(i)} is beyond 2^53 and cannot be represented exactly; save it as float64 or a smaller integer type`, { offset: dataStart + (first + i) * descr.itemsize, place: at(i) }),
      invalidBool: (i, b) => this.fail('NN809', `bool ${at(i)} is the byte ${b}; booleans must be 0 or 1`, { offset: dataStart + (first + i) * descr.itemsize, place: at(i) }),
    });
  }

  /** Consecutive indices become one read. */
  private runs(indices: ArrayLike<number>): { row: number; at: number; count: number }[] {
    const out: { row: number; at: number; count: number }[] = [];
    for (let k = 0; k < indices.length; k++) {
      const last = out[out.length - 1];
      if (last && indices[k] === last.row + last.count) last.count++;
      else out.push({ row: indices[k]!, at: k, count: 1 });
    }
    return out;
  }

  private convert(bytes: Uint8Array, row: number, out: HostValues, at: number): void {
    const values = this.decode(bytes, row * this.rowSize);
    if (values.constructor === out.constructor) out.set(values as HostValues, at * this.rowSize);
    else for (let j = 0; j < values.length; j++) out[at * this.rowSize + j] = values[j]!;
  }

  gather(indices: ArrayLike<number>, out: HostValues): void {
    const direct = this.direct === (out instanceof Float32Array ? 'float32' : 'int32');
    const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    for (const r of this.runs(indices)) {
      const n = r.count * this.rowBytes;
      if (direct) {
        readFully(this.fd, target.subarray(r.at * this.rowBytes, r.at * this.rowBytes + n), this.base + r.row * this.rowBytes, this.file);
      } else {
        const bytes = new Uint8Array(n);
        readFully(this.fd, bytes, this.base + r.row * this.rowBytes, this.file);
        this.convert(bytes, r.row, out, r.at);
      }
    }
  }

  async gatherAsync(indices: ArrayLike<number>, out: HostValues): Promise<void> {
    const direct = this.direct === (out instanceof Float32Array ? 'float32' : 'int32');
    const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    await Promise.all(
      this.runs(indices).map(
        (r) =>
          new Promise<void>((resolve, reject) => {
            const n = r.count * this.rowBytes;
            const into = direct ? target.subarray(r.at * this.rowBytes, r.at * this.rowBytes + n) : new Uint8Array(n);
            read(this.fd, into, 0, n, this.base + r.row * this.rowBytes, (err, got) => {
              if (err || got !== n) {
                // A short read (the file shrank) or an error: the synchronous path says which.
                try {
                  readFully(this.fd, into, this.base + r.row * this.rowBytes, this.file);
                } catch (e) {
                  reject(e);
                  return;
                }
              }
              try {
                if (!direct) this.convert(into, r.row, out, r.at);
                resolve();
              } catch (e) {
                reject(e);
              }
            });
          }),
      ),
    );
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
