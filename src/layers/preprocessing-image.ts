/**
 * Keras 3's image preprocessing layers on (batch, rows, cols, channels) images: Resizing and
 * CenterCrop, and the augmentation layers that act only in training (identity in evaluate and
 * predict): RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast. No weights.
 *
 * What each computes is defined here once for both engines: the resize matrices, the factor
 * ranges, and the affine sampling (Keras's `affine_transform`: each output pixel (x, y) reads the
 * input at (a0·x + a1·y + a2, b0·x + b1·y + b2), interpolated, with `fill_mode` outside the image).
 */
import { defineLayer, ONE_INPUT, only, rankError, type InferContext } from './kind.js';
import { optional, p } from './params.js';
import type { Dim, TensorSpec } from './shape.js';

export type DataFormat = 'channels_last' | 'channels_first';
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type Interpolation = 'bilinear' | 'nearest';

const dataFormat = () =>
  p.enum(['channels_last', 'channels_first'], 'Axis order of the images: channels_last (batch, rows, cols, channels) or channels_first (batch, channels, rows, cols).', 'channels_last');
const seed = () => optional(p.int("Keras's seed of the layer's random draws; nnspec draws from the run's seed (--seed), so runs repeat either way.", undefined, 0));
const interpolation = (what: string) => p.enum(['bilinear', 'nearest'], `How ${what} reads between pixels: 'bilinear' or 'nearest'.`, 'bilinear');
const fillMode = () =>
  p.enum(
    ['reflect', 'wrap', 'constant', 'nearest'],
    "How points outside the image are filled: 'reflect' (d c b a | a b c d | d c b a), 'wrap' (a b c d | a b c d), 'constant' (fill_value), 'nearest' (the edge pixel).",
    'reflect',
  );
const fillValue = () => p.number("The value outside the image with fill_mode 'constant'.", 0);
type Factor = number | [number, number];
const factor = (what: string) =>
  p.any<Factor>({ anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }] }, `${what}: a number f for [-f, f], or [lower, upper].`);

/** The rows and cols axes of a rank-4 image in its data format. */
export function imageAxes(format: DataFormat): [number, number] {
  return format === 'channels_first' ? [2, 3] : [1, 2];
}

function image(inputs: TensorSpec[], ctx: InferContext): TensorSpec | undefined {
  const x = only(inputs);
  if (x.shape.length !== 4) return rankError(ctx, x, '4 (batch, rows, cols, channels)');
  return x;
}

/**
 * The (outSize x inSize) matrix of Keras 3's resize along one axis (antialias off): half-pixel
 * centres; bilinear interpolates between the two nearest pixels (the edge pixel beyond the
 * edges); nearest takes pixel floor((o + 0.5) · in / out).
 */
export function resizeMatrix(inSize: number, outSize: number, mode: Interpolation): number[][] {
  return Array.from({ length: outSize }, (_, o) => {
    const row = new Array<number>(inSize).fill(0);
    if (mode === 'nearest') {
      row[Math.min(Math.floor(((o + 0.5) * inSize) / outSize), inSize - 1)] = 1;
      return row;
    }
    const at = ((o + 0.5) * inSize) / outSize - 0.5;
    const below = Math.floor(at);
    const lerp = at - below;
    row[Math.min(Math.max(below, 0), inSize - 1)]! += 1 - lerp;
    row[Math.min(Math.max(below + 1, 0), inSize - 1)]! += lerp;
    return row;
  });
}

/** What Resizing and CenterCrop do to one image: crop the window, then resize it by the matrices (none: the crop is the output). */
export interface ResizePlan {
  top: number;
  left: number;
  height: number;
  width: number;
  rows?: number[][];
  cols?: number[][];
}

/** Keras's crop_to_aspect_ratio window: the largest centred crop with the target's aspect ratio. */
function aspectCrop(inH: number, inW: number, h: number, w: number): Omit<ResizePlan, 'rows' | 'cols'> {
  const height = Math.max(Math.min(inH, Math.trunc((inW * h) / w)), 1);
  const width = Math.max(Math.min(inW, Math.trunc((inH * w) / h)), 1);
  return { top: Math.trunc((inH - height) / 2), left: Math.trunc((inW - width) / 2), height, width };
}

export function resizingPlan(inH: number, inW: number, c: { height: number; width: number; interpolation: Interpolation; crop_to_aspect_ratio: boolean }): ResizePlan {
  const window = c.crop_to_aspect_ratio ? aspectCrop(inH, inW, c.height, c.width) : { top: 0, left: 0, height: inH, width: inW };
  return { ...window, rows: resizeMatrix(window.height, c.height, c.interpolation), cols: resizeMatrix(window.width, c.width, c.interpolation) };
}

