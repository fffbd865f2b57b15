/**
 * An n-d array as read from a data file: C-order values in a typed array, the file's dtype kept
 * as a label. Storage is chosen so that nothing is lost in reading and so that the common cases
 * (float32, int32, bool) hand their buffer to `tf.tensor(data, shape, dtype)` without a copy.
 */

/** The dtype the file declared (NumPy names). */
export type DType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

export type ArrayData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * `data.length` is the product of `shape` (1 for a 0-d array). Storage per dtype:
 * bool → Uint8Array of 0/1; intN/uintN (N ≤ 32) → the matching typed array; float16 → Float32Array
 * (exact); float32 → Float32Array; float64 → Float64Array; int64/uint64 → Int32Array when every
 * value fits in int32, otherwise Float64Array (every value is within ±(2^53 − 1), so exact).
 */
export interface NdArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: ArrayData;
}

/** The element count of a shape (1 for a 0-d shape). Callers have already bounded it. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** NumPy's spelling of a shape, as users see it in Python: (3,), (2, 4), (). */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Picks the storage for integer values read from text or int64: Int32Array when all fit. */
export function integerStorage(values: ArrayLike<number>): Int32Array | Float64Array {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0x7fffffff || v < -0x80000000) return Float64Array.from(values);
  }
  return Int32Array.from(values);
}
