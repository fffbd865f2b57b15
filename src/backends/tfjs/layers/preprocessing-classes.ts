/**
 * nnspec's TensorFlow.js classes for Keras 3's preprocessing layers, which tfjs lacks (or, for
 * Rescaling, Resizing and CenterCrop, has in tfjs-layers versions that differ from Keras 3:
 * tfjs's resize is not Keras's half-pixel, antialias-free one). Each class keeps the spec layer's
 * Keras arguments as its config and is registered as Nnspec<Type>, so a saved model.json reads
 * back as the spec layer. The augmentation layers draw from Math.random, which the tfjs engine
 * seeds per step from the run's seed, and are the identity unless called with `training: true`.
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
import type { Tf, TfLayer } from '../env.js';
import { perTf } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type ShapeArg = Parameters<TfLayer['computeOutputShape']>[0];
type Config = Record<string, unknown>;
type Ctor = new (args: Config) => TfLayer;
type Variable = { read(): Tensor };
interface Built {
  stats?: Variable[];
  weight(name: string, shape: number[], init: 'zeros' | 'ones'): Variable;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface Behaviour {
  /** The Keras argument names kept as the config. */
  keys: string[];
  outputShape(shape: (number | null)[], c: Config): (number | null)[];
  call(x: Tensor, c: Config, training: boolean, layer: Built): Tensor;
  /** Adds the layer's weights (Normalization's adapted statistics). */
  build?(layer: Built, shape: (number | null)[], c: Config): void;
}

function preprocessingClass(tf: Tf, type: string, b: Behaviour): Ctor {
  class Preprocessing extends tf.layers.Layer {
    static className = `Nnspec${type}`;
    readonly settings: Config;
    stats?: Variable[];
    constructor(args: Config) {
      super({ name: args.name as string | undefined, trainable: args.trainable as boolean | undefined });
      // tfjs camel-cases model.json's config keys on load; the spec's are snake_case.
      this.settings = Object.fromEntries(b.keys.map((k) => [k, args[k] !== undefined ? args[k] : (args[camel(k)] ?? null)]));
    }
    override build(inputShape: ShapeArg): void {
      const shape = (Array.isArray((inputShape as unknown[])[0]) ? (inputShape as unknown[])[0] : inputShape) as (number | null)[];
      b.build?.(this as never, shape, this.settings);
      this.built = true;
    }
    override computeOutputShape(inputShape: ShapeArg): ShapeArg {
      return b.outputShape([...(inputShape as (number | null)[])], this.settings) as ShapeArg;
    }
    override call(inputs: Tensor | Tensor[], kwargs: Config): Tensor {
      return tf.tidy(() => b.call(Array.isArray(inputs) ? inputs[0]! : inputs, this.settings, kwargs['training'] === true, this as never));
    }
    override getConfig() {
      return { ...(this.settings as Record<string, never>), ...super.getConfig() };
    }
    /** addWeight for the family's build (protected in tfjs). */
    weight(name: string, shape: number[], init: 'zeros' | 'ones'): Variable {
      return this.addWeight(name, shape, 'float32', init === 'zeros' ? tf.initializers.zeros() : tf.initializers.ones(), undefined, false) as unknown as Variable;
    }
  }
  tf.serialization.registerClass(Preprocessing);
  return Preprocessing as unknown as Ctor;
}

const same = (shape: (number | null)[]) => shape;

/** ids (any float or int tensor of whole numbers) → one_hot / multi_hot / count over `depth`. */
function encodeIds(tf: Tf, ids: Tensor, mode: Encoding, depth: number): Tensor {
  let x = tf.cast(ids, 'int32');
  if (mode === 'one_hot') {
    if (x.shape.length === 2 && x.shape[1] === 1) x = tf.reshape(x, [x.shape[0]!]);
    return tf.cast(tf.oneHot(x as never, depth), 'float32');
  }
  if (x.shape.length === 1) x = tf.reshape(x, [x.shape[0]!, 1]);
  const hot = tf.cast(tf.oneHot(x as never, depth), 'float32');
  return mode === 'multi_hot' ? tf.max(hot, 1) : tf.sum(hot, 1);
}

function encodedShape(shape: (number | null)[], mode: Encoding, depth: number): (number | null)[] {
  if (mode === 'one_hot') return shape.length === 2 && shape[1] !== 1 ? [...shape, depth] : [shape[0]!, depth];
  return [shape[0]!, depth];
}

/** NHWC view of an image in its data format, and the way back. */
function nhwc(tf: Tf, x: Tensor, format: unknown): [Tensor, (y: Tensor) => Tensor] {
  if (format !== 'channels_first') return [x, (y) => y];
  return [tf.transpose(x, [0, 2, 3, 1]), (y) => tf.transpose(y, [0, 3, 1, 2])];
}

