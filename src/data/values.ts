/**
 * Collects the values of a text data file (.json, .csv) and picks their dtype, the same way for
 * both: booleans → bool; integers written without '.' or exponent → int32 when all fit, else
 * int64 (kept exactly, up to 2^53); any other number → float64 (the text's value, unrounded).
 * An empty array is float64, as NumPy makes it.
 */
import type { NdArray } from './array.js';

export class Values {
  private buf = new Float64Array(1024);
  length = 0;
  private integers = true;
  private fitInt32 = true;
  bools = 0;

  push(value: number, integerText: boolean): void {
    if (!integerText) this.integers = false;
    else if (value > 0x7fffffff || value < -0x80000000) this.fitInt32 = false;
    if (this.length === this.buf.length) {
      const grown = new Float64Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.length++] = value;
  }

  pushBool(value: boolean): void {
    this.bools++;
    this.push(value ? 1 : 0, true);
  }

  toArray(shape: number[]): NdArray {
    const values = this.buf.subarray(0, this.length);
    if (this.length === 0) return { dtype: 'float64', shape, data: new Float64Array(0) };
    if (this.bools === this.length) return { dtype: 'bool', shape, data: Uint8Array.from(values) };
    if (!this.integers) return { dtype: 'float64', shape, data: values.slice() };
    return this.fitInt32 ? { dtype: 'int32', shape, data: Int32Array.from(values) } : { dtype: 'int64', shape, data: values.slice() };
  }
}
