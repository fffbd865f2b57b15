/** Convolutions: Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D, DepthwiseConv2D (Keras 3 arguments and shapes). */
import { defineLayer, ONE_INPUT, only, rankError, type InferContext } from './kind.js';
import { kernelParams, optional, p } from './params.js';
import { convOutputLength, deconvOutputLength, formatShape, tuple, type Dim, type TensorSpec } from './shape.js';

type Padding = 'valid' | 'same' | 'causal';
type DataFormat = 'channels_last' | 'channels_first';

const FORMATS = ['channels_last', 'channels_first'] as const;
const dataFormat = () =>
  p.enum(FORMATS, 'Axis order of the input: channels_last (batch, ..., channels) or channels_first (batch, channels, ...).', 'channels_last');
const padding = () => p.enum(['valid', 'same'], "'valid' (no padding) or 'same' (pad so that stride 1 keeps the size).", 'valid');

function geometryParams(n: number) {
  return {
    kernel_size: p.intOrTuple(n, `Size of the convolution window: an int or ${n} ints. Keras has no default.`),
    strides: p.intOrTuple(n, 'Stride of the convolution: an int or one per spatial axis. Strides > 1 exclude dilation_rate > 1.', 1),
    padding: padding(),
    data_format: dataFormat(),
    dilation_rate: p.intOrTuple(n, 'Dilation rate of the convolution: an int or one per spatial axis.', 1),
  };
}

const GROUPS = p.any<number>(
  { type: 'integer', const: 1 },
  'Number of channel groups. TensorFlow.js has no grouped convolution, so only 1 (the Keras default) is accepted.',
  1,
);

/** The arguments every convolution shape rule reads. */
interface Geometry {
  kernel_size: number | number[];
  strides: number | number[];
  padding: Padding;
  data_format: DataFormat;
  dilation_rate: number | number[];
}

/** An input split into spatial sizes and a known channel count, after the rank check. */
interface Split {
  x: TensorSpec;
  spatial: Dim[];
  /** Axis of the first spatial dimension in the full shape: 1 (channels_last) or 2. */
  offset: number;
  channels: number;
}

function splitInput(inputs: TensorSpec[], n: number, format: DataFormat, ctx: InferContext): Split | undefined {
  const x = only(inputs);
  const named = n === 1 ? 'steps' : 'rows, cols';
  if (x.shape.length !== n + 2) {
    return rankError(ctx, x, format === 'channels_last' ? `${n + 2} (batch, ${named}, channels)` : `${n + 2} (batch, channels, ${named})`);
  }
  const channels = format === 'channels_last' ? x.shape[n + 1]! : x.shape[1]!;
  if (channels === null) {
    return ctx.error('NN506', `${ctx.describe} needs the channel dimension of its input to be known; got ${ctx.inputNames[0]} ${formatShape(x.shape)}`, {
      hint: `give the input a fixed number of channels (${format === 'channels_last' ? 'its last axis' : 'axis 1'})`,
    });
  }
  const offset = format === 'channels_last' ? 1 : 2;
  return { x, spatial: x.shape.slice(offset, offset + n), offset, channels };
}

/** Keras refuses strides > 1 together with dilation_rate > 1 (the TensorFlow kernels cannot do both). */
function stridedDilation(strides: number[], dilation: number[], ctx: InferContext): boolean {
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    ctx.error('NN503', `${ctx.describe} cannot combine strides ${formatShape(strides)} with dilation_rate ${formatShape(dilation)}; Keras supports strides > 1 or dilation_rate > 1, not both`, {
      param: 'dilation_rate',
      hint: 'use strides: 1 with a dilation, or dilation_rate: 1 with a stride',
    });
    return true;
  }
  return false;
}

/** Reports a window that does not fit its input; `what` names the window arguments as the user wrote them. */
function emptyOutput(ctx: InferContext, s: Split, spatialAxis: number, size: number, what: string): undefined {
  const axis = s.offset + spatialAxis;
  return ctx.error('NN502', `${ctx.describe} with ${what} would produce an output of size ${size} on axis ${axis} for input ${ctx.inputNames[0]} ${formatShape(s.x.shape)}`, {
    param: 'kernel_size',
    hint: "use padding: same to keep the input's size, a smaller kernel_size, or a larger input",
  });
}

