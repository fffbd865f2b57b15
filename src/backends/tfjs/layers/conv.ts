/**
 * TensorFlow.js emitters for the convolutions. tfjs's own classes where they compute what Keras
 * does; nnspec's (conv-classes.ts) where tfjs lacks an argument or cannot train it.
 */
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from '../../../layers/conv.js';
import type { Constraint, Initializer, Regularizer } from '../../../layers/params.js';
import { tuple } from '../../../layers/shape.js';
import { activation, constraint, defined, initializer, kernelArgs, regularizer } from '../args.js';
import type { Tf, TfLayer } from '../env.js';
import { convClasses } from './conv-classes.js';
import { emitter, tfFormat, type TfjsFamily } from './emitter.js';

interface Geometry {
  kernel_size: number | number[];
  strides: number | number[];
  padding: 'valid' | 'same' | 'causal';
  data_format: 'channels_last' | 'channels_first';
  dilation_rate: number | number[];
}

/** tfjs can run but not train a dilated convolution (and ignores dilation in two layers): those use nnspec's classes. */
const undilated = (c: Geometry, n: number) => tuple(c.dilation_rate, n).every((d) => d === 1);

/** The tfjs arguments of a convolution's geometry (tfjs defaults equal Keras's here, but nnspec passes them). */
function geometryArgs(c: Geometry) {
  return { kernelSize: c.kernel_size, strides: c.strides, padding: c.padding, dataFormat: tfFormat(c.data_format), dilationRate: c.dilation_rate };
}

interface DepthwiseWeights {
  use_bias: boolean;
  depthwise_initializer: Initializer;
  bias_initializer: Initializer;
  depthwise_regularizer: Regularizer | null;
  bias_regularizer: Regularizer | null;
  depthwise_constraint: Constraint | null;
  bias_constraint: Constraint | null;
}

/** Like kernelArgs: no activityRegularizer, which tfjs refuses to call with (the trainer applies it). */
function depthwiseArgs(c: DepthwiseWeights) {
  return {
    useBias: c.use_bias,
    depthwiseInitializer: initializer(c.depthwise_initializer),
    biasInitializer: initializer(c.bias_initializer),
    depthwiseRegularizer: regularizer(c.depthwise_regularizer),
    biasRegularizer: regularizer(c.bias_regularizer),
    depthwiseConstraint: constraint(c.depthwise_constraint),
    biasConstraint: constraint(c.bias_constraint),
  };
}

/**
 * tfjs's SeparableConv2D leaves depth_multiplier out of its config, so a saved model.json reloads
 * with multiplier 1 and its weights no longer fit; this instance writes it back in.
 */
function keepDepthMultiplier(layer: TfLayer, depthMultiplier: number): void {
  const base = layer.getConfig.bind(layer);
  layer.getConfig = () => ({ ...base(), depthMultiplier });
}

/**
 * tfjs's SeparableConv2D builds its pointwise initializer from `depthwiseInitializer` (a tfjs bug),
 * so a distinct pointwise_initializer is taken from a throwaway layer that reads it as depthwise.
 */
function fixPointwiseInitializer(tf: Tf, layer: TfLayer, args: Record<string, unknown>): void {
  if (JSON.stringify(args.pointwiseInitializer) === JSON.stringify(args.depthwiseInitializer)) return;
  const donor = tf.layers.separableConv2d({ filters: 1, kernelSize: 1, depthwiseInitializer: args.pointwiseInitializer } as never);
  (layer as unknown as { pointwiseInitializer: unknown }).pointwiseInitializer = (donor as unknown as { depthwiseInitializer: unknown }).depthwiseInitializer;
}

export const conv: TfjsFamily = {
  classes: convClasses,
  emitters: [
    emitter(Conv1D, (c, { tf, name }) => {
      const args = defined({ name, filters: c.filters, ...geometryArgs(c), activation: activation(c.activation), ...kernelArgs(c) });
      // tfjs's Conv1D also throws on 'causal' and returns channels last for channels_first.
      const plain = c.padding !== 'causal' && c.data_format === 'channels_last' && undilated(c, 1);
      return plain ? tf.layers.conv1d(args as never) : new (convClasses(tf).Conv1D)(args);
    }),
    emitter(Conv2D, (c, { tf, name }) => {
      const args = defined({ name, filters: c.filters, ...geometryArgs(c), activation: activation(c.activation), ...kernelArgs(c) });
      return undilated(c, 2) ? tf.layers.conv2d(args as never) : new (convClasses(tf).Conv2D)(args);
    }),
    emitter(Conv2DTranspose, (c, { tf, name }) => {
      const args = defined({ name, filters: c.filters, ...geometryArgs(c), activation: activation(c.activation), ...kernelArgs(c) });
      // tfjs's Conv2DTranspose also has no output_padding.
      if (c.output_padding === null && undilated(c, 2)) return tf.layers.conv2dTranspose(args as never);
      return new (convClasses(tf).Conv2DTranspose)({ ...args, outputPadding: c.output_padding === null ? null : tuple(c.output_padding, 2) });
    }),
    emitter(DepthwiseConv2D, (c, { tf, name }) => {
      const args = defined({ name, ...geometryArgs(c), depthMultiplier: c.depth_multiplier, activation: activation(c.activation), ...depthwiseArgs(c) });
      return undilated(c, 2) ? tf.layers.depthwiseConv2d(args as never) : new (convClasses(tf).DepthwiseConv2D)(args);
    }),
    emitter(SeparableConv2D, (c, { tf, name }) => {
      const args = defined({
        name,
        filters: c.filters,
        ...geometryArgs(c),
        depthMultiplier: c.depth_multiplier,
        activation: activation(c.activation),
        ...depthwiseArgs(c),
        pointwiseInitializer: initializer(c.pointwise_initializer),
        pointwiseRegularizer: regularizer(c.pointwise_regularizer),
        pointwiseConstraint: constraint(c.pointwise_constraint),
      });
      // tfjs's SeparableConv2D also adds the bias on the wrong axis for channels_first (and throws).
      const plain = c.data_format === 'channels_last' && undilated(c, 2);
      const layer = plain ? tf.layers.separableConv2d(args as never) : new (convClasses(tf).SeparableConv2D)(args);
      fixPointwiseInitializer(tf, layer, args);
      keepDepthMultiplier(layer, c.depth_multiplier);
      return layer;
    }),
  ],
};
