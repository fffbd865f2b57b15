/**
 * Resize (UpSampling, Resizing layers): nearest and linear modes, separable per axis.
 *
 * Along each resized axis the op is a fixed matrix A [out, in] (which input elements, with which
 * weights, each output takes), so its gradient is Aᵀ applied to dy: a MatMul with a constant, or,
 * when every input element is simply repeated s times (UpSampling's nearest), a sum over the
 * repeats. A is computed here the way ONNX Runtime computes its coordinates (the finite-difference
 * test runs ONNX Runtime's own forward against it).
 *
 * TensorFlow.js 4.22's cpu gradients are not a reference here beyond batch 1 and square sizes:
 * ResizeNearestNeighborGrad reads dy at the image's batch offset (wrong for batch > 1: UpSampling2D
 * nearest), ResizeBilinearGrad ignores halfPixelCenters and swaps non-square sizes.
 */
import type { Attrs, OnnxGraph, Value } from '../graph.js';
import { attrStr, constFloats, constInts, defineOp, shapeError, type OpRule } from './rule.js';

interface AxisResize {
  axis: number;
  inSize: number;
  outSize: number;
  scale: number;
}

function resizedAxes(inputs: readonly (Value | undefined)[], attrs: Attrs): AxisResize[] {
  const [x, , scalesV, sizesV] = inputs;
  if (attrs.axes !== undefined) throw shapeError('Resize', 'nnspec gives scales or sizes for every axis (no axes attribute)', inputs);
  const sizes = sizesV ? constInts(sizesV) : undefined;
  const scales = scalesV && scalesV.shape[0] !== 0 ? constFloats(scalesV) : undefined;
  if (!sizes === !scales) throw shapeError('Resize', 'give exactly one of scales and sizes', inputs);
  return x!.shape.map((d, axis) => {
    const outSize = sizes ? sizes[axis]! : Math.floor(d * scales![axis]!);
    return { axis, inSize: d, outSize, scale: scales ? scales[axis]! : outSize / d };
  });
}

/** The input coordinate output position o maps to (ONNX's coordinate_transformation_mode). */
function sourceCoordinate(mode: string, o: number, r: AxisResize): number {
  switch (mode) {
    case 'half_pixel':
      return (o + 0.5) / r.scale - 0.5;
    case 'pytorch_half_pixel':
      return r.outSize > 1 ? (o + 0.5) / r.scale - 0.5 : 0;
    case 'align_corners':
      return r.outSize === 1 ? 0 : (o * (r.inSize - 1)) / (r.outSize - 1);
    case 'asymmetric':
      return o / r.scale;
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / r.scale;
    default:
      throw new Error(`internal: no Resize gradient for coordinate_transformation_mode ${mode}`);
  }
}

function nearest(mode: string, x: number): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new Error(`internal: unknown Resize nearest_mode ${mode}`);
  }
}

/** A [out, in] for one axis, row-major. */
export function interpolationMatrix(r: AxisResize, attrs: Attrs): number[] {
  const mode = attrStr(attrs, 'mode', 'nearest');
  const coord = attrStr(attrs, 'coordinate_transformation_mode', 'half_pixel');
  const a = new Array<number>(r.outSize * r.inSize).fill(0);
  for (let o = 0; o < r.outSize; o++) {
    const src = sourceCoordinate(coord, o, r);
    if (mode === 'nearest') {
      const i = Math.min(Math.max(nearest(attrStr(attrs, 'nearest_mode', 'round_prefer_floor'), src), 0), r.inSize - 1);
      a[o * r.inSize + i] = 1;
    } else if (mode === 'linear') {
      const c = Math.min(Math.max(src, 0), r.inSize - 1);
      const i0 = Math.floor(c);
      const i1 = Math.min(i0 + 1, r.inSize - 1);
      a[o * r.inSize + i0]! += 1 - (c - i0);
      a[o * r.inSize + i1]! += c - i0;
    } else throw new Error(`internal: no Resize gradient for mode ${mode}`);
  }
  return a;
}

/** s when A repeats every input element s times in order (o → floor(o / s)), else undefined. */
function repeats(a: readonly number[], r: AxisResize): number | undefined {
  const s = r.outSize / r.inSize;
  if (!Number.isInteger(s)) return undefined;
  for (let o = 0; o < r.outSize; o++) if (a[o * r.inSize + Math.floor(o / s)] !== 1) return undefined;
  return s;
}

export const Resize = defineOp({
  type: 'Resize',
  infer: (inputs, attrs) => [{ shape: resizedAxes(inputs, attrs).map((r) => r.outSize), dtype: inputs[0]!.dtype }],
  vjp: ({ g, node, dy }) => {
    const rank = node.inputs[0]!.shape.length;
    let d = dy[0]!;
    for (const r of resizedAxes(node.inputs, node.attrs)) {
      if (r.inSize === r.outSize && r.scale === 1) continue;
      d = adjoint(g, d, r, interpolationMatrix(r, node.attrs), rank);
    }
    return [d, undefined, undefined, undefined];
  },
});

/** Applies Aᵀ along r.axis of d. */
function adjoint(g: OnnxGraph, d: Value, r: AxisResize, a: number[], rank: number): Value {
  const s = repeats(a, r);
  if (s !== undefined) {
    const split = d.shape.flatMap((n, i) => (i === r.axis ? [r.inSize, s] : [n]));
    return g.op1('ReduceSum', [g.op1('Reshape', [d, g.ints(split)]), g.ints([r.axis + 1])], { keepdims: 0 });
  }
  const data = d.dtype === 'float64' ? Float64Array.from(a) : Float32Array.from(a);
  if (r.axis === rank - 1) return g.op1('MatMul', [d, g.constant(data, [r.outSize, r.inSize], 'resize')]);
  if (r.axis === rank - 2) {
    const t = new Array<number>(a.length);
    for (let o = 0; o < r.outSize; o++) for (let i = 0; i < r.inSize; i++) t[i * r.outSize + o] = a[o * r.inSize + i]!;
    return g.op1('MatMul', [g.constant(d.dtype === 'float64' ? Float64Array.from(t) : Float32Array.from(t), [r.inSize, r.outSize], 'resize'), d]);
  }
  throw new Error(`internal: the Resize gradient rule resizes the last two axes only (axis ${r.axis} of rank ${rank})`);
}

export const resizeOps: OpRule[] = [Resize];
