/** Ops that move elements without computing on them: concatenation, splits, slices, gathers, padding, tiling. */
import type { Value } from '../graph.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

function constInts(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (!v.data) throw new Error(`internal: ONNX value ${v.name} must be a constant here`);
  return Array.from(v.data as BigInt64Array, Number);
}

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

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
});

/** Split(x, split sizes) along `axis`: one output per size. */
export const Split = defineOp({
  type: 'Split',
  infer: (inputs, attrs) => {
    const x = inputs[0]!;
    const axis = axisOf((attrs.axis as number | undefined) ?? 0, x.shape.length);
    const sizes = constInts(inputs[1]);
    if (!sizes || sizes.reduce((a, b) => a + b, 0) !== x.shape[axis]) throw shapeError('Split', 'split sizes must be given and sum to the axis size', inputs);
    return sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === axis ? s : d)), dtype: x.dtype }));
  },
});

/** Slice(x, starts, ends, axes?, steps?), all constant. */
export const Slice = defineOp({
  type: 'Slice',
  infer: (inputs) => {
    const x = inputs[0]!;
    const starts = constInts(inputs[1])!;
    const ends = constInts(inputs[2])!;
    const axes = constInts(inputs[3]) ?? starts.map((_, i) => i);
    const steps = constInts(inputs[4]) ?? starts.map(() => 1);
    const shape = [...x.shape];
    axes.forEach((a0, k) => {
      const a = axisOf(a0, shape.length);
      const n = x.shape[a]!;
      const step = steps[k]!;
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
      const norm = (v: number) => (v < 0 ? v + n : v);
      if (step > 0) {
        const s = clamp(norm(starts[k]!), 0, n);
        const e = clamp(norm(ends[k]!), 0, n);
        shape[a] = Math.max(0, Math.ceil((e - s) / step));
      } else {
        const s = clamp(norm(starts[k]!), -1, n - 1);
        const e = clamp(norm(ends[k]!), -1, n - 1);
        shape[a] = Math.max(0, Math.ceil((e - s) / step));
      }
    });
    return [{ shape, dtype: x.dtype }];
  },
});

/** Gather(data, indices) along `axis`: data's axis is replaced by the indices' shape. */
export const Gather = defineOp({
  type: 'Gather',
  infer: (inputs, attrs) => {
    const [data, indices] = inputs as Value[];
    const axis = axisOf((attrs.axis as number | undefined) ?? 0, data!.shape.length);
    return [{ shape: [...data!.shape.slice(0, axis), ...indices!.shape, ...data!.shape.slice(axis + 1)], dtype: data!.dtype }];
  },
});

export const Squeeze = defineOp({
  type: 'Squeeze',
  infer: (inputs) => {
    const x = inputs[0]!;
    const axes = (constInts(inputs[1]) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf(a, x.shape.length));
    if (axes.some((a) => x.shape[a] !== 1)) throw shapeError('Squeeze', `axes [${axes.join(',')}] are not all of size 1`, inputs);
    return [{ shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype }];
  },
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
});

export const Tile = defineOp({
  type: 'Tile',
  infer: (inputs) => {
    const x = inputs[0]!;
    const reps = constInts(inputs[1])!;
    return [{ shape: x.shape.map((d, i) => d * reps[i]!), dtype: x.dtype }];
  },
});

/** Pad(x, pads [begin..., end...], constant_value?, axes?); mode attribute (constant by default). */
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
});

export const shapeOps: OpRule[] = [Concat, Split, Slice, Gather, Squeeze, Unsqueeze, Tile, Pad];
