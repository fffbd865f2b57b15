/**
 * Ops that move elements without computing on them: reshapes, transposes, broadcasts, tiling,
 * concatenation, splits, slices and padding, and the shape queries. Their VJPs move the gradient
 * back the same way (a Slice's is a Pad, a Concat's a Split, a Tile's a sum over the copies).
 *
 * Backward graphs are training-only, so VJPs may bake the batch size into shapes; forward rules
 * must keep working with emitters that avoid it (Reshape's 0 and -1).
 */
import type { OnnxGraph, Value } from '../graph.js';
import type { ElemType } from '../proto.js';
import { unbroadcast } from './broadcast.js';
import { axisOf, constInts, defineOp, fill, shapeError, size, type OpRule } from './rule.js';

/** Reshape to x's shape: the VJP of every op that only relabels axes. */
const reshapeBack = (g: OnnxGraph, dy: Value, x: Value) => (dy.shape.join() === x.shape.join() ? dy : g.op1('Reshape', [dy, g.ints(x.shape)]));

export const Reshape = defineOp({
  type: 'Reshape',
  infer: (inputs) => {
    const [x, s] = inputs as Value[];
    const target = constInts(s)!;
    const total = size(x!.shape);
    const out = target.map((d, i) => (d === 0 ? x!.shape[i]! : d));
    const known = size(out.filter((d) => d !== -1));
    const shape = out.map((d) => (d === -1 ? total / known : d));
    if (size(shape) !== total || !shape.every(Number.isInteger)) throw shapeError('Reshape', `cannot reshape to [${target.join(',')}]`, inputs);
    return [{ shape, dtype: x!.dtype }];
  },
  vjp: ({ g, node, dy }) => [reshapeBack(g, dy[0]!, node.inputs[0]!), undefined],
});

