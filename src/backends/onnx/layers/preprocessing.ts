/**
 * Keras 3's preprocessing layers as ONNX ops. Normalization, Rescaling, the encodings and the
 * resizes are elementwise ops, comparisons and constant matrix products; the augmentation layers
 * (training graphs only; identity otherwise) draw per-image RandomUniformLike values, which the
 * engine feeds from the step's random stream, and sample with GatherElements (its gradient is a
 * scatter-add, so dy reaches layers before them).
 */
import { broadcastStat, keptAxes, NORMALIZATION_EPSILON, perChannel, statShape, type Encoding } from '../../../layers/preprocessing.js';
import {
  centerCropPlan,
  CONTRAST_BOUNDS,
  factorRange,
  imageAxes,
  resizingPlan,
  ROTATION_BOUNDS,
  type FillMode,
  type Interpolation,
  type ResizePlan,
} from '../../../layers/preprocessing-image.js';
import type { OnnxGraph, Value } from '../graph.js';
import { channelsFirst, channelsLast, f } from './common.js';
import type { EmitContext, LayerEmitter } from './emitter.js';

const asFloat = (g: OnnxGraph, x: Value) => (x.dtype === 'float32' ? x : g.op1('Cast', [x], { to: 1 }));
const floats = (g: OnnxGraph, values: readonly number[], shape = [values.length]) => g.constant(Float32Array.from(values), shape);

const Normalization: LayerEmitter = (c, [input], { g, weight }) => {
  const x = asFloat(g, input!.value);
  const axes = (keptAxes(c.axis as never, x.shape.length) as { axes: number[] }).axes;
  const shape = statShape(x.shape, axes);
  const [mean, variance] =
    c.mean === null
      ? [g.op1('Reshape', [weight('mean'), g.ints(shape)]), g.op1('Reshape', [weight('variance'), g.ints(shape)])]
      : [g.constant(broadcastStat(c.mean as never, x.shape, axes), shape), g.constant(broadcastStat(c.variance as never, x.shape, axes), shape)];
  const sd = g.op1('Max', [g.op1('Sqrt', [variance]), g.scalar(NORMALIZATION_EPSILON)]);
  const y = c.invert ? g.op1('Add', [mean, g.op1('Mul', [x, sd])]) : g.op1('Div', [g.op1('Sub', [x, mean]), sd]);
  return [{ value: y }];
};

const Rescaling: LayerEmitter = (c, [input], { g }) => {
  const scaled = g.op1('Mul', [asFloat(g, input!.value), floats(g, perChannel(c.scale as never))]);
  return [{ value: g.op1('Add', [scaled, floats(g, perChannel(c.offset as never))]) }];
};

/** Keras's encode_categorical_inputs on whole-number ids (any dtype): one-hot by comparison with 0..depth-1. */
function encode(g: OnnxGraph, ids: Value, mode: Encoding, depth: number): Value {
  let x = asFloat(g, ids);
  if (mode === 'one_hot' && x.shape.length === 2 && x.shape[1] === 1) x = g.op1('Squeeze', [x, g.ints([1])]);
  if (mode !== 'one_hot' && x.shape.length === 1) x = g.op1('Unsqueeze', [x, g.ints([1])]);
  const hot = g.op1('Cast', [g.op1('Equal', [g.op1('Unsqueeze', [x, g.ints([x.shape.length])]), floats(g, Array.from({ length: depth }, (_, i) => i))])], { to: 1 });
  if (mode === 'one_hot') return hot;
  return g.op1(mode === 'multi_hot' ? 'ReduceMax' : 'ReduceSum', [hot, g.ints([1])], { keepdims: 0 });
}

const CategoryEncoding: LayerEmitter = (c, [x], { g }) => [{ value: encode(g, x!.value, c.output_mode as Encoding, c.num_tokens as number) }];

const Discretization: LayerEmitter = (c, [input], { g }) => {
  const bounds = c.bin_boundaries as number[];
  const x = asFloat(g, input!.value);
  const bins =
    bounds.length === 0
      ? g.op1('Mul', [x, g.scalar(0)])
      : g.op1('ReduceSum', [g.op1('Cast', [g.op1('GreaterOrEqual', [g.op1('Unsqueeze', [x, g.ints([x.shape.length])]), floats(g, bounds)])], { to: 1 }), g.ints([x.shape.length])], { keepdims: 0 });
  if (c.output_mode === 'int') return [{ value: g.op1('Cast', [bins], { to: 6 }) }];
  return [{ value: encode(g, bins, c.output_mode as Encoding, bounds.length + 1) }];
};