/** Multiplies axis 1 or 2 of an NHWC tensor by the matrix (out x n): matrix products, so tfjs has the gradient. */
function alongAxis(tf: Tf, x: Tensor, axis: 1 | 2, matrix: number[][]): Tensor {
  const moved = tf.transpose(x, axis === 1 ? [1, 0, 2, 3] : [2, 0, 1, 3]);
  const n = moved.shape[0]!;
  const out = tf.matMul(tf.tensor2d(matrix), tf.reshape(moved, [n, -1]) as never);
  const back = tf.reshape(out, [matrix.length, ...(moved.shape as number[]).slice(1)]);
  return tf.transpose(back, axis === 1 ? [1, 0, 2, 3] : [1, 2, 0, 3]);
}

/** Crops the plan's window of an NHWC image and resizes it by the plan's matrices (rows first). */
function applyPlan(tf: Tf, x: Tensor, plan: ResizePlan): Tensor {
  const [b, , , ch] = x.shape as number[];
  let y = tf.slice(x, [0, plan.top, plan.left, 0], [b!, plan.height, plan.width, ch!]);
  if (plan.rows) y = alongAxis(tf, y, 1, plan.rows);
  if (plan.cols) y = alongAxis(tf, y, 2, plan.cols);
  return y;
}

/** Keras's fill_mode on integer coordinates (float tensor) of an axis of n pixels: the index read and whether it is inside. */
function fillIndex(tf: Tf, i: Tensor, n: number, mode: FillMode): { index: Tensor; inside?: Tensor } {
  if (mode === 'constant') return { index: tf.clipByValue(i, 0, n - 1), inside: tf.logicalAnd(tf.greaterEqual(i, 0), tf.lessEqual(i, n - 1)) };
  if (mode === 'nearest') return { index: tf.clipByValue(i, 0, n - 1) };
  if (mode === 'wrap') return { index: tf.sub(i, tf.mul(n, tf.floor(tf.div(i, n)))) };
  const m = tf.sub(i, tf.mul(2 * n, tf.floor(tf.div(i, 2 * n))));
  return { index: tf.where(tf.less(m, n), m, tf.sub(2 * n - 1, m)) };
}

/**
 * Keras's affine_transform of an NHWC batch: coefficients [B, 6] (a0 a1 a2 b0 b1 b2) map each
 * output pixel to the input point it reads. Gathers from the flattened batch, so tfjs's gather
 * gradient carries dy back to x.
 */
function affineSample(tf: Tf, x: Tensor, coef: Tensor, interpolation: Interpolation, fill: FillMode, fillValue: number): Tensor {
  const [b, h, w, ch] = x.shape as number[];
  const gx = tf.tensor2d(Float32Array.from({ length: h! * w! }, (_, p) => p % w!), [1, h! * w!]);
  const gy = tf.tensor2d(Float32Array.from({ length: h! * w! }, (_, p) => Math.floor(p / w!)), [1, h! * w!]);
  const k = (j: number) => tf.slice(coef, [0, j], [b!, 1]);
  const xin = tf.add(tf.add(tf.mul(k(0), gx), tf.mul(k(1), gy)), k(2));
  const yin = tf.add(tf.add(tf.mul(k(3), gx), tf.mul(k(4), gy)), k(5));
  const flat = tf.reshape(x, [b! * h! * w!, ch!]);
  const base = tf.tensor2d(Float32Array.from({ length: b! }, (_, i) => i * h! * w!), [b!, 1]);
  const read = (yi: Tensor, xi: Tensor, weight: Tensor): Tensor => {
    const r = fillIndex(tf, yi, h!, fill);
    const c = fillIndex(tf, xi, w!, fill);
    const index = tf.cast(tf.add(tf.add(tf.mul(r.index, w!), c.index), base), 'int32');
    let v = tf.reshape(tf.gather(flat, tf.reshape(index, [-1])), [b!, h! * w!, ch!]);
    if (r.inside && c.inside) {
      const inside = tf.expandDims(tf.logicalAnd(r.inside, c.inside), 2);
      v = tf.where(tf.broadcastTo(inside, v.shape), v, tf.fill(v.shape, fillValue));
    }
    return tf.mul(v, tf.expandDims(weight, 2));
  };
  let y: Tensor;
  if (interpolation === 'nearest') {
    y = read(tf.floor(tf.add(yin, 0.5)), tf.floor(tf.add(xin, 0.5)), tf.onesLike(xin));
  } else {
    const x0 = tf.floor(xin);
    const y0 = tf.floor(yin);
    const fx = tf.sub(xin, x0);
    const fy = tf.sub(yin, y0);
    const x1 = tf.add(x0, 1);
    const y1 = tf.add(y0, 1);
    const ox = tf.sub(1, fx);
    const oy = tf.sub(1, fy);
    y = tf.addN([read(y0, x0, tf.mul(oy, ox)), read(y0, x1, tf.mul(oy, fx)), read(y1, x0, tf.mul(fy, ox)), read(y1, x1, tf.mul(fy, fx))]);
  }
  return tf.reshape(y, [b!, h!, w!, ch!]);
}

