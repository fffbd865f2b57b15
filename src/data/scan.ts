/**
 * One streaming pass over an array: the first element failing each of several tests, the ids
 * outside each Embedding's range, and the bytes of the data hash, chunk by chunk, so that the
 * data-vs-spec checks (check.ts) and the digest that guards `--resume` need the file read once
 * and never whole.
 */
import type { Hash } from 'node:crypto';
import type { ArrayData } from './array.js';
import type { ArraySource } from './source.js';
import { forEachChunk } from './source.js';

export interface Found {
  index: number;
  value: number;
}

export interface IdStats {
  limit: number;
  count: number;
  worst?: Found;
}

export interface Scan {
  /** Per test name, the first element failing it (in C order), if any. */
  first: Map<string, Found>;
  ids: IdStats[];
}

/**
 * The same bytes the whole-array digest hashed: each chunk's storage. int64/uint64 arrays are
 * stored as int32 when every value fits and as float64 otherwise, which is known only at the
 * end, so both are hashed (on a copy of the digest so far) and one is kept.
 */
export class HashFeed {
  private wide?: Hash;
  private fits = true;

  constructor(private h: Hash, private readonly int64: boolean) {
    if (int64) this.wide = h.copy();
  }

  add(data: ArrayData): void {
    if (!this.int64) {
      this.h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return;
    }
    const wide = data instanceof Float64Array ? data : Float64Array.from(data);
    this.wide!.update(new Uint8Array(wide.buffer, wide.byteOffset, wide.byteLength));
    if (this.fits && data instanceof Float64Array) this.fits = false;
    if (this.fits) this.h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** The digest to go on with. */
  end(): Hash {
    return this.int64 && !this.fits ? this.wide! : this.h;
  }
}

export function scanArray(source: ArraySource, tests: Map<string, (v: number) => boolean>, limits: number[], hash?: HashFeed): Scan {
  const first = new Map<string, Found>();
  const ids: IdStats[] = limits.map((limit) => ({ limit, count: 0 }));
  let open = [...tests];
  forEachChunk(source, (d, start) => {
    hash?.add(d);
    if (open.length > 0) {
      for (const [name, bad] of open) {
        for (let i = 0; i < d.length; i++) {
          if (bad(d[i]!)) {
            first.set(name, { index: start + i, value: d[i]! });
            break;
          }
        }
      }
      open = open.filter(([name]) => !first.has(name));
    }
    for (const s of ids) {
      for (let i = 0; i < d.length; i++) {
        const v = d[i]!;
        if (v < 0 || v >= s.limit) {
          s.count++;
          if (!s.worst || Math.abs(v) > Math.abs(s.worst.value)) s.worst = { index: start + i, value: v };
        }
      }
    }
  });
  return { first, ids };
}
