/**
 * An array read by rows on demand: the data set's unit. A source knows its dtype and shape from
 * a header (or from a file read whole, where the format allows nothing else) and hands out row
 * ranges and gathered rows, so what is held in memory is a window, not the file. The first axis
 * counts samples; a row is one sample's elements in C order.
 */
import type { ArrayData, DType, NdArray } from './array.js';

export type HostValues = Float32Array | Int32Array;

export interface ArraySource {
  /** The file as the user names it (a shard's own file for a sharded array's first shard). */
  readonly file: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Elements per row (the product of shape[1:]; 1 for a 1-d array). */
  readonly rowSize: number;
  /** How it is read, for messages and `run.json`: 'streamed', or 'loaded (why)'. */
  readonly access: string;
  /**
   * Rows [from, to) decoded in the file's storage (see NdArray): element k is element
   * `from * rowSize + k` of the array. Throws a DataError for a value the format forbids
   * (NN808, NN809), placed in the whole file.
   */
  rows(from: number, to: number): ArrayData;
  /** Rows `indices[k]` converted into `out[k * rowSize ...]`, synchronously. */
  gather(indices: ArrayLike<number>, out: HostValues): void;
  /** The same, reading in the background (positioned reads on libuv's pool) where the source has a file. */
  gatherAsync(indices: ArrayLike<number>, out: HostValues): Promise<void>;
  close(): void;
}

/** Rows per chunk so that a chunk holds about `bytes` of decoded elements (at least one row). */
export function rowsPerChunk(source: ArraySource, bytes = 1 << 20): number {
  return Math.max(1, Math.floor(bytes / Math.max(1, source.rowSize * 8)));
}

/** Visits the array in chunks of whole rows: `start` is the chunk's first element's flat index. */
export function forEachChunk(source: ArraySource, visit: (data: ArrayData, start: number) => void, bytes?: number): void {
  const rows = source.shape.length === 0 ? 1 : source.shape[0]!;
  if (source.shape.length === 0) {
    visit(source.rows(0, 1), 0);
    return;
  }
  const step = rowsPerChunk(source, bytes);
  for (let from = 0; from < rows; from += step) visit(source.rows(from, Math.min(rows, from + step)), from * source.rowSize);
}

export function rowSizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape.slice(1)) n *= d;
  return n;
}

/** An array already in memory (a .csv, .json or compressed .npz entry, which must be read whole). */
export function memorySource(file: string, array: NdArray, why: string): ArraySource {
  const rowSize = rowSizeOf(array.shape);
  const data = array.data;
  return {
    file,
    dtype: array.dtype,
    shape: array.shape,
    rowSize,
    access: `loaded (${why}, ${data.byteLength} bytes)`,
    rows: (from, to) => data.subarray(from * rowSize, to * rowSize),
    gather(indices, out) {
      for (let k = 0; k < indices.length; k++) {
        const at = indices[k]! * rowSize;
        if (data instanceof out.constructor) out.set(data.subarray(at, at + rowSize) as HostValues, k * rowSize);
        else for (let j = 0; j < rowSize; j++) out[k * rowSize + j] = data[at + j]!;
      }
    },
    async gatherAsync(indices, out) {
      this.gather(indices, out);
    },
    close() {},
  };
}

/** Several sources with the same dtype and per-sample shape, read as one array (shards in order). */
export function concatSource(file: string, parts: ArraySource[]): ArraySource {
  const first = parts[0]!;
  const starts: number[] = [];
  let rows = 0;
  for (const p of parts) {
    starts.push(rows);
    rows += p.shape[0]!;
  }
  const rowSize = first.rowSize;
  const partOf = (row: number): number => {
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Indices split by shard, keeping each one's place in the batch.
  const split = (indices: ArrayLike<number>): Map<number, { rows: number[]; at: number[] }> => {
    const by = new Map<number, { rows: number[]; at: number[] }>();
    for (let k = 0; k < indices.length; k++) {
      const p = partOf(indices[k]!);
      let e = by.get(p);
      if (!e) by.set(p, (e = { rows: [], at: [] }));
      e.rows.push(indices[k]! - starts[p]!);
      e.at.push(k);
    }
    return by;
  };
  const scatter = (out: HostValues, part: HostValues, at: number[]) => {
    for (let j = 0; j < at.length; j++) out.set(part.subarray(j * rowSize, (j + 1) * rowSize), at[j]! * rowSize);
  };
  return {
    file,
    dtype: first.dtype,
    shape: [rows, ...first.shape.slice(1)],
    rowSize,
    access: `${parts.length} shards, ${first.access.startsWith('streamed') ? 'streamed' : 'loaded'}`,
    rows(from, to) {
      const a = partOf(from);
      const b = partOf(Math.max(from, to - 1));
      if (a === b) return parts[a]!.rows(from - starts[a]!, to - starts[a]!);
      const chunks: ArrayData[] = [];
      for (let p = a; p <= b; p++) chunks.push(parts[p]!.rows(Math.max(0, from - starts[p]!), Math.min(parts[p]!.shape[0]!, to - starts[p]!)));
      const same = chunks.every((c) => c.constructor === chunks[0]!.constructor);
      const Ctor = same ? (chunks[0]!.constructor as new (n: number) => ArrayData) : Float64Array;
      const out = new Ctor((to - from) * rowSize);
      let at = 0;
      for (const c of chunks) {
        // Storage differs between shards only for int64 (Int32Array or Float64Array): widened then.
        if (c.constructor === Ctor) out.set(c as never, at);
        else for (let j = 0; j < c.length; j++) out[at + j] = c[j]!;
        at += c.length;
      }
      return out;
    },
    gather(indices, out) {
      for (const [p, e] of split(indices)) {
        const part = new (out.constructor as new (n: number) => HostValues)(e.rows.length * rowSize);
        parts[p]!.gather(e.rows, part);
        scatter(out, part, e.at);
      }
    },
    async gatherAsync(indices, out) {
      await Promise.all(
        [...split(indices)].map(async ([p, e]) => {
          const part = new (out.constructor as new (n: number) => HostValues)(e.rows.length * rowSize);
          await parts[p]!.gatherAsync(e.rows, part);
          scatter(out, part, e.at);
        }),
      );
    },
    close() {
      for (const p of parts) p.close();
    },
  };
}
