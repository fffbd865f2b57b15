/** Spatial resizing of (batch, rows, cols, channels) images: ZeroPadding2D, Cropping2D, UpSampling2D. No weights. */
import { defineLayer, ONE_INPUT, only, rankError, type InferContext } from './kind.js';
import { p } from './params.js';
import { formatShape, mulAdd, tuple, type Dim, type TensorSpec } from './shape.js';

type DataFormat = 'channels_last' | 'channels_first';
/** Keras's spellings: n, [rows, cols] (symmetric), [[top, bottom], [left, right]], or a mix of the last two. */
type Side = number | [number, number];
type Amounts = number | [Side, Side];

const dataFormat = () =>
  p.enum(['channels_last', 'channels_first'], 'Axis order of the input: channels_last (batch, rows, cols, channels) or channels_first (batch, channels, rows, cols).', 'channels_last');

const nonNegative = { type: 'integer', minimum: 0 };
const side = { anyOf: [nonNegative, { type: 'array', items: nonNegative, minItems: 2, maxItems: 2 }] };
const amounts = (what: string, def: Amounts) =>
  p.any<Amounts>(
    { anyOf: [nonNegative, { type: 'array', items: side, minItems: 2, maxItems: 2 }] },
    `${what}: n (all four sides), [rows, cols] (symmetric), or [[top, bottom], [left, right]].`,
    def,
  );

/** [[top, bottom], [left, right]] from any of Keras's spellings (each axis is standardized on its own, as Keras does). */
export function sides(value: Amounts): [[number, number], [number, number]] {
  const pair = (v: Side): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  return typeof value === 'number' ? [pair(value), pair(value)] : [pair(value[0]), pair(value[1])];
}

function image(inputs: TensorSpec[], format: DataFormat, ctx: InferContext): { x: TensorSpec; offset: number } | undefined {
  const x = only(inputs);
  if (x.shape.length !== 4) return rankError(ctx, x, format === 'channels_last' ? '4 (batch, rows, cols, channels)' : '4 (batch, channels, rows, cols)');
  return { x, offset: format === 'channels_last' ? 1 : 2 };
}

export const ZeroPadding2D = defineLayer({
  type: 'ZeroPadding2D',
  description: 'Adds rows and columns of zeros around an image.',
  params: { padding: amounts('Zeros to add', [1, 1]), data_format: dataFormat() },
  arity: ONE_INPUT,
  keras: { spatialRank: 2, sides: ['padding'] },
  infer(c, inputs, ctx) {
    const img = image(inputs, c.data_format, ctx);
    if (!img) return undefined;
    const pads = sides(c.padding);
    const shape: Dim[] = [...img.x.shape];
    for (let i = 0; i < 2; i++) {
      const d = shape[img.offset + i]!;
      shape[img.offset + i] = d === null ? null : mulAdd(d, 1, pads[i]![0] + pads[i]![1]);
    }
    return { shape, weights: [] };
  },
});

export const Cropping2D = defineLayer({
  type: 'Cropping2D',
  description: 'Removes rows and columns from the edges of an image.',
  params: {
    cropping: amounts('Rows and columns to remove', [[0, 0], [0, 0]]),
    data_format: dataFormat(),
  },
  arity: ONE_INPUT,
  keras: { spatialRank: 2, sides: ['cropping'] },
  infer(c, inputs, ctx) {
    const img = image(inputs, c.data_format, ctx);
    if (!img) return undefined;
    const crops = sides(c.cropping);
    const shape: Dim[] = [...img.x.shape];
    for (let i = 0; i < 2; i++) {
      const d = shape[img.offset + i]!;
      const [before, after] = crops[i]!;
      if (d !== null && before + after >= d) {
        const what = i === 0 ? 'rows' : 'cols';
        return ctx.error(
          'NN502',
          `${ctx.describe} crops ${before} + ${after} ${what} from input ${ctx.inputNames[0]} ${formatShape(img.x.shape)}, which has ${d}; nothing would be left on axis ${img.offset + i}`,
          { param: 'cropping', hint: `crop fewer than ${d} ${what} in total` },
        );
      }
      shape[img.offset + i] = d === null ? null : d - before - after;
    }
    return { shape, weights: [] };
  },
});

export const UpSampling2D = defineLayer({
  type: 'UpSampling2D',
  description: 'Repeats rows and columns of an image `size` times (nearest) or interpolates them (bilinear).',
  params: {
    size: p.intOrTuple(2, 'Upsampling factors for rows and columns: an int or 2 ints.', [2, 2]),
    data_format: dataFormat(),
    interpolation: p.enum(
      ['nearest', 'bilinear'],
      "'nearest' (repeat) or 'bilinear'. Keras also has bicubic and lanczos, which TensorFlow.js cannot compute.",
      'nearest',
    ),
  },
  arity: ONE_INPUT,
  keras: { spatialRank: 2 },
  infer(c, inputs, ctx) {
    const img = image(inputs, c.data_format, ctx);
    if (!img) return undefined;
    const size = tuple(c.size, 2);
    const shape: Dim[] = [...img.x.shape];
    for (let i = 0; i < 2; i++) {
      const d = shape[img.offset + i]!;
      shape[img.offset + i] = d === null ? null : mulAdd(d, size[i]!);
    }
    return { shape, weights: [] };
  },
});

export const resizingLayers = [ZeroPadding2D, Cropping2D, UpSampling2D];