/** [d0·…·d(axis−1), d(axis)·…]. */
export const Flatten = defineOp({
  type: 'Flatten',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const axis = axisOf((attrs.axis as number | undefined) ?? 1, x.shape.length);
    return [{ shape: [size(x.shape.slice(0, axis)), size(x.shape.slice(axis))], dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => [reshapeBack(g, dy[0]!, node.inputs[0]!)],
});

export const Squeeze = defineOp({
  type: 'Squeeze',
  infer: (inputs) => {
    const x = inputs[0]!;
    const axes = (constInts(inputs[1]) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf(a, x.shape.length));
    if (axes.some((a) => x.shape[a] !== 1)) throw shapeError('Squeeze', `axes [${axes.join(',')}] are not all of size 1`, inputs);
    return [{ shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => [reshapeBack(g, dy[0]!, node.inputs[0]!), undefined],
});

export const Unsqueeze = defineOp({
  type: 'Unsqueeze',
  infer: (inputs) => {
    const x = inputs[0]!;
    const rank = x.shape.length + constInts(inputs[1])!.length;
    const axes = constInts(inputs[1])!.map((a) => axisOf(a, rank));
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!);
    return [{ shape, dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => [reshapeBack(g, dy[0]!, node.inputs[0]!), undefined],
});

const permOf = (x: Value, perm: unknown) => (perm as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);

export const Transpose = defineOp({
  type: 'Transpose',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    return [{ shape: permOf(x, attrs.perm).map((p) => x.shape[p]!), dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const perm = permOf(node.inputs[0]!, node.attrs.perm);
    return [g.op1('Transpose', [dy[0]!], { perm: perm.map((_, i) => perm.indexOf(i)) })];
  },
});

/** Expand(x, shape): NumPy broadcasting of x to shape (ranks may differ). */
export const Expand = defineOp({
  type: 'Expand',
  infer: (inputs) => {
    const [x, s] = inputs as Value[];
    const target = constInts(s)!;
    const rank = Math.max(x!.shape.length, target.length);
    const shape = Array.from({ length: rank }, (_, i) => {
      const a = x!.shape[x!.shape.length - rank + i] ?? 1;
      const b = target[target.length - rank + i] ?? 1;
      if (a !== 1 && b !== 1 && a !== b) throw shapeError('Expand', `cannot expand to [${target.join(',')}]`, inputs);
      return a === 1 ? b : a;
    });
    return [{ shape, dtype: x!.dtype }];
  },
  vjp: ({ g, node, dy }) => [unbroadcast(g, dy[0]!, node.inputs[0]!.shape), undefined],
});

/** Tile(x, repeats): the gradient sums the copies (axis i seen as [repeats_i, d_i]). */
export const Tile = defineOp({
  type: 'Tile',
  infer: (inputs) => {
    const x = inputs[0]!;
    const reps = constInts(inputs[1])!;
    return [{ shape: x.shape.map((d, i) => d * reps[i]!), dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    const reps = constInts(node.inputs[1])!;
    if (reps.every((r) => r === 1)) return [dy[0], undefined];
    const split = g.op1('Reshape', [dy[0]!, g.ints(x.shape.flatMap((d, i) => [reps[i]!, d]))]);
    return [g.op1('ReduceSum', [split, g.ints(x.shape.map((_, i) => 2 * i))], { keepdims: 0 }), undefined];
  },
});

export const Concat = defineOp({
  type: 'Concat',
  infer: (inputs, attrs) => {
    const first = inputs[0]!;
    const axis = axisOf(attrs.axis as number, first.shape.length);
    const shape = [...first.shape];
    for (const v of inputs.slice(1)) {
      if (v!.shape.length !== shape.length || v!.shape.some((d, i) => i !== axis && d !== shape[i])) throw shapeError('Concat', `shapes differ off axis ${axis}`, inputs);
      shape[axis]! += v!.shape[axis]!;
    }
    return [{ shape, dtype: first.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    if (node.inputs.length === 1) return [dy[0]];
    const axis = axisOf(node.attrs.axis as number, dy[0]!.shape.length);
    return g.op('Split', [dy[0]!, g.ints(node.inputs.map((x) => x!.shape[axis]!))], { axis });
  },
});

/** Split(x, sizes?) along `axis`: one output per size, or `num_outputs` equal parts (the last smaller). */
export const Split = defineOp({
  type: 'Split',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const axis = axisOf((attrs.axis as number | undefined) ?? 0, x.shape.length);
    const n = x.shape[axis]!;
    let sizes = constInts(inputs[1]);
    if (!sizes && typeof attrs.num_outputs === 'number') {
      const part = Math.ceil(n / attrs.num_outputs);
      sizes = Array.from({ length: attrs.num_outputs }, (_, i) => Math.min(part, n - i * part));
    }
    if (!sizes || sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((s) => s < 0)) throw shapeError('Split', 'split sizes must be given (or num_outputs) and sum to the axis size', inputs);
    return sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === axis ? s : d)), dtype: x.dtype }));
  },
  // Outputs nothing flowed back to contribute zeros.
  vjp: ({ g, node, dy }) => {
    const axis = axisOf((node.attrs.axis as number | undefined) ?? 0, node.inputs[0]!.shape.length);
    const parts = node.outputs.map((o, i) => dy[i] ?? fill(g, o.dtype, o.shape, 0));
    return [parts.length === 1 ? parts[0] : g.op1('Concat', parts, { axis }), undefined];
  },
});

interface AxisSlice {
  axis: number;
  /** Positions first, first + stride, …, in x (stride > 0), count of them; reversed when the step was negative. */
  first: number;
  stride: number;
  count: number;
  reversed: boolean;
}

/** Slice's starts/ends/axes/steps resolved as ONNX does (negative indices, clamping). */
function sliceAxes(x: Value, inputs: readonly (Value | undefined)[]): AxisSlice[] {
  const starts = constInts(inputs[1])!;
  const ends = constInts(inputs[2])!;
  const axes = constInts(inputs[3]) ?? starts.map((_, i) => i);
  const steps = constInts(inputs[4]) ?? starts.map(() => 1);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  return axes.map((a0, k) => {
    const axis = axisOf(a0, x.shape.length);
    const n = x.shape[axis]!;
    const step = steps[k]!;
    const norm = (v: number) => (v < 0 ? v + n : v);
    const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
    const s = clamp(norm(starts[k]!), lo, hi);
    const e = clamp(norm(ends[k]!), lo, hi);
    const count = Math.max(0, Math.ceil((e - s) / step));
    return { axis, first: step > 0 ? s : s + (count - 1) * step, stride: Math.abs(step), count, reversed: step < 0 };
  });
}

/** Slice(x, starts, ends, axes?, steps?), all constant. */
export const Slice = defineOp({
  type: 'Slice',
  infer: (inputs) => {
    const x = inputs[0]!;
    const shape = [...x.shape];
    for (const s of sliceAxes(x, inputs)) shape[s.axis] = s.count;
    return [{ shape, dtype: x.dtype }];
  },
  // Undo the reversal, spread the strided picks apart with zeros, then pad back to x's extent.
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    const axes = sliceAxes(x, node.inputs);
    if (axes.some((s) => s.count === 0)) return [undefined];
    let d = dy[0]!;
    const rev = axes.filter((s) => s.reversed && s.count > 1);
    if (rev.length > 0) d = g.op1('Slice', [d, g.ints(rev.map(() => -1)), g.ints(rev.map(() => Number.MIN_SAFE_INTEGER)), g.ints(rev.map((s) => s.axis)), g.ints(rev.map(() => -1))]);
    for (const s of axes) if (s.stride > 1 && s.count > 1) d = dilate(g, d, s.axis, s.stride);
    const pads = x.shape.map(() => [0, 0] as [number, number]);
    for (const s of axes) pads[s.axis] = [s.first, x.shape[s.axis]! - s.first - d.shape[s.axis]!];
    return [padZeros(g, d, pads)];
  },
});

/** Inserts stride − 1 zeros between neighbours along `axis`. */
function dilate(g: OnnxGraph, v: Value, axis: number, stride: number): Value {
  const n = v.shape[axis]!;
  const unsqueezed = g.op1('Unsqueeze', [v, g.ints([axis + 1])]);
  const spread = padOneAxis(g, unsqueezed, axis + 1, 0, stride - 1);
  const merged = g.op1('Reshape', [spread, g.ints(v.shape.map((d, i) => (i === axis ? n * stride : d)))]);
  return g.op1('Slice', [merged, g.ints([0]), g.ints([(n - 1) * stride + 1]), g.ints([axis])]);
}

/**
 * Pads with zeros by [begin, end] per axis; skipped when nothing is padded. Pads are always given
 * for every axis: ONNX Runtime 1.30's transpose optimizer mishandles Pad's `axes` input (it
 * permutes the pads as if they covered every axis, and the step fails with "Gather ... indices
 * element out of data bounds").
 */
function padZeros(g: OnnxGraph, v: Value, pads: readonly (readonly [number, number])[]): Value {
  if (pads.every(([b, e]) => b === 0 && e === 0)) return v;
  return g.op1('Pad', [v, g.ints([...pads.map((p) => p[0]), ...pads.map((p) => p[1])])]);
}

/** Zeros before and after one axis (see padZeros: no `axes` input). */
function padOneAxis(g: OnnxGraph, v: Value, axis: number, before: number, after: number): Value {
  return padZeros(g, v, v.shape.map((_, i) => (i === axis ? ([before, after] as const) : ([0, 0] as const))));
}

/** A slice of `v` along one axis. */
function take(g: OnnxGraph, v: Value, axis: number, start: number, end: number): Value {
  return g.op1('Slice', [v, g.ints([start]), g.ints([end]), g.ints([axis])]);
}

function reverse(g: OnnxGraph, v: Value, axis: number): Value {
  return v.shape[axis] === 1 ? v : g.op1('Slice', [v, g.ints([-1]), g.ints([Number.MIN_SAFE_INTEGER]), g.ints([axis]), g.ints([-1])]);
}


/**
 * Pad(x, pads [begin..., end...], constant_value?, axes?), mode constant | reflect | edge.
 * The gradient of a padded border goes back to the elements it copied: none for constant, the
 * mirrored interior for reflect (edge excluded), the first/last element for edge.
 */
export const Pad = defineOp({
  type: 'Pad',
  infer: (inputs) => {
    const x = inputs[0]!;
    const pads = constInts(inputs[1])!;
    const axes = (constInts(inputs[3]) ?? x.shape.map((_, i) => i)).map((a) => axisOf(a, x.shape.length));
    const shape = [...x.shape];
    axes.forEach((a, k) => {
      shape[a] = shape[a]! + pads[k]! + pads[k + axes.length]!;
    });
    return [{ shape, dtype: x.dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0]!;
    const pads = constInts(node.inputs[1])!;
    const axes = (constInts(node.inputs[3]) ?? x.shape.map((_, i) => i)).map((a) => axisOf(a, x.shape.length));
    const mode = (node.attrs.mode as string | undefined) ?? 'constant';
    let d = dy[0]!;
    if (mode === 'constant') {
      // x[i] sits at i + begin in dy; negative pads crop, and cropped elements get no gradient.
      const lost = (p: number) => Math.max(-p, 0);
      const starts = axes.map((_, k) => Math.max(pads[k]!, 0));
      const ends = axes.map((a, k) => x.shape[a]! - lost(pads[k + axes.length]!) + pads[k]!);
      d = g.op1('Slice', [d, g.ints(starts), g.ints(ends), g.ints(axes)]);
      const back = x.shape.map(() => [0, 0] as [number, number]);
      axes.forEach((a, k) => (back[a] = [lost(pads[k]!), lost(pads[k + axes.length]!)]));
      return [padZeros(g, d, back), undefined, undefined, undefined];
    }
    axes.forEach((a, k) => {
      const [b, e, n] = [pads[k]!, pads[k + axes.length]!, x.shape[a]!];
      if (b < 0 || e < 0) throw new Error(`internal: the Pad gradient rule takes no negative pads in ${mode} mode`);
      let sum = take(g, d, a, b, b + n);
      if (mode === 'reflect') {
        if (b > 0) sum = g.op1('Add', [sum, padOneAxis(g, reverse(g, take(g, d, a, 0, b), a), a, 1, n - 1 - b)]);
        if (e > 0) sum = g.op1('Add', [sum, padOneAxis(g, reverse(g, take(g, d, a, b + n, b + n + e), a), a, n - 1 - e, 1)]);
      } else if (mode === 'edge') {
        const edge = (lo: number, hi: number) => g.op1('ReduceSum', [take(g, d, a, lo, hi), g.ints([a])], { keepdims: 1 });
        if (b > 0) sum = g.op1('Add', [sum, padOneAxis(g, edge(0, b), a, 0, n - 1)]);
        if (e > 0) sum = g.op1('Add', [sum, padOneAxis(g, edge(b + n, b + n + e), a, n - 1, 0)]);
      } else throw new Error(`internal: no gradient rule for Pad mode ${mode}`);
      d = sum;
    });
    return [d, undefined, undefined, undefined];
  },
});

/** The shape as an int64 vector (constant-folded: shapes are static here). */
export const Shape = defineOp({
  type: 'Shape',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const r = x.shape.length;
    const start = axisOf((attrs.start as number | undefined) ?? 0, r);
    const end = attrs.end === undefined ? r : Math.min(axisOf(attrs.end as number, r), r);
    const dims = x.shape.slice(start, end);
    return [{ shape: [dims.length], dtype: 'int64', data: BigInt64Array.from(dims.map((d) => BigInt(d))) }];
  },
});

const ONNX_TYPE: Record<number, ElemType> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

/** ConstantOfShape(shape): filled with the `value` attribute's single element (float32 0 by default). */
export const ConstantOfShape = defineOp({
  type: 'ConstantOfShape',
  infer: (inputs, attrs) => {
    const t = (attrs.value as { tensor?: { dataType?: number } } | undefined)?.tensor;
    return [{ shape: constInts(inputs[0])!, dtype: ONNX_TYPE[t?.dataType ?? 1] ?? 'float32' }];
  },
});

export const shapeOps: OpRule[] = [Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand, Tile, Concat, Split, Slice, Pad, Shape, ConstantOfShape];