/** Output spatial sizes of a convolution (Keras `compute_conv_output_shape`), or undefined after an error. */
function convSpatial(c: Geometry, s: Split, n: number, ctx: InferContext): Dim[] | undefined {
  const kernel = tuple(c.kernel_size, n);
  const strides = tuple(c.strides, n);
  const dilation = tuple(c.dilation_rate, n);
  if (stridedDilation(strides, dilation, ctx)) return undefined;
  const out = s.spatial.map((d, i) => convOutputLength(d, kernel[i]!, c.padding, strides[i]!, dilation[i]!));
  const bad = out.findIndex((d) => d !== null && d <= 0);
  if (bad !== -1) {
    const dilated = dilation.some((d) => d > 1) ? `, dilation_rate ${formatShape(dilation)}` : '';
    return emptyOutput(ctx, s, bad, out[bad]!, `kernel_size ${formatShape(kernel)}, strides ${formatShape(strides)}${dilated} and padding '${c.padding}'`);
  }
  return out;
}

function assemble(spatial: Dim[], channels: number, format: DataFormat): Dim[] {
  return format === 'channels_last' ? [null, ...spatial, channels] : [null, channels, ...spatial];
}

function convN(n: 1 | 2) {
  const type = `Conv${n}D`;
  return defineLayer({
    type,
    description:
      n === 1
        ? "1D convolution over (batch, steps, channels): padding 'causal' pads on the left only, so step t never sees later steps."
        : '2D convolution over (batch, rows, cols, channels) with `filters` kernels of size kernel_size.',
    params: {
      filters: p.int('Number of output channels (convolution kernels).'),
      ...geometryParams(n),
      padding:
        n === 1
          ? p.enum(['valid', 'same', 'causal'], "'valid' (no padding), 'same' (stride 1 keeps the size) or 'causal' (pad on the left only).", 'valid')
          : padding(),
      groups: GROUPS,
      activation: p.activation(),
      ...kernelParams,
    },
    arity: ONE_INPUT,
    keras: { spatialRank: n, aliases: [`Convolution${n}D`] },
    infer(c, inputs, ctx) {
      const s = splitInput(inputs, n, c.data_format, ctx);
      if (!s) return undefined;
      const out = convSpatial(c, s, n, ctx);
      if (!out) return undefined;
      const weights = [{ name: 'kernel', shape: [...tuple(c.kernel_size, n), s.channels / c.groups, c.filters], trainable: true }];
      if (c.use_bias) weights.push({ name: 'bias', shape: [c.filters], trainable: true });
      return { shape: assemble(out, c.filters, c.data_format), weights };
    },
  });
}

export const Conv1D = convN(1);
export const Conv2D = convN(2);

export const Conv2DTranspose = defineLayer({
  type: 'Conv2DTranspose',
  description: 'Transposed 2D convolution ("deconvolution"): maps each input position to a kernel-sized patch of the output.',
  params: {
    filters: p.int('Number of output channels.'),
    ...geometryParams(2),
    output_padding: optional(
      p.intOrTuple(2, 'Extra size added to one side of each spatial output axis; each must be smaller than the stride. null: inferred.', undefined, 0),
    ),
    activation: p.activation(),
    ...kernelParams,
  },
  arity: ONE_INPUT,
  keras: { spatialRank: 2, aliases: ['Deconvolution2D', 'Convolution2DTranspose'] },
  infer(c, inputs, ctx) {
    const s = splitInput(inputs, 2, c.data_format, ctx);
    if (!s) return undefined;
    const kernel = tuple(c.kernel_size, 2);
    const strides = tuple(c.strides, 2);
    const dilation = tuple(c.dilation_rate, 2);
    const outPad = c.output_padding === null ? null : tuple(c.output_padding, 2);
    if (stridedDilation(strides, dilation, ctx)) return undefined;
    if (outPad && outPad.some((op, i) => op >= strides[i]!)) {
      return ctx.error('NN503', `${ctx.describe} needs output_padding smaller than strides on every axis; got output_padding ${formatShape(outPad)} with strides ${formatShape(strides)}`, {
        param: 'output_padding',
        hint: 'each output_padding entry must be < the stride on its axis (0 when the stride is 1)',
      });
    }
    const out: Dim[] = [];
    for (let i = 0; i < 2; i++) {
      const effective = (kernel[i]! - 1) * dilation[i]! + 1;
      // With 'same' and an even (dilated) kernel, output_padding 0 gives a size whose forward
      // convolution is one step short of the input; TensorFlow refuses it (tfjs computes garbage).
      if (outPad && c.padding === 'same' && effective % 2 === 0 && outPad[i] === 0 && s.spatial[i] !== 1) {
        return ctx.error('NN503', `${ctx.describe} cannot use output_padding 0 with padding 'same' and the even kernel size ${effective} on axis ${s.offset + i}: the output would be one stride too short to cover ${ctx.inputNames[0]} ${formatShape(s.x.shape)}`, {
          param: 'output_padding',
          hint: 'leave output_padding null (the output is then input size × stride), or use an odd kernel_size',
        });
      }
      const d = deconvOutputLength(s.spatial[i]!, kernel[i]!, c.padding as 'valid' | 'same', strides[i]!, dilation[i]!, outPad ? outPad[i]! : null);
      if (d !== null && d <= 0) {
        return emptyOutput(ctx, s, i, d, `kernel_size ${formatShape(kernel)}, strides ${formatShape(strides)}, padding '${c.padding}' and output_padding ${formatShape(outPad!)}`);
      }
      out.push(d);
    }
    const weights = [{ name: 'kernel', shape: [...kernel, c.filters, s.channels], trainable: true }];
    if (c.use_bias) weights.push({ name: 'bias', shape: [c.filters], trainable: true });
    return { shape: assemble(out, c.filters, c.data_format), weights };
  },
});

