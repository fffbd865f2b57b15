/** Convolution cases for the backprop-kernel tests: shapes, strides, paddings and formats to cover. */

export interface ConvCase {
  name: string;
  /** NHWC input shape. */
  input: [number, number, number, number];
  kernel: [number, number];
  /** Output channels (Conv2D) or channel multiplier (depthwise). */
  out: number;
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export const CONV_CASES: ConvCase[] = [
  { name: '3×3 stride 1 same', input: [2, 7, 7, 3], kernel: [3, 3], out: 4, strides: 1, pad: 'same' },
  { name: '3×3 stride 1 valid', input: [2, 7, 6, 3], kernel: [3, 3], out: 4, strides: 1, pad: 'valid' },
  { name: '3×3 stride 2 same, even size', input: [2, 8, 8, 3], kernel: [3, 3], out: 5, strides: 2, pad: 'same' },
  { name: '3×3 stride 2 same, odd size', input: [3, 9, 7, 2], kernel: [3, 3], out: 3, strides: 2, pad: 'same' },
  { name: '3×3 stride 2 valid, unused last row', input: [2, 10, 9, 3], kernel: [3, 3], out: 4, strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 valid (pooling-like)', input: [2, 8, 8, 3], kernel: [2, 2], out: 4, strides: 2, pad: 'valid' },
  { name: '4×4 stride 3 same', input: [1, 11, 10, 2], kernel: [4, 4], out: 3, strides: 3, pad: 'same' },
  { name: '1×1 stride 2 valid (taps miss a phase)', input: [2, 7, 8, 3], kernel: [1, 1], out: 4, strides: 2, pad: 'valid' },
  { name: '3×5 strides [2, 1] same', input: [2, 9, 8, 3], kernel: [3, 5], out: 4, strides: [2, 1], pad: 'same' },
  { name: '5×2 strides [1, 2] valid', input: [2, 9, 8, 3], kernel: [5, 2], out: 2, strides: [1, 2], pad: 'valid' },
  { name: 'conv1d-shaped 1×5 stride 2 same', input: [3, 1, 20, 4], kernel: [1, 5], out: 6, strides: [1, 2], pad: 'same' },
  { name: 'conv1d-shaped 1×3 stride 1 valid, 1 channel', input: [4, 1, 16, 1], kernel: [1, 3], out: 8, strides: 1, pad: 'valid' },
  { name: 'explicit pad 1, stride 2, floor', input: [2, 8, 7, 3], kernel: [3, 3], out: 4, strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { name: 'filter as large as the input', input: [2, 5, 5, 3], kernel: [5, 5], out: 4, strides: 1, pad: 'valid' },
  { name: 'wide channels', input: [2, 6, 6, 16], kernel: [3, 3], out: 24, strides: 1, pad: 'same' },
];

/**
 * Dilated cases (stride 1). tfjs's gradients never pass a dilation to the backprop kernels (they reject
 * dilated convolutions), but the depthwise kernels take one and ours honour it in all four.
 */
export const DILATED_CASES: ConvCase[] = [
  { name: '3×3 dilation 2 same', input: [2, 9, 9, 3], kernel: [3, 3], out: 2, strides: 1, pad: 'same', dilations: 2 },
  { name: '3×2 dilation [2, 3] valid', input: [2, 10, 11, 2], kernel: [3, 2], out: 1, strides: 1, pad: 'valid', dilations: [2, 3] },
];

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * A dilated filter's taps inside the undilated filter with the same footprint (zeros between taps),
 * on which the cpu backend's own kernels (which ignore dilation) give the reference: pairs of
 * element offsets (in the [kh, kw, c, m] filter, in the wide one) of blocks of `block` values.
 */
export function dilatedTaps(filterShape: number[], dilations: number | [number, number]) {
  const [kh, kw, c, m] = filterShape as [number, number, number, number];
  const [dh, dw] = pair(dilations);
  const wide = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, c, m];
  const offsets: [number, number][] = [];
  for (let r = 0; r < kh; r++) for (let col = 0; col < kw; col++) offsets.push([(r * kw + col) * c * m, (r * dh * wide[1]! + col * dw) * c * m]);
  return { wide, offsets, block: c * m };
}

/** The wide filter's gradient cut down to the dilated filter's taps. */
export function narrowFilter(wideValues: ArrayLike<number>, taps: ReturnType<typeof dilatedTaps>): Float32Array {
  const out = new Float32Array(taps.offsets.length * taps.block);
  for (const [to, from] of taps.offsets) for (let k = 0; k < taps.block; k++) out[to + k] = wideValues[from + k]!;
  return out;
}

/** The dilated filter spread into the wide one. */
export function widenFilter(values: ArrayLike<number>, taps: ReturnType<typeof dilatedTaps>): Float32Array {
  const out = new Float32Array(taps.wide.reduce((a, b) => a * b, 1));
  for (const [from, to] of taps.offsets) for (let k = 0; k < taps.block; k++) out[to + k] = values[from + k]!;
  return out;
}