/** The image as NHWC, and the way back to its data format. */
function nhwc(g: OnnxGraph, x: Value, format: unknown): [Value, (y: Value) => Value] {
  if (format !== 'channels_first') return [x, (y) => y];
  return [channelsLast(g, x), (y) => channelsFirst(g, y)];
}

/** Crops the plan's window of an NHWC image and resizes it: NCHW, Rows · x · Colsᵀ. */
function applyPlan(g: OnnxGraph, x: Value, plan: ResizePlan): Value {
  const window = g.op1('Slice', [x, g.ints([plan.top, plan.left]), g.ints([plan.top + plan.height, plan.left + plan.width]), g.ints([1, 2])]);
  if (!plan.rows || !plan.cols) return window;
  let y = channelsFirst(g, window);
  y = g.op1('MatMul', [floats(g, plan.rows.flat(), [plan.rows.length, plan.height]), y]);
  const colsT = Array.from({ length: plan.width * plan.cols.length }, (_, i) => plan.cols![i % plan.cols!.length]![Math.floor(i / plan.cols!.length)]!);
  y = g.op1('MatMul', [y, floats(g, colsT, [plan.width, plan.cols.length])]);
  return channelsLast(g, y);
}

const Resizing: LayerEmitter = (c, [input], { g }) => {
  const [x, back] = nhwc(g, asFloat(g, input!.value), c.data_format);
  return [{ value: back(applyPlan(g, x, resizingPlan(x.shape[1]!, x.shape[2]!, c as never))) }];
};

const CenterCrop: LayerEmitter = (c, [input], { g }) => {
  const [x, back] = nhwc(g, asFloat(g, input!.value), c.data_format);
  return [{ value: back(applyPlan(g, x, centerCropPlan(x.shape[1]!, x.shape[2]!, c.height as number, c.width as number))) }];
};

/** Per-image uniform draws in [lo, hi]: [B, 1, 1, 1] (or [B, 1] flat), shaped from x so no batch size is baked in. */
function draw(g: OnnxGraph, x: Value, ctx: EmitContext, lo: number, hi: number, flat = false): Value {
  let like = g.op1('Slice', [x, g.ints([0, 0, 0]), g.ints([1, 1, 1]), g.ints([1, 2, 3])]);
  if (flat) like = g.op1('Reshape', [like, g.ints([0, 1])]);
  return g.op1('RandomUniformLike', [like], { low: f(lo), high: f(hi), seed: f(ctx.seed()), dtype: 1 });
}

const RandomFlip: LayerEmitter = (c, [input], ctx) => {
  const { g } = ctx;
  const x = asFloat(g, input!.value);
  if (!ctx.training) return [{ value: x }];
  const [rows, cols] = imageAxes(c.data_format as never);
  const axes = c.mode === 'horizontal' ? [cols] : c.mode === 'vertical' ? [rows] : [rows, cols];
  let flipped = x;
  for (const axis of axes) {
    const n = x.shape[axis]!;
    flipped = g.op1('Gather', [flipped, g.constant(BigInt64Array.from({ length: n }, (_, i) => BigInt(n - 1 - i)), [n])], { axis });
  }
  // One draw per image flips it on every axis the mode names (Keras: flip when u <= 0.5).
  const flip = g.op1('Cast', [g.op1('LessOrEqual', [draw(g, x, ctx, 0, 1), g.scalar(0.5)])], { to: 1 });
  const kept = g.op1('Sub', [g.scalar(1), flip]);
  return [{ value: g.op1('Add', [g.op1('Mul', [flip, flipped]), g.op1('Mul', [kept, x])]) }];
};

