/**
 * Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D, DepthwiseConv2D. Keras's channels_last data
 * and kernels are transposed to ONNX's NCHW/OIHW inside the graph; Keras's padding modes become
 * explicit pads ('same': the odd pad at the end, bottom/right; 'causal': all on the left).
 */
import { deconvOutputLength, tuple } from '../../../layers/shape.js';
import type { LayerConfig } from '../../../layers/kind.js';
import type { OnnxGraph, Value } from '../graph.js';
import { activate } from './activations.js';
import { channelsFirst, channelsLast, onnxPads, samePads } from './common.js';
import type { EmitContext, Flow, LayerEmitter } from './emitter.js';

interface Geometry {
  n: number;
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: 'valid' | 'same' | 'causal';
  first: boolean;
}

function geometry(c: LayerConfig, n: number): Geometry {
  return {
    n,
    kernel: tuple(c.kernel_size as number | number[], n),
    strides: tuple(c.strides as number | number[], n),
    dilation: tuple(c.dilation_rate as number | number[], n),
    padding: c.padding as Geometry['padding'],
    first: c.data_format === 'channels_first',
  };
}

/** Explicit ONNX pads for a convolution over spatial sizes `spatial`. */
export function convPads(geo: Geometry, spatial: readonly number[]): number[] {
  const pairs = spatial.map((size, i): [number, number] => {
    const k = (geo.kernel[i]! - 1) * geo.dilation[i]! + 1;
    if (geo.padding === 'same') return samePads(size, k, geo.strides[i]!);
    if (geo.padding === 'causal') return [k - 1, 0];
    return [0, 0];
  });
  return onnxPads(pairs);
}

/** The input in NCHW/NCW, and how to bring a result back to the layer's data format. */
function toOnnxLayout(g: OnnxGraph, x: Value, first: boolean): { x: Value; back: (y: Value) => Value } {
  return first ? { x, back: (y) => y } : { x: channelsFirst(g, x), back: (y) => channelsLast(g, y) };
}

/**
 * The activation on the ONNX-layout result (the bias is already in: Conv's third input), then
 * back to the layer's layout; a softmax over Keras's last axis runs after the move back.
 */
function finish(g: OnnxGraph, c: LayerConfig, y: Value, back: (y: Value) => Value): Flow[] {
  const name = c.activation as string | null;
  if (name === 'softmax' || name === 'log_softmax') return [{ value: activate(g, back(y), name) }];
  return [{ value: back(activate(g, y, name)) }];
}

/** Keras kernel [k..., in, out] → ONNX [out, in, k...]. */
function oihw(g: OnnxGraph, kernel: Value): Value {
  const r = kernel.shape.length;
  return g.op1('Transpose', [kernel], { perm: [r - 1, r - 2, ...Array.from({ length: r - 2 }, (_, i) => i)] });
}

function convN(n: number): LayerEmitter {
  return (c, [input], { g, weight }) => {
    const geo = geometry(c, n);
    const { x, back } = toOnnxLayout(g, input!.value, geo.first);
    const bias = c.use_bias ? weight('bias') : undefined;
    const y = g.op1('Conv', [x, oihw(g, weight('kernel')), bias], { strides: geo.strides, dilations: geo.dilation, pads: convPads(geo, x.shape.slice(2)) });
    return finish(g, c, y, back);
  };
}

/**
 * Keras/TensorFlow transposed convolution: the gradient of a convolution whose input has Keras's
 * output size O. ONNX's full output is s(n-1) + k; TensorFlow's 'same' crops floor(total/2) at
 * the start and the rest at the end, and an output larger than the full one gains zeros at the
 * end (output_padding).
 */
const Conv2DTranspose: LayerEmitter = (c, [input], { g, weight }) => {
  const geo = geometry(c, 2);
  const { x, back } = toOnnxLayout(g, input!.value, geo.first);
  const outPad = c.output_padding === null ? null : tuple(c.output_padding as number | number[], 2);
  const pairs: [number, number][] = [];
  const extra: number[] = [];
  x.shape.slice(2).forEach((size, i) => {
    const s = geo.strides[i]!;
    const k = (geo.kernel[i]! - 1) * geo.dilation[i]! + 1;
    const target = deconvOutputLength(size, geo.kernel[i]!, geo.padding as 'valid' | 'same', s, geo.dilation[i]!, outPad ? outPad[i]! : null) as number;
    const full = s * (size - 1) + k;
    const total = geo.padding === 'same' ? Math.max(full - target, 0) : 0;
    pairs.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
    extra.push(target - (full - total));
  });
  // Keras kernel [kh, kw, out, in] → ONNX ConvTranspose [in, out, kh, kw].
  const w = g.op1('Transpose', [weight('kernel')], { perm: [3, 2, 0, 1] });
  const y = g.op1('ConvTranspose', [x, w, c.use_bias ? weight('bias') : undefined], { strides: geo.strides, dilations: geo.dilation, pads: onnxPads(pairs), output_padding: extra });
  return finish(g, c, y, back);
};

/** Keras depthwise kernel [kh, kw, in, mult] → grouped ONNX kernel [in*mult, 1, kh, kw] (output channel c*mult + m). */
function depthwiseKernel(g: OnnxGraph, k: Value): Value {
  const [kh, kw, cin, mult] = k.shape as [number, number, number, number];
  return g.op1('Transpose', [g.op1('Reshape', [k, g.ints([kh, kw, 1, cin * mult])])], { perm: [3, 2, 0, 1] });
}

function depthwise(g: OnnxGraph, ctx: EmitContext, geo: Geometry, x: Value, bias?: Value): Value {
  const w = depthwiseKernel(g, ctx.weight('depthwise_kernel'));
  return g.op1('Conv', [x, w, bias], { strides: geo.strides, dilations: geo.dilation, pads: convPads(geo, x.shape.slice(2)), group: x.shape[1]! });
}

const DepthwiseConv2D: LayerEmitter = (c, [input], ctx) => {
  const { g } = ctx;
  const geo = geometry(c, 2);
  const { x, back } = toOnnxLayout(g, input!.value, geo.first);
  return finish(g, c, depthwise(g, ctx, geo, x, c.use_bias ? ctx.weight('bias') : undefined), back);
};

/** Depthwise, then a 1x1 pointwise convolution mixing the channels. */
const SeparableConv2D: LayerEmitter = (c, [input], ctx) => {
  const { g } = ctx;
  const geo = geometry(c, 2);
  const { x, back } = toOnnxLayout(g, input!.value, geo.first);
  const y = g.op1('Conv', [depthwise(g, ctx, geo, x), oihw(g, ctx.weight('pointwise_kernel')), c.use_bias ? ctx.weight('bias') : undefined], {});
  return finish(g, c, y, back);
};

export const convEmitters: Record<string, LayerEmitter> = { Conv1D: convN(1), Conv2D: convN(2), Conv2DTranspose, SeparableConv2D, DepthwiseConv2D };
