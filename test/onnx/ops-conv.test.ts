/**
 * VJPs of Conv, ConvTranspose (ops/conv.ts), the pools (pool.ts) and Resize (resize.ts), against
 * finite differences (float32: ONNX Runtime has these kernels in float32 only; convolution is
 * linear in each operand, so a large step is exact) and TensorFlow.js cpu (NHWC, transposed here).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import type { Attrs, OnnxGraph, Value } from '../../src/backends/onnx/graph.js';
import { distinct, gradCheck, type GradCase, type Tf } from './gradcheck.js';

type T = tfTypes.Tensor;
const toNhwc = (tf: Tf, x: T) => tf.transpose(x, [0, 2, 3, 1]);
const toNchw = (tf: Tf, x: T) => tf.transpose(x, [0, 3, 1, 2]);

/** ONNX Conv2D in tfjs: explicit pads [top, left, bottom, right] by tf.pad, groups by splitting channels. */
function tfConv2d(tf: Tf, x: T, w: T, o: { strides?: number[]; pads?: number[]; dilations?: number[]; group?: number } = {}): T {
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const xp = tf.pad(toNhwc(tf, x), [
    [0, 0],
    [pt!, pb!],
    [pl!, pr!],
    [0, 0],
  ]) as tfTypes.Tensor4D;
  const strides = (o.strides ?? [1, 1]) as [number, number];
  const dil = (o.dilations ?? [1, 1]) as [number, number];
  const group = o.group ?? 1;
  const conv = (xi: tfTypes.Tensor4D, wi: T) => tf.conv2d(xi, tf.transpose(wi, [2, 3, 1, 0]) as tfTypes.Tensor4D, strides, 'valid', 'NHWC', dil);
  if (group === 1) return toNchw(tf, conv(xp, w));
  const xs = tf.split(xp, group, 3) as tfTypes.Tensor4D[];
  const ws = tf.split(w, group, 0);
  return toNchw(tf, tf.concat(xs.map((xi, i) => conv(xi, ws[i]!)), 3));
}

const conv = (name: string, x: number[], w: number[], attrs: Attrs, tfo?: Parameters<typeof tfConv2d>[3], bias = false): GradCase => ({
  name,
  inputs: { x: { shape: x }, w: { shape: w }, ...(bias ? { b: { shape: [w[0]!] } } : {}) },
  build: (g, v) => g.op1('Conv', bias ? [v.x!, v.w!, v.b!] : [v.x!, v.w!], { kernel_shape: w.slice(2), ...attrs }),
  tf: tfo && ((tf, v) => {
    const y = tfConv2d(tf, v.x!, v.w!, tfo);
    return bias ? tf.add(y, tf.reshape(v.b!, [1, w[0]!, 1, 1])) : y;
  }),
  dtype: 'float32',
  eps: 0.05,
  fdTol: 1e-3,
});

