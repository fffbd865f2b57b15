/**
 * Convolution in ONNX's channels-first layout (N, C, spatial...), any number of spatial axes.
 * Emitters give explicit pads [begin..., end...] (auto_pad is resolved by the shape rule too).
 *
 * Gradients, in the forms the prototype measured fastest in ONNX Runtime
 * (../shared/prototypes/onnx-training-step/README.md):
 * - input: a Conv of dy with the flipped, per-group transposed kernel when the strides are 1
 *   (ConvTranspose otherwise; both are the same linear map);
 * - filter: im2col by a depthwise Conv with a one-hot kernel (one output channel per input
 *   channel and tap), then a batched MatMul with dy, summed over the batch (the columns taken
 *   from dy instead when that side is smaller);
 * - bias: dy summed over the batch and spatial axes.
 */
import type { Attrs, OnnxGraph, Value } from '../graph.js';
import { attrInts, attrStr, constOf, defineOp, shapeError, size, type OpRule } from './rule.js';

export interface Geometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...]. */
  pads: number[];
  /** Output spatial sizes. */
  out: number[];
}

/** Strides, dilations, explicit pads (auto_pad resolved) and output sizes of a window op on `spatial`. */
export function geometry(type: string, spatial: readonly number[], kernel: readonly number[], attrs: Attrs, inputs: readonly (Value | undefined)[]): Geometry {
  const n = spatial.length;
  const strides = attrInts(attrs, 'strides') ?? spatial.map(() => 1);
  const dilations = attrInts(attrs, 'dilations') ?? spatial.map(() => 1);
  const span = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  const autoPad = attrStr(attrs, 'auto_pad', 'NOTSET');
  let pads = attrInts(attrs, 'pads') ?? new Array<number>(2 * n).fill(0);
  if (autoPad === 'VALID') pads = new Array<number>(2 * n).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = spatial.map((d, i) => Math.max(0, (Math.ceil(d / strides[i]!) - 1) * strides[i]! + span[i]! - d));
    const small = total.map((t) => Math.floor(t / 2));
    pads = autoPad === 'SAME_UPPER' ? [...small, ...total.map((t, i) => t - small[i]!)] : [...total.map((t, i) => t - small[i]!), ...small];
  }
  const ceil = attrs.ceil_mode === 1;
  const out = spatial.map((d, i) => {
    const room = d + pads[i]! + pads[i + n]! - span[i]!;
    return (ceil ? Math.ceil(room / strides[i]!) : Math.floor(room / strides[i]!)) + 1;
  });
  if (out.some((d) => d <= 0)) throw shapeError(type, `empty output (kernel [${kernel.join(',')}], pads [${pads.join(',')}])`, inputs);
  return { kernel: [...kernel], strides, dilations, pads, out };
}

const spatialAxes = (rank: number) => Array.from({ length: rank - 2 }, (_, i) => i + 2);

/** dy summed to a bias gradient [C]. */
export function biasGrad(g: OnnxGraph, dy: Value): Value {
  return g.op1('ReduceSum', [dy, g.ints([0, ...spatialAxes(dy.shape.length)])], { keepdims: 0 });
}

/**
 * d loss / d W of y = Conv(x, W) for dy: im2col of x by a one-hot depthwise Conv, then per group
 * a batched MatMul [N, G, Cg·K, P] × [N, G, P, Mg], summed over N. Returns [M, C/G, k...].
 */
export function filterGrad(g: OnnxGraph, x: Value, dy: Value, geo: Geometry, group: number): Value {
  const [n, c] = x.shape as [number, number];
  const m = dy.shape[1]!;
  const taps = size(geo.kernel);
  const p = size(geo.out);
  const flip = flipPads(geo);
  if (taps > 1 && geo.strides.every((s) => s === 1) && flip.every((v) => v >= 0) && m * size(x.shape.slice(2)) < c * p) return filterGradByDy(g, x, dy, geo, group, flip);
  let col: Value;
  if (taps === 1 && geo.pads.every((v) => v === 0)) {
    const strided = geo.strides.some((s) => s > 1);
    const sp = spatialAxes(x.shape.length);
    col = strided ? g.op1('Slice', [x, g.ints(sp.map(() => 0)), g.ints(sp.map((a) => x.shape[a]!)), g.ints(sp), g.ints(geo.strides)]) : x;
  } else {
    const onehot = new Array<number>(c * taps * taps).fill(0);
    for (let ch = 0; ch < c; ch++) for (let t = 0; t < taps; t++) onehot[(ch * taps + t) * taps + t] = 1;
    const e = x.dtype === 'float64' ? Float64Array.from(onehot) : Float32Array.from(onehot);
    const kernel = g.constant(e, [c * taps, 1, ...geo.kernel], 'im2col');
    col = g.op1('Conv', [x, kernel], { kernel_shape: geo.kernel, strides: geo.strides, dilations: geo.dilations, pads: geo.pads, group: c });
  }
  const summed = columnProducts(g, g.op1('Reshape', [col, g.ints([n, group, (c / group) * taps, p])]), g.op1('Reshape', [dy, g.ints([n, group, m / group, p])]));
  return g.op1('Reshape', [g.op1('Transpose', [summed], { perm: [0, 2, 1] }), g.ints([m, c / group, ...geo.kernel])]);
}

