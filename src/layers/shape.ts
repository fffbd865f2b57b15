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

/** Product of known dims, or null when any is unknown. */
export function knownProduct(dims: readonly Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Normalizes a possibly negative axis against a rank; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Keras `conv_output_length` for one spatial dim. */
export function convOutputLength(length: Dim, kernel: number, padding: 'valid' | 'same' | 'causal', stride: number, dilation = 1): Dim {
  if (length === null) return null;
  const dilated = (kernel - 1) * dilation + 1;
  const out = padding === 'valid' ? length - dilated + 1 : length;
  return Math.floor((out + stride - 1) / stride);
}

/** Keras pooling output length (`compute_pooling_output_shape`). */
export function poolOutputLength(length: Dim, pool: number, padding: 'valid' | 'same', stride: number): Dim {
  if (length === null) return null;
  return padding === 'valid' ? Math.floor((length - pool) / stride) + 1 : Math.floor((length - 1) / stride) + 1;
}

/** Keras `deconv_output_length` for Conv2DTranspose (output_padding unset). */
export function deconvOutputLength(length: Dim, kernel: number, padding: 'valid' | 'same', stride: number, dilation = 1, outputPadding: number | null = null): Dim {
  if (length === null) return null;
  const k = (kernel - 1) * dilation + 1;
  if (outputPadding === null) {
    return padding === 'valid' ? length * stride + Math.max(k - stride, 0) : length * stride;
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (length - 1) * stride + k - 2 * pad + outputPadding;
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
