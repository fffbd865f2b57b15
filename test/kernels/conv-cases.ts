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

/** Depthwise-only cases: dilation (stride 1), which the Conv2D backprop kernels do not take. */
export const DILATED_CASES: ConvCase[] = [
  { name: '3×3 dilation 2 same', input: [2, 9, 9, 3], kernel: [3, 3], out: 2, strides: 1, pad: 'same', dilations: 2 },
  { name: '3×2 dilation [2, 3] valid', input: [2, 10, 11, 2], kernel: [3, 2], out: 1, strides: 1, pad: 'valid', dilations: [2, 3] },
];

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}