const CONV: GradCase[] = [
  conv('Conv 3→4 3×3 same', [2, 3, 5, 5], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }, { pads: [1, 1, 1, 1] }, true),
  conv('Conv 3×3 stride 2 pads 1', [2, 3, 5, 5], [4, 3, 3, 3], { pads: [1, 1, 1, 1], strides: [2, 2] }, { pads: [1, 1, 1, 1], strides: [2, 2] }),
  conv('Conv 3×3 stride 2 valid (a row never reached)', [2, 2, 6, 6], [3, 2, 3, 3], { strides: [2, 2] }, { strides: [2, 2] }),
  conv('Conv 3×3 stride 2, Keras same on 6×6 (pads at the end)', [1, 2, 6, 6], [3, 2, 3, 3], { strides: [2, 2], pads: [0, 0, 1, 1] }, { strides: [2, 2], pads: [0, 0, 1, 1] }),
  conv('Conv 2×2 same (extra pad bottom/right)', [2, 2, 4, 5], [3, 2, 2, 2], { pads: [0, 0, 1, 1] }, { pads: [0, 0, 1, 1] }),
  // Finite differences only for dilations: tfjs 4.22 has no conv2d gradient for dilation > 1.
  conv('Conv 3×3 dilation 2', [1, 2, 7, 7], [3, 2, 3, 3], { pads: [2, 2, 2, 2], dilations: [2, 2] }),
  conv('Conv 3×3 dilation 2 stride 2', [1, 2, 8, 8], [3, 2, 3, 3], { pads: [2, 2, 1, 1], dilations: [2, 2], strides: [2, 2] }),
  conv('Conv depthwise (multiplier 2)', [2, 3, 5, 5], [6, 1, 3, 3], { pads: [1, 1, 1, 1], group: 3 }, { pads: [1, 1, 1, 1], group: 3 }, true),
  conv('Conv grouped (2 groups)', [2, 4, 4, 4], [6, 2, 3, 3], { pads: [1, 1, 1, 1], group: 2 }, { pads: [1, 1, 1, 1], group: 2 }),
  // Fewer filters than input channels: the filter gradient takes its columns from dy.
  conv('Conv 3×3 4→2 same (columns from dy)', [2, 4, 5, 5], [2, 4, 3, 3], { pads: [1, 1, 1, 1] }, { pads: [1, 1, 1, 1] }, true),
  conv('Conv 2×2 4→2 same on 4×5 (columns from dy, pads at the end)', [2, 4, 4, 5], [2, 4, 2, 2], { pads: [0, 0, 1, 1] }, { pads: [0, 0, 1, 1] }),
  conv('Conv grouped 4→2 dilation 2 (columns from dy)', [1, 4, 7, 7], [2, 2, 3, 3], { group: 2, dilations: [2, 2], pads: [2, 2, 1, 1] }),
  // Fewer output positions than filters: the filter gradient folds the batch into one MatMul.
  conv('Conv grouped 2×2, 4 positions, 5 filters per group (batch folded)', [2, 4, 3, 3], [10, 2, 2, 2], { group: 2 }, { group: 2 }),
  conv('Conv 1×1', [2, 3, 4, 4], [5, 3, 1, 1], {}, {}, true),
  conv('Conv 1×1 stride 2', [2, 3, 5, 5], [5, 3, 1, 1], { strides: [2, 2] }, { strides: [2, 2] }),
  conv('Conv 1×1 padded (pads beyond the kernel)', [1, 2, 3, 3], [2, 2, 1, 1], { pads: [1, 1, 1, 1] }, { pads: [1, 1, 1, 1] }),
  {
    name: 'Conv1D causal (pads [2, 0])',
    inputs: { x: { shape: [2, 3, 7] }, w: { shape: [4, 3, 3] } },
    build: (g, v) => g.op1('Conv', [v.x!, v.w!], { kernel_shape: [3], pads: [2, 0] }),
    tf: (tf, v) => {
      const x = tf.pad(tf.transpose(v.x!, [0, 2, 1]), [
        [0, 0],
        [2, 0],
        [0, 0],
      ]) as tfTypes.Tensor3D;
      return tf.transpose(tf.conv1d(x, tf.transpose(v.w!, [2, 1, 0]) as tfTypes.Tensor3D, 1, 'valid'), [0, 2, 1]);
    },
    dtype: 'float32',
    eps: 0.05,
    fdTol: 1e-3,
  },
  {
    name: 'Conv1D 6→2 valid (columns from dy)',
    inputs: { x: { shape: [2, 6, 7] }, w: { shape: [2, 6, 3] } },
    build: (g, v) => g.op1('Conv', [v.x!, v.w!], { kernel_shape: [3] }),
    tf: (tf, v) => tf.transpose(tf.conv1d(tf.transpose(v.x!, [0, 2, 1]) as tfTypes.Tensor3D, tf.transpose(v.w!, [2, 1, 0]) as tfTypes.Tensor3D, 1, 'valid'), [0, 2, 1]),
    dtype: 'float32',
    eps: 0.05,
    fdTol: 1e-3,
  },
  {
    name: 'Conv1D 3→8 on 4 steps (batch folded)',
    inputs: { x: { shape: [2, 3, 4] }, w: { shape: [8, 3, 3] } },
    build: (g, v) => g.op1('Conv', [v.x!, v.w!], { kernel_shape: [3] }),
    tf: (tf, v) => tf.transpose(tf.conv1d(tf.transpose(v.x!, [0, 2, 1]) as tfTypes.Tensor3D, tf.transpose(v.w!, [2, 1, 0]) as tfTypes.Tensor3D, 1, 'valid'), [0, 2, 1]),
    dtype: 'float32',
    eps: 0.05,
    fdTol: 1e-3,
  },
  {
    name: 'Conv1D 8→2 same on 4 steps (columns from dy, batch folded)',
    inputs: { x: { shape: [2, 8, 4] }, w: { shape: [2, 8, 3] } },
    build: (g, v) => g.op1('Conv', [v.x!, v.w!], { kernel_shape: [3], pads: [1, 1] }),
    dtype: 'float32',
    eps: 0.05,
    fdTol: 1e-3,
  },
  {
    name: 'Conv3D 2×2×2',
    inputs: { x: { shape: [1, 2, 3, 3, 3] }, w: { shape: [2, 2, 2, 2, 2] } },
    build: (g, v) => g.op1('Conv', [v.x!, v.w!], { kernel_shape: [2, 2, 2], pads: [0, 0, 0, 1, 1, 1] }),
    dtype: 'float32',
    eps: 0.05,
    fdTol: 1e-3,
  },
];