/** Uniform draws [B, 1] in [lo, hi] (Math.random-seeded, as tfjs's dropout). */
const draw = (tf: Tf, b: number, lo: number, hi: number) => tf.randomUniform([b, 1], lo, hi);

/** The per-sample coefficients [B, 6] of an augmentation from its draws (the meaning is affineOf's). */
function affineCoefficients(tf: Tf, kind: 'rotation' | 'zoom' | 'translation', c: Config, b: number, h: number, w: number): Tensor {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const zero = tf.zeros([b, 1]);
  const one = tf.ones([b, 1]);
  if (kind === 'rotation') {
    const [lo, hi] = factorRange(c.factor as never, 'base', ROTATION_BOUNDS) as [number, number];
    const angle = draw(tf, b, lo * 2 * Math.PI, hi * 2 * Math.PI);
    const cos = tf.cos(angle);
    const sin = tf.sin(angle);
    const a2 = tf.add(tf.sub(cx, tf.mul(cx, cos)), tf.mul(cy, sin));
    const b2 = tf.sub(tf.sub(cy, tf.mul(cx, sin)), tf.mul(cy, cos));
    return tf.concat([cos, tf.neg(sin), a2, sin, cos, b2], 1);
  }
  if (kind === 'zoom') {
    const [hl, hu] = factorRange(c.height_factor as never, 'zoom', [-1, 1]) as [number, number];
    const zy = draw(tf, b, 1 + hl, 1 + hu);
    const zx = c.width_factor === null ? zy : (([wl, wu]) => draw(tf, b, 1 + wl, 1 + wu))(factorRange(c.width_factor as never, 'zoom', [-1, 1]) as [number, number]);
    return tf.concat([zx, zero, tf.mul(cx, tf.sub(1, zx)), zero, zy, tf.mul(cy, tf.sub(1, zy))], 1);
  }
  const [hl, hu] = factorRange(c.height_factor as never, 'translation', [-1, 1]) as [number, number];
  const [wl, wu] = factorRange(c.width_factor as never, 'translation', [-1, 1]) as [number, number];
  const dy = tf.mul(draw(tf, b, hl, hu), h);
  const dx = tf.mul(draw(tf, b, wl, wu), w);
  return tf.concat([one, zero, tf.neg(dx), zero, one, tf.neg(dy)], 1);
}

function augmentation(tf: Tf, type: string, kind: 'rotation' | 'zoom' | 'translation', factorKeys: string[]): Ctor {
  return preprocessingClass(tf, type, {
    keys: [...factorKeys, 'fill_mode', 'interpolation', 'seed', 'fill_value', 'data_format'],
    outputShape: same,
    call(input, c, training) {
      if (!training) return input;
      const [x, back] = nhwc(tf, tf.cast(input, 'float32'), c.data_format);
      const [b, h, w] = x.shape as number[];
      const coef = affineCoefficients(tf, kind, c, b!, h!, w!);
      return back(affineSample(tf, x, coef, c.interpolation as Interpolation, c.fill_mode as FillMode, c.fill_value as number));
    },
  });
}