/** Keras's fill_mode on float coordinates holding whole numbers: the index read and, for constant, whether it is inside. */
function fillIndex(g: OnnxGraph, i: Value, n: number, mode: FillMode): { index: Value; inside?: Value } {
  const k = (v: number) => g.scalar(v);
  const clip = () => g.op1('Clip', [i, k(0), k(n - 1)]);
  if (mode === 'constant') {
    const inside = g.op1('Cast', [g.op1('And', [g.op1('GreaterOrEqual', [i, k(0)]), g.op1('LessOrEqual', [i, k(n - 1)])])], { to: 1 });
    return { index: clip(), inside };
  }
  if (mode === 'nearest') return { index: clip() };
  const period = mode === 'wrap' ? n : 2 * n;
  const m = g.op1('Sub', [i, g.op1('Mul', [k(period), g.op1('Floor', [g.op1('Div', [i, k(period)])])])]);
  if (mode === 'wrap') return { index: m };
  return { index: g.op1('Where', [g.op1('Less', [m, k(n)]), m, g.op1('Sub', [k(2 * n - 1), m])]) };
}

/**
 * Keras's affine_transform of NHWC x: coefficients a0..b2, each [B, 1], map output pixel (x, y)
 * to the input point read. Each neighbour is one GatherElements from x flattened to [B, H·W, C].
 */
function affineSample(g: OnnxGraph, x: Value, coef: Value[], interpolation: Interpolation, fill: FillMode, fillValue: number): Value {
  const [, h, w, ch] = x.shape as [number, number, number, number];
  const gx = floats(g, Array.from({ length: h * w }, (_, p) => p % w), [1, h * w]);
  const gy = floats(g, Array.from({ length: h * w }, (_, p) => Math.floor(p / w)), [1, h * w]);
  const lin = (a: Value, b: Value, c: Value) => g.op1('Add', [g.op1('Add', [g.op1('Mul', [a, gx]), g.op1('Mul', [b, gy])]), c]);
  const xin = lin(coef[0]!, coef[1]!, coef[2]!);
  const yin = lin(coef[3]!, coef[4]!, coef[5]!);
  const flat = g.op1('Reshape', [x, g.ints([0, h * w, ch])]);
  const read = (yi: Value, xi: Value, weight: Value | undefined): Value => {
    const r = fillIndex(g, yi, h, fill);
    const c = fillIndex(g, xi, w, fill);
    const index = g.op1('Cast', [g.op1('Add', [g.op1('Mul', [r.index, g.scalar(w)]), c.index])], { to: 7 });
    const expanded = g.op1('Expand', [g.op1('Unsqueeze', [index, g.ints([2])]), g.ints([1, 1, ch])]);
    let v = g.op1('GatherElements', [flat, expanded], { axis: 1 });
    if (r.inside && c.inside) {
      const inside = g.op1('Unsqueeze', [g.op1('Mul', [r.inside, c.inside]), g.ints([2])]);
      v = g.op1('Add', [g.op1('Mul', [v, inside]), g.op1('Mul', [g.op1('Sub', [g.scalar(1), inside]), g.scalar(fillValue)])]);
    }
    return weight ? g.op1('Mul', [v, g.op1('Unsqueeze', [weight, g.ints([2])])]) : v;
  };
  let y: Value;
  if (interpolation === 'nearest') {
    const half = (v: Value) => g.op1('Floor', [g.op1('Add', [v, g.scalar(0.5)])]);
    y = read(half(yin), half(xin), undefined);
  } else {
    const x0 = g.op1('Floor', [xin]);
    const y0 = g.op1('Floor', [yin]);
    const fx = g.op1('Sub', [xin, x0]);
    const fy = g.op1('Sub', [yin, y0]);
    const ox = g.op1('Sub', [g.scalar(1), fx]);
    const oy = g.op1('Sub', [g.scalar(1), fy]);
    const x1 = g.op1('Add', [x0, g.scalar(1)]);
    const y1 = g.op1('Add', [y0, g.scalar(1)]);
    const m = (a: Value, b: Value) => g.op1('Mul', [a, b]);
    y = g.op1('Sum', [read(y0, x0, m(oy, ox)), read(y0, x1, m(oy, fx)), read(y1, x0, m(fy, ox)), read(y1, x1, m(fy, fx))]);
  }
  return g.op1('Reshape', [y, g.ints([0, h, w, ch])]);
}