/** ONNX ConvTranspose 2D (group 1) in tfjs: 'valid' conv2dTranspose, then the ONNX pads cropped. */
function tfConvTranspose(tf: Tf, x: T, w: T, s: number, pads: number[], outPad: number): T {
  const [, , h, wd] = x.shape as number[];
  const k = w.shape[2]!;
  const m = w.shape[1]!;
  const full = [s * (h! - 1) + k + outPad, s * (wd! - 1) + k + outPad];
  const y = tf.conv2dTranspose(toNhwc(tf, x) as tfTypes.Tensor4D, tf.transpose(w, [2, 3, 1, 0]) as tfTypes.Tensor4D, [x.shape[0]!, full[0]!, full[1]!, m], s, 'valid');
  const [pt, pl, pb, pr] = pads;
  return toNchw(tf, tf.slice(y, [0, pt!, pl!, 0], [-1, full[0]! - pt! - pb!, full[1]! - pl! - pr!, -1]));
}

const convT = (name: string, x: number[], w: number[], attrs: Attrs, tfo?: { s: number; pads: number[]; outPad: number }): GradCase => ({
  name,
  inputs: { x: { shape: x }, w: { shape: w } },
  build: (g, v) => g.op1('ConvTranspose', [v.x!, v.w!], { kernel_shape: w.slice(2), ...attrs }),
  tf: tfo && ((tf, v) => tfConvTranspose(tf, v.x!, v.w!, tfo.s, tfo.pads, tfo.outPad)),
  dtype: 'float32',
  eps: 0.05,
  fdTol: 1e-3,
});