/** CenterCrop: the centred window when the image is large enough, else Keras's smart_resize (aspect crop, bilinear). */
export function centerCropPlan(inH: number, inW: number, h: number, w: number): ResizePlan {
  if (inH >= h && inW >= w) return { top: Math.floor((inH - h) / 2), left: Math.floor((inW - w) / 2), height: h, width: w };
  return resizingPlan(inH, inW, { height: h, width: w, interpolation: 'bilinear', crop_to_aspect_ratio: true });
}

export const Resizing = defineLayer({
  type: 'Resizing',
  description: 'Resizes images to height x width (bilinear or nearest, half-pixel centres as Keras 3), optionally cropping to the target aspect ratio first.',
  params: {
    height: p.int('Rows of the output.'),
    width: p.int('Columns of the output.'),
    interpolation: interpolation('the resize'),
    crop_to_aspect_ratio: p.bool('Crop the largest centred window with the target aspect ratio before resizing, so nothing is stretched.', false),
    pad_to_aspect_ratio: p.bool('Pad to the target aspect ratio instead (not supported by nnspec: only false).', false),
    fill_mode: p.enum(['constant'], "How padding is filled (Keras supports only 'constant').", 'constant'),
    fill_value: p.number('The padding value.', 0),
    antialias: p.bool('Antialiasing when downsampling (not supported by nnspec: only false).', false),
    data_format: dataFormat(),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x) return undefined;
    if (c.pad_to_aspect_ratio && c.crop_to_aspect_ratio) {
      return ctx.error('NN209', `${ctx.describe} sets both crop_to_aspect_ratio and pad_to_aspect_ratio; Keras takes only one`, { param: 'pad_to_aspect_ratio' });
    }
    for (const name of ['pad_to_aspect_ratio', 'antialias'] as const) {
      if (c[name]) return ctx.error('NN503', `${ctx.describe} sets ${name}: true, which nnspec does not compute`, { param: name, hint: name === 'antialias' ? 'remove antialias' : 'use crop_to_aspect_ratio: true, or pad the images beforehand' });
    }
    return { shape: resized(x.shape, c.data_format, c.height, c.width), dtype: 'float32', weights: [] };
  },
});

function resized(shape: readonly Dim[], format: DataFormat, h: number, w: number): Dim[] {
  const out = [...shape];
  const [ha, wa] = imageAxes(format);
  out[ha] = h;
  out[wa] = w;
  return out;
}

export const CenterCrop = defineLayer({
  type: 'CenterCrop',
  description: 'Crops the centre height x width window of each image (an image smaller than that is aspect-cropped and resized up, as Keras does).',
  params: { height: p.int('Rows of the output.'), width: p.int('Columns of the output.'), data_format: dataFormat() },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x) return undefined;
    return { shape: resized(x.shape, c.data_format, c.height, c.width), dtype: 'float32', weights: [] };
  },
});

/**
 * A Keras factor as the [lower, upper] range it draws from, or a message why it is out of
 * `bounds`. Keras's layers differ: the base layer (rotation, contrast) clips a number's lower end
 * to the bounds; zoom and translation check each number against their own open or closed range.
 */
export function factorRange(value: Factor, rule: 'base' | 'zoom' | 'translation', bounds: [number, number]): [number, number] | string {
  const [lo, hi] = bounds;
  const inRange = (v: number) => (rule === 'zoom' ? v > -1 && v <= 1 : v >= lo && v <= hi);
  if (typeof value === 'number') {
    if (!inRange(value)) return `${value} is outside ${rule === 'zoom' ? '(-1, 1]' : `[${lo}, ${hi}]`}`;
    const f = Math.abs(value);
    return rule === 'base' ? [Math.max(-f, lo), f] : [-f, f];
  }
  if (rule === 'base' ? value[0] > hi || value[1] < lo : !inRange(value[0]) || !inRange(value[1])) {
    return `[${value.join(', ')}] is outside ${rule === 'zoom' ? '(-1, 1]' : `[${lo}, ${hi}]`}`;
  }
  return [Math.min(value[0], value[1]), Math.max(value[0], value[1])];
}

function checkFactor(ctx: InferContext, name: string, value: Factor | null, rule: 'base' | 'zoom' | 'translation', bounds: [number, number]): boolean {
  if (value === null) return true;
  const r = factorRange(value, rule, bounds);
  if (typeof r !== 'string') return true;
  ctx.error('NN503', `${ctx.describe} has ${name} ${r}`, { param: name, hint: `give a number or [lower, upper] within ${rule === 'zoom' ? '(-1, 1]' : `[${bounds[0]}, ${bounds[1]}]`}` });
  return false;
}

export const ROTATION_BOUNDS: [number, number] = [-1, 1];
export const CONTRAST_BOUNDS: [number, number] = [0, 1];