/**
 * Σₙ colsₙ · otherₙᵀ for cols [N, G, A, P] and other [N, G, B, P]: [G, A, B]. Either one batched
 * MatMul per sample and a sum of the N products, or, when positions are fewer than B (short
 * sequences, small feature maps), the batch folded into the inner dimension — one MatMul over
 * N·P, at the price of moving cols once instead of writing and summing N products of [A, B].
 */
function columnProducts(g: OnnxGraph, cols: Value, other: Value): Value {
  const [n, group, a, p] = cols.shape as [number, number, number, number];
  const b = other.shape[2]!;
  if (p >= b) {
    const otherT = g.op1('Transpose', [other], { perm: [0, 1, 3, 2] });
    return g.op1('ReduceSum', [g.op1('MatMul', [cols, otherT]), g.ints([0])], { keepdims: 0 });
  }
  const left = g.op1('Reshape', [g.op1('Transpose', [cols], { perm: [1, 2, 0, 3] }), g.ints([group, a, n * p])]);
  const right = g.op1('Reshape', [g.op1('Transpose', [other], { perm: [1, 0, 3, 2] }), g.ints([group, n * p, b])]);
  return g.op1('MatMul', [left, right]);
}

/** Pads of the stride-1 Conv that maps dy back onto x's positions: dilation·(k − 1) − pad. */
function flipPads(geo: Geometry): number[] {
  const nsp = geo.kernel.length;
  return geo.pads.map((pad, i) => geo.dilations[i % nsp]! * (geo.kernel[i % nsp]! - 1) - pad);
}

/**
 * The filter gradient with the im2col on dy's side, for strides 1 when dy has fewer elements than
 * the columns of x would (a Conv1D from 256 embedding channels to 128 filters: half the columns).
 * dW[m, c, t] = Σ x[n, c, i] · dy[n, m, i + pad − t·dilation]: columns of dy shifted by each tap
 * (a one-hot depthwise Conv with the taps reversed and the flipped pads), times x, summed over N.
 */
function filterGradByDy(g: OnnxGraph, x: Value, dy: Value, geo: Geometry, group: number, pads: number[]): Value {
  const [n, c] = x.shape as [number, number];
  const m = dy.shape[1]!;
  const taps = size(geo.kernel);
  const len = size(x.shape.slice(2));
  const onehot = new Array<number>(m * taps * taps).fill(0);
  for (let ch = 0; ch < m; ch++) for (let t = 0; t < taps; t++) onehot[(ch * taps + t) * taps + (taps - 1 - t)] = 1;
  const kernel = g.constant(x.dtype === 'float64' ? Float64Array.from(onehot) : Float32Array.from(onehot), [m * taps, 1, ...geo.kernel], 'im2col');
  const col = g.op1('Conv', [dy, kernel], { kernel_shape: geo.kernel, dilations: geo.dilations, pads, group: m });
  const summed = columnProducts(g, g.op1('Reshape', [col, g.ints([n, group, (m / group) * taps, len])]), g.op1('Reshape', [x, g.ints([n, group, c / group, len])]));
  const split = g.op1('Reshape', [summed, g.ints([group, m / group, taps, c / group])]);
  return g.op1('Reshape', [g.op1('Transpose', [split], { perm: [0, 1, 3, 2] }), g.ints([m, c / group, ...geo.kernel])]);
}

/**
 * d loss / d x of y = Conv(x, W) for dy. Strides 1: Conv(dy, W'), W' the kernel with in/out
 * channels swapped per group and its taps reversed, padded by dilation·(k − 1) − pad. Otherwise
 * ConvTranspose(dy, W), with output_padding for the rows the forward windows never reached.
 */
export function inputGrad(g: OnnxGraph, dy: Value, w: Value, x: Value, geo: Geometry, group: number): Value {
  const nsp = geo.kernel.length;
  const flipped = flipPads(geo);
  if (geo.strides.every((s) => s === 1) && flipped.every((v) => v >= 0)) {
    const [m, cg] = w.shape as [number, number];
    const grouped = g.op1('Reshape', [w, g.ints([group, m / group, cg, ...geo.kernel])]);
    const swapped = g.op1('Reshape', [g.op1('Transpose', [grouped], { perm: [0, 2, 1, ...geo.kernel.map((_, i) => 3 + i)] }), g.ints([group * cg, m / group, ...geo.kernel])]);
    const sp = spatialAxes(w.shape.length);
    const reversed = g.op1('Slice', [swapped, g.ints(sp.map(() => -1)), g.ints(sp.map(() => Number.MIN_SAFE_INTEGER)), g.ints(sp), g.ints(sp.map(() => -1))]);
    return g.op1('Conv', [dy, reversed], { kernel_shape: geo.kernel, dilations: geo.dilations, pads: flipped, group });
  }
  const spatial = x.shape.slice(2);
  const outputPadding = spatial.map((d, i) => (d + geo.pads[i]! + geo.pads[i + nsp]! - geo.dilations[i]! * (geo.kernel[i]! - 1) - 1) % geo.strides[i]!);
  return g.op1('ConvTranspose', [dy, w], { kernel_shape: geo.kernel, strides: geo.strides, dilations: geo.dilations, pads: geo.pads, group, output_padding: outputPadding });
}