const depthwiseParams = {
  depth_multiplier: p.int('Number of depthwise output channels per input channel.', 1),
  activation: p.activation(),
  use_bias: p.bool('Whether the layer uses a bias vector.', true),
  depthwise_initializer: p.initializer('glorot_uniform', 'Initializer for the depthwise kernel.'),
  bias_initializer: p.initializer('zeros', 'Initializer for the bias vector.'),
  depthwise_regularizer: p.regularizer('Regularizer applied to the depthwise kernel.'),
  bias_regularizer: p.regularizer('Regularizer applied to the bias vector.'),
  activity_regularizer: p.regularizer('Regularizer applied to the output of the layer.'),
  depthwise_constraint: p.constraint('Constraint applied to the depthwise kernel.'),
  bias_constraint: p.constraint('Constraint applied to the bias vector.'),
};

export const DepthwiseConv2D = defineLayer({
  type: 'DepthwiseConv2D',
  description: 'Depthwise 2D convolution: each input channel is convolved with its own depth_multiplier kernels; channels are not mixed.',
  params: { ...geometryParams(2), ...depthwiseParams },
  arity: ONE_INPUT,
  keras: { spatialRank: 2, aliases: ['DepthwiseConvolution2D'] },
  infer(c, inputs, ctx) {
    const s = splitInput(inputs, 2, c.data_format, ctx);
    if (!s) return undefined;
    const out = convSpatial(c, s, 2, ctx);
    if (!out) return undefined;
    const channels = s.channels * c.depth_multiplier;
    const weights = [{ name: 'depthwise_kernel', shape: [...tuple(c.kernel_size, 2), s.channels, c.depth_multiplier], trainable: true }];
    if (c.use_bias) weights.push({ name: 'bias', shape: [channels], trainable: true });
    return { shape: assemble(out, channels, c.data_format), weights };
  },
});

export const SeparableConv2D = defineLayer({
  type: 'SeparableConv2D',
  description: 'Depthwise separable 2D convolution: a depthwise convolution per channel, then a 1x1 pointwise convolution mixing channels.',
  params: {
    filters: p.int('Number of output channels of the pointwise convolution.'),
    ...geometryParams(2),
    ...depthwiseParams,
    pointwise_initializer: p.initializer('glorot_uniform', 'Initializer for the pointwise kernel.'),
    pointwise_regularizer: p.regularizer('Regularizer applied to the pointwise kernel.'),
    pointwise_constraint: p.constraint('Constraint applied to the pointwise kernel.'),
  },
  arity: ONE_INPUT,
  keras: { spatialRank: 2, aliases: ['SeparableConvolution2D'] },
  infer(c, inputs, ctx) {
    const s = splitInput(inputs, 2, c.data_format, ctx);
    if (!s) return undefined;
    const out = convSpatial(c, s, 2, ctx);
    if (!out) return undefined;
    const weights = [
      { name: 'depthwise_kernel', shape: [...tuple(c.kernel_size, 2), s.channels, c.depth_multiplier], trainable: true },
      { name: 'pointwise_kernel', shape: [1, 1, s.channels * c.depth_multiplier, c.filters], trainable: true },
    ];
    if (c.use_bias) weights.push({ name: 'bias', shape: [c.filters], trainable: true });
    return { shape: assemble(out, c.filters, c.data_format), weights };
  },
});

export const convLayers = [Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D, DepthwiseConv2D];