const CONV_T: GradCase[] = [
  convT('ConvTranspose 3×3 stride 2, Keras same (pads 1, output_padding 1)', [2, 3, 3, 3], [3, 2, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, { s: 2, pads: [1, 1, 1, 1], outPad: 1 }),
  convT('ConvTranspose 3×3 stride 1 pads 1', [1, 2, 4, 4], [2, 3, 3, 3], { pads: [1, 1, 1, 1] }, { s: 1, pads: [1, 1, 1, 1], outPad: 0 }),
  convT('ConvTranspose 2×2 stride 2 valid', [2, 2, 3, 3], [2, 2, 2, 2], { strides: [2, 2] }, { s: 2, pads: [0, 0, 0, 0], outPad: 0 }),
  convT('ConvTranspose grouped, dilated', [1, 4, 3, 3], [4, 1, 2, 2], { group: 2, dilations: [2, 2], strides: [2, 2], pads: [1, 0, 0, 1] }),
];

const pool = (name: string, type: string, x: number[], attrs: Attrs, tfPool?: (tf: Tf, x: tfTypes.Tensor4D) => T): GradCase => ({
  name,
  inputs: { x: { shape: x, values: distinct(x.reduce((a, b) => a * b, 1)) } },
  build: (g, v) => g.op1(type, [v.x!], attrs),
  tf: tfPool && ((tf, v) => toNchw(tf, tfPool(tf, toNhwc(tf, v.x!) as tfTypes.Tensor4D))),
  dtype: 'float32',
  eps: 2e-3,
  fdTol: 3e-3,
});

/** Average pooling over in-bounds elements only, as tfjs's 'same' forward: a 'valid' sum over a zero-padded x divided by the counts. */
function sameAvg(tf: Tf, x: tfTypes.Tensor4D, k: number, s: number, [pt, pl, pb, pr]: number[]): T {
  const pads: [number, number][] = [
    [0, 0],
    [pt!, pb!],
    [pl!, pr!],
    [0, 0],
  ];
  const sum = (t: tfTypes.Tensor4D) => tf.mul(tf.avgPool(tf.pad(t, pads), k, s, 'valid'), k * k);
  return tf.div(sum(x), sum(tf.onesLike(x)));
}

const POOL: GradCase[] = [
  pool('MaxPool 2×2 stride 2 on 5×5', 'MaxPool', [2, 2, 5, 5], { kernel_shape: [2, 2], strides: [2, 2] }, (tf, x) => tf.maxPool(x, 2, 2, 'valid')),
  pool('MaxPool 3×3 stride 1 same (overlapping)', 'MaxPool', [1, 2, 5, 5], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, (tf, x) => tf.maxPool(x, 3, 1, 'same')),
  pool('MaxPool 3×3 stride 2 same on 6×6', 'MaxPool', [1, 2, 6, 6], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, (tf, x) => tf.maxPool(x, 3, 2, 'same')),
  pool('MaxPool 2×2 stride 2 same on 5×5 (pad at the end)', 'MaxPool', [1, 2, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }, (tf, x) => tf.maxPool(x, 2, 2, 'same')),
  pool('MaxPool 1D 3 stride 2', 'MaxPool', [2, 3, 9], { kernel_shape: [3], strides: [2] }),
  // Ties: the whole gradient goes to the first maximum of the window in row-major order, as
  // tfjs's maxPoolPositions (strict >) and TensorFlow route it.
  {
    ...pool('MaxPool ties, tiling windows', 'MaxPool', [1, 1, 4, 4], { kernel_shape: [2, 2], strides: [2, 2] }, (tf, x) => tf.maxPool(x, 2, 2, 'valid')),
    inputs: { x: { shape: [1, 1, 4, 4], values: [1, 1, 0, 2, 1, 0, 2, 2, 3, 3, 0, 0, 3, 3, 0, 0] } },
    noFd: true,
  },
  {
    ...pool('MaxPool ties, overlapping windows', 'MaxPool', [1, 1, 4, 4], { kernel_shape: [3, 3], strides: [1, 1] }, (tf, x) => tf.maxPool(x, 3, 1, 'valid')),
    inputs: { x: { shape: [1, 1, 4, 4], values: [1, 1, 0, 2, 1, 0, 2, 2, 3, 3, 0, 0, 3, 3, 0, 3] } },
    noFd: true,
  },
  {
    ...pool('MaxPool with its Indices output, overlapping', 'MaxPool', [1, 2, 5, 5], { kernel_shape: [3, 3], strides: [2, 2] }, (tf, x) => tf.maxPool(x, 3, 2, 'valid')),
    build: (g, v) => g.op('MaxPool', [v.x!], { kernel_shape: [3, 3], strides: [2, 2] })[0]!,
  },
  {
    ...pool('MaxPool with its Indices output, tiling', 'MaxPool', [1, 2, 4, 4], { kernel_shape: [2, 2], strides: [2, 2] }, (tf, x) => tf.maxPool(x, 2, 2, 'valid')),
    build: (g, v) => g.op('MaxPool', [v.x!], { kernel_shape: [2, 2], strides: [2, 2] })[0]!,
  },
  pool('AveragePool 2×2 stride 2 on 4×4', 'AveragePool', [2, 2, 4, 4], { kernel_shape: [2, 2], strides: [2, 2] }, (tf, x) => tf.avgPool(x, 2, 2, 'valid')),
  pool('AveragePool 2×2 stride 2 on 5×5', 'AveragePool', [1, 2, 5, 5], { kernel_shape: [2, 2], strides: [2, 2] }, (tf, x) => tf.avgPool(x, 2, 2, 'valid')),
  // tfjs 4.22's avgPool gradient divides by the whole window even where its 'same' forward
  // divided by the in-bounds count (AvgPoolGrad's avgMultiplier), so the reference here is the
  // same function built from a 'valid' pool and the counts.
  pool('AveragePool 3×3 stride 1 same (count excludes pads)', 'AveragePool', [2, 2, 5, 5], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 0 }, (tf, x) => sameAvg(tf, x, 3, 1, [1, 1, 1, 1])),
  pool('AveragePool 3×3 stride 1 pads 1 count_include_pad 1', 'AveragePool', [1, 2, 5, 5], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  pool('AveragePool 3×3 stride 2 same on 6×6', 'AveragePool', [1, 2, 6, 6], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], count_include_pad: 0 }, (tf, x) => sameAvg(tf, x, 3, 2, [0, 0, 1, 1])),
  pool('AveragePool 3×3 stride 2 valid on 7×6', 'AveragePool', [1, 2, 7, 6], { kernel_shape: [3, 3], strides: [2, 2] }, (tf, x) => tf.avgPool(x, 3, 2, 'valid')),
  pool('AveragePool 1D 2 stride 2 on 7', 'AveragePool', [2, 3, 7], { kernel_shape: [2], strides: [2] }),
  pool('GlobalAveragePool', 'GlobalAveragePool', [2, 3, 3, 4], {}, (tf, x) => tf.mean(x, [1, 2], true)),
  pool('GlobalMaxPool', 'GlobalMaxPool', [2, 3, 3, 4], {}, (tf, x) => tf.max(x, [1, 2], true)),
];

