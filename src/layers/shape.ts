/** Shapes include the batch dimension first, as Keras prints them; `null` is an unknown size. */
export type Dim = number | null;
export type Shape = readonly Dim[];
export type DType = 'float32' | 'int32';

/** A tensor's static description. Never mutated once made. */
export interface TensorSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

export function formatShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/**
 * The largest size nnspec computes with. Beyond 2^53 - 1 a double cannot hold every integer, so a
 * size or count past it would print inexactly; the spec text refuses such integers (NN113) and
 * computed ones are refused too (NN508, by `checkSizes`).
 */
export const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** Whether `d` is a size nnspec can hold exactly: an integer in [0, 2^53 - 1]. */
export function isExactSize(d: number): boolean {
  return Number.isSafeInteger(d) && d >= 0;
}

/**
 * The checked arithmetic every computed size goes through: integer sizes are multiplied and
 * added exactly (BigInt), and the result comes back as a number that is exact when it is within
 * MAX_SIZE; past it, it is a number beyond MAX_SIZE (never a wrong small one), which
 * `checkSizes` refuses. A non-integer operand gives NaN, refused the same way.
 */
export function exact(value: bigint): number {
  return Number(value);
}

function big(d: number): bigint | undefined {
  return Number.isInteger(d) ? BigInt(d) : undefined;
}

/** Product of known dims (exact, see `exact`), or null when any is unknown. */
export function knownProduct(dims: readonly Dim[]): number | null {
  let p = 1n;
  for (const d of dims) {
    if (d === null) return null;
    const b = big(d);
    if (b === undefined) return Number.NaN;
    p *= b;
  }
  return exact(p);
}

/** `a * b + c` over integers, exact (see `exact`). */
export function mulAdd(a: number, b: number, c = 0): number {
  const [x, y, z] = [big(a), big(b), big(c)];
  return x === undefined || y === undefined || z === undefined ? Number.NaN : exact(x * y + z);
}

/** A size for messages: exact when it can be, else its magnitude. */
export function formatSize(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : Number.isFinite(n) ? `about ${n.toExponential(3)}` : String(n);
}

/** Every dim of a computed shape that nnspec cannot hold exactly (see MAX_SIZE), with its axis. */
export function inexactDims(shape: Shape): { axis: number; size: number }[] {
  const out: { axis: number; size: number }[] = [];
  shape.forEach((d, axis) => {
    if (d !== null && !isExactSize(d)) out.push({ axis, size: d });
  });
  return out;
}

/** Normalizes a possibly negative axis against a rank; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Keras `conv_output_length` for one spatial dim (exact integer arithmetic, see `exact`). */
export function convOutputLength(length: Dim, kernel: number, padding: 'valid' | 'same' | 'causal', stride: number, dilation = 1): Dim {
  if (length === null) return null;
  const [n, k, s, d] = [length, kernel, stride, dilation].map(big);
  if (n === undefined || k === undefined || s === undefined || d === undefined || s <= 0n) return Number.NaN;
  const dilated = (k - 1n) * d + 1n;
  const out = padding === 'valid' ? n - dilated + 1n : n;
  return exact(floorDiv(out + s - 1n, s));
}

/** Keras pooling output length (`compute_pooling_output_shape`), exact. */
export function poolOutputLength(length: Dim, pool: number, padding: 'valid' | 'same', stride: number): Dim {
  if (length === null) return null;
  const [n, p, s] = [length, pool, stride].map(big);
  if (n === undefined || p === undefined || s === undefined || s <= 0n) return Number.NaN;
  return exact(padding === 'valid' ? floorDiv(n - p, s) + 1n : floorDiv(n - 1n, s) + 1n);
}

/** Keras `deconv_output_length` for Conv2DTranspose, exact. */
export function deconvOutputLength(length: Dim, kernel: number, padding: 'valid' | 'same', stride: number, dilation = 1, outputPadding: number | null = null): Dim {
  if (length === null) return null;
  const [n, kk, s, d, op] = [length, kernel, stride, dilation, outputPadding ?? 0].map(big);
  if (n === undefined || kk === undefined || s === undefined || d === undefined || op === undefined) return Number.NaN;
  const k = (kk - 1n) * d + 1n;
  if (outputPadding === null) {
    return exact(padding === 'valid' ? n * s + (k > s ? k - s : 0n) : n * s);
  }
  const pad = padding === 'same' ? k / 2n : 0n;
  return exact((n - 1n) * s + k - 2n * pad + op);
}

/** Floor division of bigints (BigInt `/` truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Expands an int-or-tuple argument (Keras `standardize_tuple`). */
export function tuple(value: number | readonly number[], n: number): number[] {
  return typeof value === 'number' ? Array.from({ length: n }, () => value) : [...value];
}

/** Keras `_compute_elemwise_op_output_shape`: right-aligned broadcasting where 1 and None give way. */
export function broadcast(a: Shape, b: Shape): Dim[] | undefined {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const out: Dim[] = long.slice(0, long.length - short.length);
  for (let k = 0; k < short.length; k++) {
    const i = long[long.length - short.length + k]!;
    const j = short[k]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    else if (i !== j) return undefined;
    else out.push(i);
  }
  return out;
}
