/** Pooling: Max/AveragePooling1D/2D over windows, and Global Max/AveragePooling1D/2D over all positions. No weights, no activation. */
import { defineLayer, ONE_INPUT, only, rankError } from './kind.js';
import { optional, p } from './params.js';
import { formatShape, poolOutputLength, tuple, type Dim } from './shape.js';

type DataFormat = 'channels_last' | 'channels_first';

/** tfjs's 1D pooling layers have no data_format: only channels_last is offered there. */
function dataFormatParam(both: boolean) {
  return both
    ? p.enum(['channels_last', 'channels_first'], 'Axis order of the input: channels_last (batch, ..., channels) or channels_first (batch, channels, ...).', 'channels_last')
    : p.enum(['channels_last'], 'Axis order of the input. TensorFlow.js 1D pooling has no channels_first, so only channels_last (batch, steps, channels) is accepted.', 'channels_last');
}

const spatialNames = (n: number) => (n === 1 ? 'steps' : 'rows, cols');
const expectedRank = (n: number, format: DataFormat) =>
  format === 'channels_last' ? `${n + 2} (batch, ${spatialNames(n)}, channels)` : `${n + 2} (batch, channels, ${spatialNames(n)})`;

function pooling(n: 1 | 2, mode: 'Max' | 'Average') {
  const type = `${mode}Pooling${n}D`;
  return defineLayer({
    type,
    description: `${mode === 'Max' ? 'Maximum' : 'Average'} over windows of pool_size ${n === 1 ? 'steps' : 'rows × cols'}, moved by strides (default: pool_size).`,
    params: {
      pool_size: p.intOrTuple(n, `Size of the pooling window: an int or ${n} ints.`, n === 1 ? 2 : [2, 2]),
      strides: optional(p.intOrTuple(n, 'Stride of the window: an int or one per spatial axis. null: pool_size (windows do not overlap).')),
      padding: p.enum(['valid', 'same'], "'valid' (windows inside the input) or 'same' (pad so that stride 1 keeps the size).", 'valid'),
      data_format: dataFormatParam(n === 2),
    },
    arity: ONE_INPUT,
    // Keras stores strides None as the pool size.
    keras: { spatialRank: n, aliases: [`${mode === 'Max' ? 'MaxPool' : 'AvgPool'}${n}D`], nullIs: { strides: 'pool_size' } },
    infer(c, inputs, ctx) {
      const x = only(inputs);
      if (x.shape.length !== n + 2) return rankError(ctx, x, expectedRank(n, c.data_format));
      const pool = tuple(c.pool_size, n);
      const strides = tuple(c.strides ?? c.pool_size, n);
      const offset = c.data_format === 'channels_last' ? 1 : 2;
      const out: Dim[] = [...x.shape];
      for (let i = 0; i < n; i++) {
        const d = poolOutputLength(x.shape[offset + i]!, pool[i]!, c.padding, strides[i]!);
        if (d !== null && d <= 0) {
          return ctx.error(
            'NN502',
            `${ctx.describe} with pool_size ${formatShape(pool)}, strides ${formatShape(strides)} and padding '${c.padding}' would produce an output of size ${d} on axis ${offset + i} for input ${ctx.inputNames[0]} ${formatShape(x.shape)}`,
            { param: 'pool_size', hint: "use padding: same, a smaller pool_size, or a larger input" },
          );
        }
        out[offset + i] = d;
      }
      return { shape: out, weights: [] };
    },
  });
}

function globalPooling(n: 1 | 2, mode: 'Max' | 'Average') {
  const type = `Global${mode}Pooling${n}D`;
  return defineLayer({
    type,
    description: `${mode === 'Max' ? 'Maximum' : 'Average'} over all ${n === 1 ? 'steps' : 'rows and cols'}: (batch, ${spatialNames(n)}, channels) → (batch, channels).${
      mode === 'Average' && n === 1 ? ' Masked steps (Embedding mask_zero) are left out of the mean.' : ''
    }`,
    params: {
      data_format: dataFormatParam(true),
      keepdims: p.bool('Whether to keep the pooled axes with size 1: (batch, 1, ..., channels).', false),
    },
    arity: ONE_INPUT,
    keras: { spatialRank: n, aliases: [`Global${mode === 'Max' ? 'MaxPool' : 'AvgPool'}${n}D`] },
    infer(c, inputs, ctx) {
      const x = only(inputs);
      if (x.shape.length !== n + 2) return rankError(ctx, x, expectedRank(n, c.data_format));
      const offset = c.data_format === 'channels_last' ? 1 : 2;
      const pooled = (i: number) => i >= offset && i < offset + n;
      const shape = c.keepdims ? x.shape.map((d, i) => (pooled(i) ? 1 : d)) : x.shape.filter((_, i) => !pooled(i));
      return { shape, weights: [] };
    },
  });
}

export const MaxPooling1D = pooling(1, 'Max');
export const MaxPooling2D = pooling(2, 'Max');
export const AveragePooling1D = pooling(1, 'Average');
export const AveragePooling2D = pooling(2, 'Average');
export const GlobalMaxPooling1D = globalPooling(1, 'Max');
export const GlobalMaxPooling2D = globalPooling(2, 'Max');
export const GlobalAveragePooling1D = globalPooling(1, 'Average');
export const GlobalAveragePooling2D = globalPooling(2, 'Average');

export const poolingLayers = [
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
];