const resize = (name: string, x: number[], attrs: Attrs, by: { scales?: number[]; sizes?: number[] }, tfResize?: (tf: Tf, x: tfTypes.Tensor4D) => T): GradCase => ({
  name,
  inputs: { x: { shape: x } },
  build: (g: OnnxGraph, v: Record<string, Value>) =>
    g.op1('Resize', [v.x!, undefined, by.scales ? g.constant(Float32Array.from(by.scales), [by.scales.length]) : undefined, by.sizes ? g.ints(by.sizes) : undefined], attrs),
  tf: tfResize && ((tf, v) => toNchw(tf, tfResize(tf, toNhwc(tf, v.x!) as tfTypes.Tensor4D))),
  dtype: 'float32',
  eps: 0.05,
  fdTol: 1e-3,
});

const RESIZE: GradCase[] = [
  // Batch 1 where tfjs is the reference: tfjs 4.22's resizeNearestNeighbor gradient reads dy at the
  // image's batch offset, wrong for batch > 1; its resizeBilinear gradient swaps non-square sizes.
  resize('Resize nearest ×2 (UpSampling2D: asymmetric, floor)', [1, 2, 3, 4], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, { scales: [1, 1, 2, 2] }, (tf, x) =>
    tf.image.resizeNearestNeighbor(x, [6, 8]),
  ),
  resize('Resize nearest ×2 half_pixel (defaults)', [1, 2, 3, 4], { mode: 'nearest' }, { scales: [1, 1, 2, 2] }),
  resize('Resize nearest ×3 asymmetric round_prefer_floor', [1, 1, 3, 2], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric' }, { scales: [1, 1, 3, 3] }),
  resize('Resize nearest to sizes 5×7', [1, 2, 3, 4], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, { sizes: [1, 2, 5, 7] }, (tf, x) =>
    tf.image.resizeNearestNeighbor(x, [5, 7]),
  ),
  resize('Resize linear ×2 asymmetric (bilinear, no half-pixel centres)', [2, 2, 3, 3], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }, { scales: [1, 1, 2, 2] }, (tf, x) =>
    tf.image.resizeBilinear(x, [6, 6], false, false),
  ),
  // Finite differences only: tfjs 4.22's ResizeBilinearGrad ignores halfPixelCenters.
  resize('Resize linear ×2 half_pixel', [1, 2, 3, 3], { mode: 'linear' }, { scales: [1, 1, 2, 2] }),
  resize('Resize linear ×2 half_pixel, non-square', [1, 2, 3, 4], { mode: 'linear' }, { scales: [1, 1, 2, 2] }),
  resize('Resize linear align_corners to 5×5', [1, 2, 3, 3], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, { sizes: [1, 2, 5, 5] }, (tf, x) =>
    tf.image.resizeBilinear(x, [5, 5], true),
  ),
  resize('Resize linear 1-D ×2', [2, 3, 4], { mode: 'linear' }, { scales: [1, 1, 2] }),
];

describe('Conv and ConvTranspose VJPs', () => {
  for (const c of [...CONV, ...CONV_T]) it(c.name, async () => void (await gradCheck(c)));
});

describe('pooling VJPs', () => {
  for (const c of POOL) it(c.name, async () => void (await gradCheck(c)));
});

describe('Resize VJPs', () => {
  for (const c of RESIZE) it(c.name, async () => void (await gradCheck(c)));
});