/** The per-image coefficients of an augmentation from its draws (the meaning is affineOf's in the layer module). */
function coefficients(kind: 'rotation' | 'zoom' | 'translation', c: Record<string, unknown>, x: Value, ctx: EmitContext): Value[] {
  const { g } = ctx;
  const [, h, w] = x.shape as number[];
  const cx = (w! - 1) / 2;
  const cy = (h! - 1) / 2;
  const k = (v: number) => g.scalar(v);
  // Constant coefficients broadcast against the drawn ones ([B, 1]).
  const zero = k(0);
  const one = k(1);
  if (kind === 'rotation') {
    const [lo, hi] = factorRange(c.factor as never, 'base', ROTATION_BOUNDS) as [number, number];
    const angle = draw(g, x, ctx, lo * 2 * Math.PI, hi * 2 * Math.PI, true);
    const cos = g.op1('Cos', [angle]);
    const sin = g.op1('Sin', [angle]);
    const a2 = g.op1('Add', [g.op1('Sub', [k(cx), g.op1('Mul', [k(cx), cos])]), g.op1('Mul', [k(cy), sin])]);
    const b2 = g.op1('Sub', [g.op1('Sub', [k(cy), g.op1('Mul', [k(cx), sin])]), g.op1('Mul', [k(cy), cos])]);
    return [cos, g.op1('Neg', [sin]), a2, sin, cos, b2];
  }
  if (kind === 'zoom') {
    const [hl, hu] = factorRange(c.height_factor as never, 'zoom', [-1, 1]) as [number, number];
    const zy = draw(g, x, ctx, 1 + hl, 1 + hu, true);
    let zx = zy;
    if (c.width_factor !== null) {
      const [wl, wu] = factorRange(c.width_factor as never, 'zoom', [-1, 1]) as [number, number];
      zx = draw(g, x, ctx, 1 + wl, 1 + wu, true);
    }
    const shift = (z: Value, centre: number) => g.op1('Mul', [k(centre), g.op1('Sub', [k(1), z])]);
    return [zx, zero, shift(zx, cx), zero, zy, shift(zy, cy)];
  }
  const [hl, hu] = factorRange(c.height_factor as never, 'translation', [-1, 1]) as [number, number];
  const [wl, wu] = factorRange(c.width_factor as never, 'translation', [-1, 1]) as [number, number];
  const dy = g.op1('Mul', [draw(g, x, ctx, hl, hu, true), k(h!)]);
  const dx = g.op1('Mul', [draw(g, x, ctx, wl, wu, true), k(w!)]);
  return [one, zero, g.op1('Neg', [dx]), zero, one, g.op1('Neg', [dy])];
}

const augmentation =
  (kind: 'rotation' | 'zoom' | 'translation'): LayerEmitter =>
  (c, [input], ctx) => {
    const x0 = asFloat(ctx.g, input!.value);
    if (!ctx.training) return [{ value: x0 }];
    const [x, back] = nhwc(ctx.g, x0, c.data_format);
    const coef = coefficients(kind, c, x, ctx);
    return [{ value: back(affineSample(ctx.g, x, coef, c.interpolation as Interpolation, c.fill_mode as FillMode, c.fill_value as number)) }];
  };

const RandomContrast: LayerEmitter = (c, [input], ctx) => {
  const { g } = ctx;
  const x = asFloat(g, input!.value);
  if (!ctx.training) return [{ value: x }];
  const [lo, hi] = factorRange(c.factor as never, 'base', CONTRAST_BOUNDS) as [number, number];
  const factor = draw(g, x, ctx, 1 - lo, 1 + hi);
  const mean = g.op1('ReduceMean', [x, g.ints([1, 2])], { keepdims: 1 });
  const [min, max] = c.value_range as [number, number];
  const y = g.op1('Add', [g.op1('Mul', [g.op1('Sub', [x, mean]), factor]), mean]);
  return [{ value: g.op1('Clip', [y, g.scalar(min), g.scalar(max)]) }];
};

export const preprocessingEmitters: Record<string, LayerEmitter> = {
  Normalization,
  Rescaling,
  CategoryEncoding,
  Discretization,
  Resizing,
  CenterCrop,
  RandomFlip,
  RandomRotation: augmentation('rotation'),
  RandomZoom: augmentation('zoom'),
  RandomTranslation: augmentation('translation'),
  RandomContrast,
};