const groupOf = (attrs: Attrs) => (attrs.group as number | undefined) ?? 1;

/** X [N, C, ...], W [M, C/group, k...], B [M]? → [N, M, out...]. */
export const Conv = defineOp({
  type: 'Conv',
  infer: (inputs, attrs) => {
    const [x, w] = inputs as Value[];
    if (w!.shape[1]! * groupOf(attrs) !== x!.shape[1]) throw shapeError('Conv', 'kernel channels times group must equal the input channels', inputs);
    const geo = geometry('Conv', x!.shape.slice(2), w!.shape.slice(2), attrs, inputs);
    return [{ shape: [x!.shape[0]!, w!.shape[0]!, ...geo.out], dtype: x!.dtype }];
  },
  vjp: ({ g, node, dy, needs }) => {
    const [x, w] = node.inputs as Value[];
    const geo = geometry('Conv', x!.shape.slice(2), w!.shape.slice(2), node.attrs, node.inputs);
    const group = groupOf(node.attrs);
    return [needs[0] ? inputGrad(g, dy[0]!, w!, x!, geo, group) : undefined, needs[1] ? filterGrad(g, x!, dy[0]!, geo, group) : undefined, needs[2] ? biasGrad(g, dy[0]!) : undefined];
  },
});

/** ConvTranspose's geometry seen as the Conv it is the adjoint of (from its output back to its input). */
function transposedGeometry(x: Value, w: Value, attrs: Attrs, inputs: readonly (Value | undefined)[]): { geo: Geometry; out: number[] } {
  if (attrs.output_shape !== undefined || (attrs.auto_pad !== undefined && attrs.auto_pad !== 'NOTSET')) {
    throw shapeError('ConvTranspose', 'nnspec emits explicit pads and output_padding only (no output_shape, no auto_pad)', inputs);
  }
  const spatial = x.shape.slice(2);
  const kernel = w.shape.slice(2);
  const n = spatial.length;
  const strides = attrInts(attrs, 'strides') ?? spatial.map(() => 1);
  const dilations = attrInts(attrs, 'dilations') ?? spatial.map(() => 1);
  const pads = attrInts(attrs, 'pads') ?? new Array<number>(2 * n).fill(0);
  const outPad = attrInts(attrs, 'output_padding') ?? spatial.map(() => 0);
  const out = spatial.map((d, i) => strides[i]! * (d - 1) + outPad[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - pads[i]! - pads[i + n]!);
  return { geo: { kernel, strides, dilations, pads, out: spatial }, out };
}

/** X [N, C, ...], W [C, M/group, k...], B [M]? → [N, M, out...]: the adjoint of Conv(·, W). */
export const ConvTranspose = defineOp({
  type: 'ConvTranspose',
  infer: (inputs, attrs) => {
    const [x, w] = inputs as Value[];
    if (w!.shape[0] !== x!.shape[1]) throw shapeError('ConvTranspose', 'kernel input channels must equal the input channels', inputs);
    const { out } = transposedGeometry(x!, w!, attrs, inputs);
    if (out.some((d) => d <= 0)) throw shapeError('ConvTranspose', 'empty output', inputs);
    return [{ shape: [x!.shape[0]!, w!.shape[1]! * groupOf(attrs), ...out], dtype: x!.dtype }];
  },
  // y = Convᵀ(x): dx = Conv(dy, W) with the same geometry; dW is Conv's filter gradient with the
  // roles of input and output exchanged (im2col of dy against x).
  vjp: ({ g, node, dy, needs }) => {
    const [x, w] = node.inputs as Value[];
    const { geo } = transposedGeometry(x!, w!, node.attrs, node.inputs);
    const group = groupOf(node.attrs);
    const dx = () => g.op1('Conv', [dy[0]!, w!], { kernel_shape: geo.kernel, strides: geo.strides, dilations: geo.dilations, pads: geo.pads, group });
    return [needs[0] ? dx() : undefined, needs[1] ? filterGrad(g, dy[0]!, x!, geo, group) : undefined, needs[2] ? biasGrad(g, dy[0]!) : undefined];
  },
});

/** A [C, 1, k...] kernel of ones in `like`'s dtype (box sums by depthwise convolution). */
export function onesKernel(g: OnnxGraph, like: Value, channels: number, kernel: readonly number[]): Value {
  return constOf(g, like.dtype, [channels, 1, ...kernel], 1);
}

export const convOps: OpRule[] = [Conv, ConvTranspose];
