/**
 * Pooling in the channels-first layout: MaxPool (with its Indices output), AveragePool, the
 * global pools, and MaxUnpool (a gradient building block).
 *
 * MaxPool's gradient goes to the element its Indices output names: the first maximum of the window
 * in row-major order, as in TensorFlow.js (maxPoolPositions keeps the first of equal values) and
 * TensorFlow. Non-overlapping windows put dy back with MaxUnpool; overlapping ones, where two
 * windows may pick the same element, add with ScatterElements.
 */
import type { OnnxGraph, Value } from '../graph.js';
import { geometry, onesKernel, type Geometry } from './conv.js';
import { where0 } from './elementwise.js';
import { attrInts, defineOp, fill, scalarOf, shapeError, size, type OpRule } from './rule.js';

function poolGeometry(type: string, x: Value, attrs: Parameters<typeof geometry>[3], inputs: readonly (Value | undefined)[]): Geometry {
  const kernel = attrInts(attrs, 'kernel_shape');
  if (!kernel || kernel.length !== x.shape.length - 2) throw shapeError(type, 'kernel_shape must name every spatial axis', inputs);
  return geometry(type, x.shape.slice(2), kernel, attrs, inputs);
}

const nonOverlapping = (geo: Geometry) => geo.kernel.every((k, i) => geo.strides[i]! >= (k - 1) * geo.dilations[i]! + 1);

/** X [N, C, ...] → Y [N, C, out...], Indices int64 (flat positions in X). */
export const MaxPool = defineOp({
  type: 'MaxPool',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const geo = poolGeometry('MaxPool', x, attrs, inputs);
    const shape = [...x.shape.slice(0, 2), ...geo.out];
    return [
      { shape, dtype: x.dtype },
      { shape, dtype: 'int64' },
    ];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    if (node.attrs.storage_order === 1) throw new Error('internal: the MaxPool gradient rule takes storage_order 0');
    const geo = poolGeometry('MaxPool', x, node.attrs, node.inputs);
    // Emitted without Indices (op1: they make ONNX Runtime's MaxPool about 4× slower, so inference
    // graphs leave them out), a second MaxPool computes them here. Measured on the conv benchmark's
    // step, as fast as adding the Indices output to the forward node (bench/onnx-step-profile.mjs),
    // and cheaper than an equality mask, which is not exact on ties.
    const indices = node.outputs[1] ?? g.op('MaxPool', [x], node.attrs)[1]!;
    const d = dy[0]!;
    if (nonOverlapping(geo) && geo.dilations.every((v) => v === 1)) {
      return [g.op1('MaxUnpool', [d, indices, g.ints(x.shape)], { kernel_shape: geo.kernel, strides: geo.strides, pads: geo.pads })];
    }
    const flat = g.op1('ScatterElements', [fill(g, d.dtype, [size(x.shape)], 0), g.op1('Reshape', [indices, g.ints([-1])]), g.op1('Reshape', [d, g.ints([-1])])], {
      axis: 0,
      reduction: 'add',
    });
    return [g.op1('Reshape', [flat, g.ints(x.shape)])];
  },
});

/** Per output position, 1 / (the number of its window's elements inside x): count_include_pad 0. */
function inverseCounts(geo: Geometry, spatial: readonly number[]): number[] {
  const n = spatial.length;
  const perAxis = spatial.map((d, i) =>
    Array.from({ length: geo.out[i]! }, (_, o) => {
      const start = o * geo.strides[i]! - geo.pads[i]!;
      return Math.min(start + geo.kernel[i]!, d) - Math.max(start, 0);
    }),
  );
  const out: number[] = [];
  const walk = (axis: number, count: number) => {
    if (axis === n) return void out.push(1 / count);
    for (const c of perAxis[axis]!) walk(axis + 1, count * c);
  };
  walk(0, 1);
  return out;
}

/**
 * X [N, C, ...] → [N, C, out...]; count_include_pad 0 (Keras's 'same') divides each window by
 * its elements inside x. Gradient: dy / count spread back over each window — by Expand when the
 * windows tile x exactly, a stride-1 box sum (AveragePool with the complementary pads) or a
 * depthwise ConvTranspose of ones otherwise.
 *
 * TensorFlow.js 4.22's cpu AvgPoolGrad divides by the whole window even where its 'same' forward
 * divided by the in-bounds count, so for padded windows its gradient differs from this one at the
 * borders; this one is the derivative of the forward (finite differences) and TensorFlow's.
 */