export const RandomFlip = defineLayer({
  type: 'RandomFlip',
  description: 'In training, flips each image with probability 1/2 (left-right, up-down, or both together); identity in evaluate and predict.',
  params: {
    mode: p.enum(['horizontal', 'vertical', 'horizontal_and_vertical'], "Which flips: 'horizontal' (left-right), 'vertical' (up-down) or 'horizontal_and_vertical' (both, on the same draw, as Keras).", 'horizontal_and_vertical'),
    seed: seed(),
    data_format: dataFormat(),
  },
  arity: ONE_INPUT,
  infer(_c, inputs, ctx) {
    const x = image(inputs, ctx);
    return x && { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

const affineParams = { fill_mode: fillMode(), interpolation: interpolation('the transform'), seed: seed(), fill_value: fillValue(), data_format: dataFormat() };

export const RandomRotation = defineLayer({
  type: 'RandomRotation',
  description: 'In training, rotates each image about its centre by a random fraction of a full turn in the factor range; identity in evaluate and predict.',
  params: { factor: factor('Fraction of 2π to rotate by (0.1: up to 36°; positive is counter-clockwise)'), ...affineParams },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x || !checkFactor(ctx, 'factor', c.factor, 'base', ROTATION_BOUNDS)) return undefined;
    return { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

export const RandomZoom = defineLayer({
  type: 'RandomZoom',
  description: 'In training, zooms each image about its centre: the sampled window is 1 + factor times the image (negative zooms in); identity in evaluate and predict.',
  params: {
    height_factor: factor('Vertical zoom range, each in (-1, 1]'),
    width_factor: optional(factor('Horizontal zoom range; null keeps the aspect ratio (the vertical draw)')),
    ...affineParams,
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x || !checkFactor(ctx, 'height_factor', c.height_factor, 'zoom', [-1, 1]) || !checkFactor(ctx, 'width_factor', c.width_factor, 'zoom', [-1, 1])) return undefined;
    return { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

export const RandomTranslation = defineLayer({
  type: 'RandomTranslation',
  description: 'In training, shifts each image by a random fraction of its height and width; identity in evaluate and predict.',
  params: {
    height_factor: factor('Vertical shift as a fraction of the height, each in [-1, 1]'),
    width_factor: factor('Horizontal shift as a fraction of the width, each in [-1, 1]'),
    ...affineParams,
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x || !checkFactor(ctx, 'height_factor', c.height_factor, 'translation', [-1, 1]) || !checkFactor(ctx, 'width_factor', c.width_factor, 'translation', [-1, 1])) return undefined;
    return { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

export const RandomContrast = defineLayer({
  type: 'RandomContrast',
  description: "In training, scales each image's deviation from its per-channel mean by a random factor in [1 - lower, 1 + upper], then clips to value_range; identity in evaluate and predict.",
  params: {
    factor: factor('Contrast range, within [0, 1]'),
    value_range: p.any<[number, number]>({ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, 'The range the images take, which the output is clipped to.', [0, 255]),
    seed: seed(),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = image(inputs, ctx);
    if (!x || !checkFactor(ctx, 'factor', c.factor, 'base', CONTRAST_BOUNDS)) return undefined;
    if (!(c.value_range[0] < c.value_range[1])) {
      return ctx.error('NN503', `${ctx.describe} has value_range [${c.value_range.join(', ')}], whose low end is not below its high end`, { param: 'value_range' });
    }
    return { shape: x.shape, dtype: 'float32', weights: [] };
  },
});

/**
 * The affine map of each augmentation as functions of its per-sample draws, in the order the
 * engines draw them: [a0, a1, a2, b0, b1, b2] from `u` (one uniform per draw, already in range).
 * Rotation: u[0] is the angle in radians; zoom: u = [zy, zx]; translation: u = [dy, dx] in pixels.
 */
export function affineOf(kind: 'rotation' | 'zoom' | 'translation', u: readonly number[], h: number, w: number): number[] {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  if (kind === 'rotation') {
    const cos = Math.cos(u[0]!);
    const sin = Math.sin(u[0]!);
    return [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos];
  }
  if (kind === 'zoom') return [u[1]!, 0, cx * (1 - u[1]!), 0, u[0]!, cy * (1 - u[0]!)];
  return [1, 0, -u[1]!, 0, 1, -u[0]!];
}

/** Keras's `fill_mode` on an integer coordinate i of an axis of n pixels: the pixel read, or -1 (fill_value). */
export function fillIndex(i: number, n: number, mode: FillMode): number {
  if (mode === 'constant') return i >= 0 && i < n ? i : -1;
  if (mode === 'nearest') return Math.min(Math.max(i, 0), n - 1);
  if (mode === 'wrap') return i - n * Math.floor(i / n);
  const m = i - 2 * n * Math.floor(i / (2 * n));
  return m < n ? m : 2 * n - 1 - m;
}

export const imagePreprocessingLayers = [Resizing, CenterCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast];

