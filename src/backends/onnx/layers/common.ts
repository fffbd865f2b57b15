/** Small ONNX idioms the layer emitters share: layouts, bias, Keras padding, masks, zeros. */
import type { OnnxGraph, Value } from '../graph.js';

/** A float attribute, even for an integral value (ONNX would read `1` as an INT attribute). */
export const f = (x: number) => ({ float: x });

/** NHWC/NWC (Keras) → NCHW/NCW (ONNX): channels from last to axis 1. */
export function channelsFirst(g: OnnxGraph, x: Value): Value {
  const r = x.shape.length;
  return g.op1('Transpose', [x], { perm: [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)] });
}

/** NCHW/NCW → NHWC/NWC. */
export function channelsLast(g: OnnxGraph, x: Value): Value {
  const r = x.shape.length;
  return g.op1('Transpose', [x], { perm: [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1] });
}

/** Adds a per-channel bias on `axis` (the last axis unless given). */
export function addBias(g: OnnxGraph, x: Value, bias: Value, axis = x.shape.length - 1): Value {
  const b = axis === x.shape.length - 1 ? bias : g.op1('Reshape', [bias, g.ints([bias.shape[0]!, ...Array.from({ length: x.shape.length - 1 - axis }, () => 1)])]);
  return g.op1('Add', [x, b]);
}

/**
 * Keras/TensorFlow 'same' padding for one spatial axis: the output is ceil(n / stride) and the
 * odd pad goes to the end (bottom/right). `k` is the dilated window size.
 */
export function samePads(n: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + k - n, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX `pads` ([begins..., ends...]) from per-axis pairs. */
export function onnxPads(pairs: readonly (readonly [number, number])[]): number[] {
  return [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])];
}

/** Zeros shaped like `x`, computed from it so that no batch size is baked into the graph. */
export function zerosLike(g: OnnxGraph, x: Value): Value {
  return g.op1('Mul', [x, g.scalar(0)]);
}

/** Columns [from, to) of the last axis. */
export function lastAxisSlice(g: OnnxGraph, x: Value, from: number, to: number): Value {
  return g.op1('Slice', [x, g.ints([from]), g.ints([to]), g.ints([x.shape.length - 1])]);
}

/** Splits the last axis into `n` equal blocks. */
export function splitLast(g: OnnxGraph, x: Value, n: number): Value[] {
  const size = x.shape[x.shape.length - 1]! / n;
  return g.op('Split', [x, g.ints(Array.from({ length: n }, () => size))], { axis: x.shape.length - 1 });
}

/** A bool mask as float 0/1. */
export function maskToFloat(g: OnnxGraph, mask: Value): Value {
  return g.op1('Cast', [mask], { to: 1 });
}

/** Keras merges of masks: all of the inputs' masks (the inputs without one do not restrict). */
export function andMasks(g: OnnxGraph, masks: readonly (Value | undefined)[]): Value | undefined {
  const present = masks.filter((m): m is Value => m !== undefined);
  if (present.length === 0) return undefined;
  return present.slice(1).reduce((a, b) => g.op1('And', [a, b]), present[0]!);
}

/** Keras inverted dropout: zero with probability `rate`, the rest scaled by 1 / (1 - rate). `noise` is uniform [0, 1), broadcastable to x. */
export function dropWith(g: OnnxGraph, x: Value, noise: Value, rate: number): Value {
  return g.op1('Where', [g.op1('Less', [noise, g.scalar(rate)]), g.scalar(0), g.op1('Mul', [x, g.scalar(1 / (1 - rate))])]);
}

/** Uniform [0, 1) noise shaped like `like`. */
export function uniformLike(g: OnnxGraph, like: Value, seed: number): Value {
  return g.op1('RandomUniformLike', [like], { low: f(0), high: f(1), seed: f(seed), dtype: 1 });
}