export const AveragePool = defineOp({
  type: 'AveragePool',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const geo = poolGeometry('AveragePool', x, attrs, inputs);
    return [{ shape: [...x.shape.slice(0, 2), ...geo.out], dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    if (node.attrs.ceil_mode === 1) throw new Error('internal: the AveragePool gradient rule takes ceil_mode 0');
    const geo = poolGeometry('AveragePool', x, node.attrs, node.inputs);
    const spatial = x.shape.slice(2);
    const nsp = spatial.length;
    const padded = geo.pads.some((p) => p > 0);
    const taps = size(geo.kernel);
    const d = dy[0]!;
    const scaled =
      padded && node.attrs.count_include_pad !== 1
        ? g.op1('Mul', [d, g.constant(d.dtype === 'float64' ? Float64Array.from(inverseCounts(geo, spatial)) : Float32Array.from(inverseCounts(geo, spatial)), [1, 1, ...geo.out])])
        : g.op1('Mul', [d, scalarOf(g, d, 1 / taps)]);
    if (!padded && geo.kernel.every((k, i) => geo.strides[i] === k)) return [spreadTiles(g, scaled, x, geo)];
    const back = geo.pads.map((p, i) => geo.kernel[i % nsp]! - 1 - p);
    if (geo.strides.every((s) => s === 1) && back.every((p) => p >= 0)) {
      const box = g.op1('AveragePool', [scaled], { kernel_shape: geo.kernel, pads: back, count_include_pad: 1 });
      return [g.op1('Mul', [box, scalarOf(g, box, taps)])];
    }
    const outputPadding = spatial.map((s, i) => (s + geo.pads[i]! + geo.pads[i + nsp]! - geo.kernel[i]!) % geo.strides[i]!);
    const c = x.shape[1]!;
    return [g.op1('ConvTranspose', [scaled, onesKernel(g, x, c, geo.kernel)], { kernel_shape: geo.kernel, strides: geo.strides, pads: geo.pads, group: c, output_padding: outputPadding })];
  },
});

/** Windows that tile x (stride = kernel, no pads): each dy value copied over its window, zeros past the last window. */
function spreadTiles(g: OnnxGraph, d: Value, x: Value, geo: Geometry): Value {
  const lead = x.shape.slice(0, 2);
  const split = [...lead, ...geo.out.flatMap((o) => [o, 1])];
  const tiled = [...lead, ...geo.out.flatMap((o, i) => [o, geo.kernel[i]!])];
  const spread = g.op1('Reshape', [g.op1('Expand', [g.op1('Reshape', [d, g.ints(split)]), g.ints(tiled)]), g.ints([...lead, ...geo.out.map((o, i) => o * geo.kernel[i]!)])]);
  const rest = x.shape.slice(2).map((s, i) => s - geo.out[i]! * geo.kernel[i]!);
  if (rest.every((r) => r === 0)) return spread;
  return g.op1('Pad', [spread, g.ints([...lead.map(() => 0), ...rest.map(() => 0), ...lead.map(() => 0), ...rest])]);
}

/** X [N, C, ...] → [N, C, 1...]. */
const globalInfer = (inputs: readonly (Value | undefined)[]) => [{ shape: [...inputs[0]!.shape.slice(0, 2), ...inputs[0]!.shape.slice(2).map(() => 1)], dtype: inputs[0]!.dtype }];

export const GlobalAveragePool = defineOp({
  type: 'GlobalAveragePool',
  infer: globalInfer,
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    return [g.op1('Expand', [g.op1('Mul', [dy[0]!, scalarOf(g, dy[0]!, 1 / size(x.shape.slice(2)))]), g.ints(x.shape)])];
  },
});

/** Every element equal to its channel's maximum receives dy (as ReduceMax; ties are measure-zero). */
export const GlobalMaxPool = defineOp({
  type: 'GlobalMaxPool',
  infer: globalInfer,
  vjp: ({ g, node, dy }) => [where0(g, g.op1('Equal', [node.inputs[0]!, node.outputs[0]!]), dy[0]!)],
});

/** MaxUnpool(X, I, output_shape?): X's values written at the flat positions I into zeros. */
export const MaxUnpool = defineOp({
  type: 'MaxUnpool',
  infer: (inputs, attrs) => {
    const [x, , shape] = inputs;
    if (shape?.data) return [{ shape: Array.from(shape.data as BigInt64Array, Number), dtype: x!.dtype }];
    const kernel = attrInts(attrs, 'kernel_shape')!;
    const strides = attrInts(attrs, 'strides') ?? kernel.map(() => 1);
    const pads = attrInts(attrs, 'pads') ?? [...kernel, ...kernel].map(() => 0);
    const n = kernel.length;
    return [{ shape: [...x!.shape.slice(0, 2), ...x!.shape.slice(2).map((d, i) => (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + n]!)], dtype: x!.dtype }];
  },
});

export const poolOps: OpRule[] = [MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, MaxUnpool];