export const preprocessingClasses = perTf((tf: Tf) => ({
  Normalization: preprocessingClass(tf, 'Normalization', {
    keys: ['axis', 'mean', 'variance', 'invert'],
    outputShape: same,
    build(layer, shape, c) {
      if (c.mean !== null) return;
      const kept = keptAxes(c.axis as never, shape.length) as { axes: number[] };
      const dims = kept.axes.map((a) => shape[a] as number);
      layer.stats = [layer.weight('mean', dims, 'zeros'), layer.weight('variance', dims, 'ones'), layer.weight('count', [], 'zeros')];
    },
    call(input, c, _training, layer) {
      const x = tf.cast(input, 'float32');
      const axes = (keptAxes(c.axis as never, x.shape.length) as { axes: number[] }).axes;
      const shape = statShape(x.shape, axes);
      const [mean, variance] = layer.stats
        ? [tf.reshape(layer.stats[0]!.read(), shape), tf.reshape(layer.stats[1]!.read(), shape)]
        : [tf.tensor(broadcastStat(c.mean as never, x.shape, axes), shape), tf.tensor(broadcastStat(c.variance as never, x.shape, axes), shape)];
      const sd = tf.maximum(tf.sqrt(variance), NORMALIZATION_EPSILON);
      return c.invert ? tf.add(mean, tf.mul(x, sd)) : tf.div(tf.sub(x, mean), sd);
    },
  }),
  Rescaling: preprocessingClass(tf, 'Rescaling', {
    keys: ['scale', 'offset'],
    outputShape: same,
    call: (x, c) => tf.add(tf.mul(tf.cast(x, 'float32'), tf.tensor1d(perChannel(c.scale as never))), tf.tensor1d(perChannel(c.offset as never))),
  }),
  CategoryEncoding: preprocessingClass(tf, 'CategoryEncoding', {
    keys: ['num_tokens', 'output_mode', 'sparse'],
    outputShape: (shape, c) => encodedShape(shape, c.output_mode as Encoding, c.num_tokens as number),
    call: (x, c) => encodeIds(tf, x, c.output_mode as Encoding, c.num_tokens as number),
  }),
  Discretization: preprocessingClass(tf, 'Discretization', {
    keys: ['bin_boundaries', 'num_bins', 'epsilon', 'output_mode', 'sparse'],
    outputShape: (shape, c) => (c.output_mode === 'int' ? shape : encodedShape(shape, c.output_mode as Encoding, (c.bin_boundaries as number[]).length + 1)),
    call(input, c) {
      const bounds = c.bin_boundaries as number[];
      const x = tf.cast(input, 'float32');
      const bins = bounds.length === 0 ? tf.zerosLike(x) : tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(x, -1), tf.tensor1d(bounds)), 'int32'), -1);
      return c.output_mode === 'int' ? tf.cast(bins, 'int32') : encodeIds(tf, bins, c.output_mode as Encoding, bounds.length + 1);
    },
  }),
  Resizing: preprocessingClass(tf, 'Resizing', {
    keys: ['height', 'width', 'interpolation', 'crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'fill_mode', 'fill_value', 'antialias', 'data_format'],
    outputShape: (shape, c) => resizedShape(shape, c),
    call(input, c) {
      const [x, back] = nhwc(tf, tf.cast(input, 'float32'), c.data_format);
      const [, h, w] = x.shape as number[];
      return back(applyPlan(tf, x, resizingPlan(h!, w!, c as never)));
    },
  }),
  CenterCrop: preprocessingClass(tf, 'CenterCrop', {
    keys: ['height', 'width', 'data_format'],
    outputShape: (shape, c) => resizedShape(shape, c),
    call(input, c) {
      const [x, back] = nhwc(tf, tf.cast(input, 'float32'), c.data_format);
      const [, h, w] = x.shape as number[];
      return back(applyPlan(tf, x, centerCropPlan(h!, w!, c.height as number, c.width as number)));
    },
  }),
  RandomFlip: preprocessingClass(tf, 'RandomFlip', {
    keys: ['mode', 'seed', 'data_format'],
    outputShape: same,
    call(input, c, training) {
      const x = tf.cast(input, 'float32');
      if (!training) return x;
      const [rows, cols] = imageAxes(c.data_format as never);
      // One draw per image flips it on every axis the mode names (Keras: flip when u <= 0.5).
      const flip = tf.cast(tf.lessEqual(tf.randomUniform([x.shape[0]!, 1, 1, 1]), 0.5), 'float32');
      const axes = c.mode === 'horizontal' ? [cols] : c.mode === 'vertical' ? [rows] : [rows, cols];
      return tf.add(tf.mul(flip, tf.reverse(x, axes)), tf.mul(tf.sub(1, flip), x));
    },
  }),
  RandomRotation: augmentation(tf, 'RandomRotation', 'rotation', ['factor']),
  RandomZoom: augmentation(tf, 'RandomZoom', 'zoom', ['height_factor', 'width_factor']),
  RandomTranslation: augmentation(tf, 'RandomTranslation', 'translation', ['height_factor', 'width_factor']),
  RandomContrast: preprocessingClass(tf, 'RandomContrast', {
    keys: ['factor', 'value_range', 'seed'],
    outputShape: same,
    call(input, c, training) {
      const x = tf.cast(input, 'float32');
      if (!training) return x;
      const [lo, hi] = factorRange(c.factor as never, 'base', CONTRAST_BOUNDS) as [number, number];
      const f = tf.randomUniform([x.shape[0]!, 1, 1, 1], 1 - lo, 1 + hi);
      const mean = tf.mean(x, [1, 2], true);
      const [min, max] = c.value_range as [number, number];
      return tf.clipByValue(tf.add(tf.mul(tf.sub(x, mean), f), mean), min, max);
    },
  }),
}));

function resizedShape(shape: (number | null)[], c: Config): (number | null)[] {
  const out = [...shape];
  const [ha, wa] = imageAxes(c.data_format as never);
  out[ha] = c.height as number;
  out[wa] = c.width as number;
  return out;
}
