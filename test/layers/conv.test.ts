/**
 * Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D, DepthwiseConv2D: Keras 3 shape rules and weights
 * (worked by hand from Keras's formulas), errors, and the tfjs layers run on data where nnspec
 * fills a tfjs gap (causal and channels_first Conv1D, output_padding and dilation in
 * Conv2DTranspose, dilated DepthwiseConv2D, SeparableConv2D's pointwise initializer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { compile } from '../../src/compiler/compile.js';
import { ROOT, brief, compileText, oneLayer, oneLayerNode, specWith } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

function outputOf(layer: string, shape: string) {
  const node = oneLayerNode(layer, shape);
  return { shape: node.output!.shape, weights: node.layer!.weights!.map((w) => [w.name, ...w.shape].join(' ')), params: node.layer!.params };
}

describe('shape rules and weights', () => {
  it.each([
    // Conv1D: steps' = floor((steps - (k-1)*d - 1) / s) + 1 (valid), ceil(steps / s) (same, causal)
    ['{type: Conv1D, filters: 8, kernel_size: 5}', '[40, 6]', [null, 36, 8], ['kernel 5 6 8', 'bias 8'], 248],
    ['{type: Conv1D, filters: 8, kernel_size: 4, strides: 3, padding: same}', '[36, 8]', [null, 12, 8], ['kernel 4 8 8', 'bias 8'], 264],
    ['{type: Conv1D, filters: 4, kernel_size: 3, strides: 2, padding: causal}', '[7, 2]', [null, 4, 4], ['kernel 3 2 4', 'bias 4'], 28],
    ['{type: Conv1D, filters: 4, kernel_size: 3, dilation_rate: 4, padding: causal}', '[7, 2]', [null, 7, 4], ['kernel 3 2 4', 'bias 4'], 28],
    ['{type: Conv1D, filters: 8, kernel_size: 3, dilation_rate: 3}', '[null, 6]', [null, null, 8], ['kernel 3 6 8', 'bias 8'], 152],
    ['{type: Conv1D, filters: 8, kernel_size: [5], data_format: channels_first}', '[6, 40]', [null, 8, 36], ['kernel 5 6 8', 'bias 8'], 248],
    ['{type: Conv1D, filters: 8, kernel_size: 5, use_bias: false}', '[40, 6]', [null, 36, 8], ['kernel 5 6 8'], 240],
    // Conv2D
    ['{type: Conv2D, filters: 32, kernel_size: 3}', '[28, 28, 1]', [null, 26, 26, 32], ['kernel 3 3 1 32', 'bias 32'], 320],
    ['{type: Conv2D, filters: 4, kernel_size: [3, 5], strides: [2, 1], padding: same}', '[32, 31, 3]', [null, 16, 31, 4], ['kernel 3 5 3 4', 'bias 4'], 184],
    ['{type: Conv2D, filters: 4, kernel_size: 3, strides: 2}', '[15, 16, 3]', [null, 7, 7, 4], ['kernel 3 3 3 4', 'bias 4'], 112],
    ['{type: Conv2D, filters: 4, kernel_size: 3, dilation_rate: [2, 1]}', '[10, 10, 3]', [null, 6, 8, 4], ['kernel 3 3 3 4', 'bias 4'], 112],
    ['{type: Conv2D, filters: 16, kernel_size: 3, data_format: channels_first}', '[3, 32, 30]', [null, 16, 30, 28], ['kernel 3 3 3 16', 'bias 16'], 448],
    ['{type: Conv2D, filters: 16, kernel_size: 1, use_bias: false}', '[null, null, 3]', [null, null, null, 16], ['kernel 1 1 3 16'], 48],
    ['{type: Conv2D, filters: 8, kernel_size: 3, padding: same, groups: 1}', '[5, 5, 2]', [null, 5, 5, 8], ['kernel 3 3 2 8', 'bias 8'], 152],
    // Conv2DTranspose: L*s + max(k_eff - s, 0) (valid), L*s (same); with output_padding (L-1)*s + k_eff + op (valid), (L-1)*s + k_eff%2 + op (same)
    ['{type: Conv2DTranspose, filters: 32, kernel_size: 3, strides: 2, padding: same}', '[7, 7, 64]', [null, 14, 14, 32], ['kernel 3 3 32 64', 'bias 32'], 18464],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: 2}', '[7, 5, 4]', [null, 15, 11, 2], ['kernel 3 3 2 4', 'bias 2'], 74],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 2, strides: 3}', '[7, 5, 4]', [null, 21, 15, 2], ['kernel 2 2 2 4', 'bias 2'], 34],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: 2, output_padding: 1}', '[7, 5, 4]', [null, 16, 12, 2], ['kernel 3 3 2 4', 'bias 2'], 74],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: 2, padding: same, output_padding: [1, 0]}', '[7, 5, 4]', [null, 14, 9, 2], ['kernel 3 3 2 4', 'bias 2'], 74],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 3, dilation_rate: 2}', '[7, 5, 4]', [null, 11, 9, 2], ['kernel 3 3 2 4', 'bias 2'], 74],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 2, strides: 2, data_format: channels_first, use_bias: false}', '[4, 6, 5]', [null, 2, 12, 10], ['kernel 2 2 2 4'], 32],
    ['{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: 2}', '[null, 5, 4]', [null, null, 11, 2], ['kernel 3 3 2 4', 'bias 2'], 74],
    // SeparableConv2D: depthwise [kh, kw, in, dm], pointwise [1, 1, in*dm, filters]
    ['{type: SeparableConv2D, filters: 16, kernel_size: 3, depth_multiplier: 2}', '[32, 32, 3]', [null, 30, 30, 16], ['depthwise_kernel 3 3 3 2', 'pointwise_kernel 1 1 6 16', 'bias 16'], 166],
    ['{type: SeparableConv2D, filters: 8, kernel_size: 3, strides: 2, padding: same, use_bias: false}', '[9, 9, 4]', [null, 5, 5, 8], ['depthwise_kernel 3 3 4 1', 'pointwise_kernel 1 1 4 8'], 68],
    ['{type: SeparableConv2D, filters: 4, kernel_size: 3, dilation_rate: 2, data_format: channels_first}', '[3, 16, 16]', [null, 4, 12, 12], ['depthwise_kernel 3 3 3 1', 'pointwise_kernel 1 1 3 4', 'bias 4'], 43],
    // DepthwiseConv2D: out channels in * depth_multiplier, bias of that size
    ['{type: DepthwiseConv2D, kernel_size: 3, depth_multiplier: 2, padding: same}', '[32, 32, 8]', [null, 32, 32, 16], ['depthwise_kernel 3 3 8 2', 'bias 16'], 160],
    ['{type: DepthwiseConv2D, kernel_size: [3, 2], strides: 2, use_bias: false}', '[9, 9, 4]', [null, 4, 4, 4], ['depthwise_kernel 3 2 4 1'], 24],
    ['{type: DepthwiseConv2D, kernel_size: 3, dilation_rate: 2}', '[9, 10, 4]', [null, 5, 6, 4], ['depthwise_kernel 3 3 4 1', 'bias 4'], 40],
    ['{type: DepthwiseConv2D, kernel_size: 3, data_format: channels_first}', '[8, 32, 32]', [null, 8, 30, 30], ['depthwise_kernel 3 3 8 1', 'bias 8'], 80],
  ])('%s on %s gives %j', (layer, shape, expected, weights, params) => {
    expect(outputOf(layer, shape)).toEqual({ shape: expected, weights, params });
  });

  it('apply the Keras defaults', () => {
    const r = compileText(spec('{type: Conv2D, filters: 4, kernel_size: 3}', '[8, 8, 3]'));
    expect(r.graph!.layers[0]!.config).toMatchObject({
      strides: 1,
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: 1,
      groups: 1,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      kernel_regularizer: null,
    });
    const t = compileText(spec('{type: Conv2DTranspose, filters: 4, kernel_size: 3}', '[8, 8, 3]'));
    expect(t.graph!.layers[0]!.config).toMatchObject({ output_padding: null, strides: 1 });
    const d = compileText(spec('{type: DepthwiseConv2D, kernel_size: 3}', '[8, 8, 3]'));
    expect(d.graph!.layers[0]!.config).toMatchObject({ depth_multiplier: 1, depthwise_initializer: 'glorot_uniform' });
  });
});

describe('errors', () => {
  it('kernel_size is required (the chapter wrote Conv2D(1, strides=2))', () => {
    expect(brief(spec('{type: Conv2D, filters: 1, strides: 2}', '[32, 32, 128]'))).toEqual([
      { code: 'NN201', at: '6:3', severity: 'error', message: "Conv2D layer 'r' is missing required key 'kernel_size'" },
    ]);
    expect(brief(spec('{type: DepthwiseConv2D}', '[32, 32, 128]'))[0]).toMatchObject({ code: 'NN201', message: "DepthwiseConv2D layer 'r' is missing required key 'kernel_size'" });
  });

  it('a kernel larger than the input names the input, the kernel, the stride and the padding', () => {
    const [d, ...rest] = compileText(spec('{type: Conv2D, filters: 4, kernel_size: 5}', '[3, 3, 8]')).diagnostics;
    expect(rest).toEqual([]);
    expect({ code: d!.code, at: `${d!.line}:${d!.column}`, message: d!.message, hint: d!.hint }).toEqual({
      code: 'NN502',
      at: '6:46',
      message: "Conv2D 'r' with kernel_size (5, 5), strides (1, 1) and padding 'valid' would produce an output of size -1 on axis 1 for input x (None, 3, 3, 8)",
      hint: "use padding: same to keep the input's size, a smaller kernel_size, or a larger input",
    });
  });

  it('a dilated kernel too large for the input, on the second spatial axis', () => {
    expect(brief(spec('{type: Conv1D, filters: 4, kernel_size: 3, dilation_rate: 4}', '[8, 2]'))).toEqual([
      { code: 'NN502', at: '6:46', severity: 'error', message: "Conv1D 'r' with kernel_size (3,), strides (1,), dilation_rate (4,) and padding 'valid' would produce an output of size 0 on axis 1 for input x (None, 8, 2)" },
    ]);
    expect(brief(spec('{type: SeparableConv2D, filters: 4, kernel_size: [1, 4], data_format: channels_first}', '[3, 8, 3]'))).toEqual([
      { code: 'NN502', at: '6:55', severity: 'error', message: "SeparableConv2D 'r' with kernel_size (1, 4), strides (1, 1) and padding 'valid' would produce an output of size 0 on axis 3 for input x (None, 3, 8, 3)" },
    ]);
  });

  it('strides > 1 with dilation_rate > 1 is refused, as Keras does', () => {
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: 3, strides: 2, dilation_rate: [1, 2]}', '[32, 32, 8]'))).toEqual([
      {
        code: 'NN503',
        at: '6:76',
        severity: 'error',
        message: "Conv2D 'r' cannot combine strides (2, 2) with dilation_rate (1, 2); Keras supports strides > 1 or dilation_rate > 1, not both",
      },
    ]);
    expect(brief(spec('{type: DepthwiseConv2D, kernel_size: 3, strides: [1, 2], dilation_rate: 2}', '[32, 32, 8]'))[0]).toMatchObject({ code: 'NN503', at: '6:78' });
  });

  it('wrong rank names the expected axes', () => {
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: 3}', '[32, 8]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "Conv2D 'r' expects input of rank 4 (batch, rows, cols, channels); got x (None, 32, 8) of rank 3" },
    ]);
    expect(brief(spec('{type: Conv1D, filters: 4, kernel_size: 3, data_format: channels_first}', '[32, 8, 3]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "Conv1D 'r' expects input of rank 3 (batch, channels, steps); got x (None, 32, 8, 3) of rank 4" },
    ]);
  });

  it('an unknown channel dimension cannot size the kernel', () => {
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: 3}', '[32, 32, null]'))).toEqual([
      { code: 'NN506', at: '6:3', severity: 'error', message: "Conv2D 'r' needs the channel dimension of its input to be known; got x (None, 32, 32, None)" },
    ]);
    expect(brief(spec('{type: DepthwiseConv2D, kernel_size: 3, data_format: channels_first}', '[null, 32, 32]'))[0]).toMatchObject({ code: 'NN506' });
  });

  it('Conv2DTranspose: output_padding must be smaller than the stride', () => {
    expect(brief(spec('{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: [2, 3], output_padding: [1, 3]}', '[8, 8, 3]'))).toEqual([
      { code: 'NN503', at: '6:91', severity: 'error', message: "Conv2DTranspose 'r' needs output_padding smaller than strides on every axis; got output_padding (1, 3) with strides (2, 3)" },
    ]);
  });

  it("Conv2DTranspose: 'same' with an even kernel and output_padding 0 is refused (TensorFlow cannot compute it)", () => {
    expect(brief(spec('{type: Conv2DTranspose, filters: 2, kernel_size: [3, 4], strides: 2, padding: same, output_padding: 0}', '[8, 8, 3]'))).toEqual([
      {
        code: 'NN503',
        at: '6:106',
        severity: 'error',
        message: "Conv2DTranspose 'r' cannot use output_padding 0 with padding 'same' and the even kernel size 4 on axis 2: the output would be one stride too short to cover x (None, 8, 8, 3)",
      },
    ]);
  });

  // Schema messages are worded by the schema pass; these assert the place and what they name.
  it('schema: groups other than 1, causal padding outside Conv1D, kernel_size of the wrong length', () => {
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: 3, groups: 2}', '[8, 8, 4]'))).toEqual([
      { code: 'NN203', at: '6:57', severity: 'error', message: expect.stringMatching(/^'groups' in Conv2D layer 'r' must be 1, got .*2$/) },
    ]);
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: 3, padding: causal}', '[8, 8, 4]'))).toEqual([
      { code: 'NN203', at: '6:58', severity: 'error', message: expect.stringMatching(/^'padding' in Conv2D layer 'r' cannot be 'causal'/) },
    ]);
    expect(brief(spec('{type: Conv2D, filters: 4, kernel_size: [3, 3, 3]}', '[8, 8, 4]'))).toEqual([
      { code: 'NN207', at: '6:46', severity: 'error', message: expect.stringMatching(/^'kernel_size' in Conv2D layer 'r' needs at most 2 /) },
    ]);
    expect(brief(spec('{type: SeparableConv2D, filters: 4, kernel_size: 3, kernel_initializer: he_normal}', '[8, 8, 4]'))).toEqual([
      { code: 'NN200', at: '6:58', severity: 'error', message: expect.stringMatching(/^unknown key 'kernel_initializer' in SeparableConv2D layer 'r'/) },
    ]);
  });
});

describe('TensorFlow.js layers', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });
  type Tensor = ReturnType<Tf['tensor']>;

  function build(inputs: string, layers: string, outputs: string) {
    const result = compileText(specWith(inputs, layers, outputs));
    expect(result.diagnostics).toEqual([]);
    return buildModel(result.graph!, tf);
  }

  /** Deterministic weights in [-1, 1) that are not symmetric, so misplaced taps show. */
  const fill = (shape: number[], seed: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(Array.from({ length: n }, (_, i) => (((i + 1) * 7919 * (seed + 3)) % 200) / 100 - 1), shape);
  };
  const maxDiff = (a: Tensor, b: Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

  it("Conv1D 'causal' pads (kernel - 1) * dilation steps on the left, as Keras does", () => {
    const built = build('  x: {shape: [5, 1]}', '  r: {type: Conv1D, filters: 1, kernel_size: 2, dilation_rate: 2, padding: causal}', 'r');
    built.layers.get('r')!.setWeights([tf.tensor3d([[[1]], [[10]]]), tf.tensor1d([0.5])]);
    const out = built.model.predict(tf.tensor3d([[[1], [2], [3], [4], [5]]])) as Tensor;
    // out[t] = 1 * x[t - 2] + 10 * x[t] + 0.5, x[t < 0] = 0
    expect(out.arraySync()).toEqual([[[10.5], [20.5], [31.5], [42.5], [53.5]]]);
    expect(built.layers.get('r')!.getClassName()).toBe('NnspecConv1D');
  });

  it('Conv1D channels_first computes what channels_last computes on the transposed input', () => {
    const built = build(
      '  x: {shape: [2, 6]}\n  y: {shape: [6, 2]}',
      '  first: {type: Conv1D, filters: 3, kernel_size: 3, strides: 2, data_format: channels_first, inputs: x}\n  last: {type: Conv1D, filters: 3, kernel_size: 3, strides: 2, inputs: y}',
      'first, last',
    );
    const weights = [fill([3, 2, 3], 1), fill([3], 2)];
    built.layers.get('first')!.setWeights(weights);
    built.layers.get('last')!.setWeights(weights);
    const x = fill([1, 2, 6], 3);
    const [first, last] = built.model.predict([x, tf.transpose(x, [0, 2, 1])]) as Tensor[];
    expect(first!.shape).toEqual([1, 3, 2]);
    expect(maxDiff(first!, tf.transpose(last!, [0, 2, 1]))).toBeLessThan(1e-5);
  });

  /** Keras/TensorFlow conv_transpose by its definition: every input position adds a kernel-sized patch; 'same' crops pad_before. */
  function convTransposeReference(x: number[][][], k: number[][][][], s: number[], d: number[], padding: 'valid' | 'same', out: number[]): number[][][] {
    const [H, W] = [x.length, x[0]!.length];
    const [kh, kw, F] = [k.length, k[0]!.length, k[0]![0]!.length];
    const keff = [(kh - 1) * d[0]! + 1, (kw - 1) * d[1]! + 1];
    const pad = [H, W].map((n, i) => (padding === 'valid' ? 0 : Math.floor(Math.max((n - 1) * s[i]! + keff[i]! - out[i]!, 0) / 2)));
    const y = Array.from({ length: out[0]! }, () => Array.from({ length: out[1]! }, () => new Array<number>(F).fill(0)));
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const [r, c] = [i * s[0]! + a * d[0]! - pad[0]!, j * s[1]! + b * d[1]! - pad[1]!];
            if (r < 0 || c < 0 || r >= out[0]! || c >= out[1]!) continue;
            for (let f = 0; f < F; f++) for (let ch = 0; ch < x[i]![j]!.length; ch++) y[r]![c]![f]! += x[i]![j]![ch]! * k[a]![b]![f]![ch]!;
          }
    return y;
  }

  it.each([
    ['kernel_size: 3, strides: 2', [2, 2], [1, 1], 'valid'],
    ['kernel_size: [3, 2], strides: [2, 3], output_padding: [1, 2]', [2, 3], [1, 1], 'valid'],
    ['kernel_size: 3, strides: 2, padding: same, output_padding: 1', [2, 2], [1, 1], 'same'],
    ['kernel_size: 3, strides: 2, padding: same, output_padding: [0, 1]', [2, 2], [1, 1], 'same'],
    ['kernel_size: 3, dilation_rate: 2, padding: same', [1, 1], [2, 2], 'same'],
    ['kernel_size: [2, 3], dilation_rate: [3, 1]', [1, 1], [3, 1], 'valid'],
  ] as const)('Conv2DTranspose %s equals the transposed-convolution definition', (args, s, d, padding) => {
    const built = build('  x: {shape: [3, 4, 2]}', `  r: {type: Conv2DTranspose, filters: 2, ${args}, use_bias: false}`, 'r');
    const layer = built.layers.get('r')!;
    const kernel = fill(layer.getWeights()[0]!.shape, 5);
    layer.setWeights([kernel]);
    const x = fill([1, 3, 4, 2], 6);
    const out = built.model.predict(x) as Tensor;
    const expected = convTransposeReference((x.arraySync() as number[][][][])[0]!, kernel.arraySync() as number[][][][], [...s], [...d], padding, out.shape.slice(1, 3));
    expect(out.shape.slice(1)).toEqual((built.model.outputs[0]!.shape as number[]).slice(1));
    expect(maxDiff(out, tf.tensor([expected]))).toBeLessThan(1e-5);
  });

  it('Conv2DTranspose channels_first with output_padding equals channels_last on the transposed input, bias included', () => {
    const layers = (fmt: string, input: string) => `{type: Conv2DTranspose, filters: 2, kernel_size: 3, strides: 2, output_padding: 1, activation: tanh${fmt}, inputs: ${input}}`;
    const built = build('  x: {shape: [2, 3, 4]}\n  y: {shape: [3, 4, 2]}', `  first: ${layers(', data_format: channels_first', 'x')}\n  last: ${layers('', 'y')}`, 'first, last');
    const weights = [fill([3, 3, 2, 2], 7), tf.tensor1d([0.25, -0.5])];
    built.layers.get('first')!.setWeights(weights);
    built.layers.get('last')!.setWeights(weights);
    const x = fill([1, 2, 3, 4], 8);
    const [first, last] = built.model.predict([x, tf.transpose(x, [0, 2, 3, 1])]) as Tensor[];
    expect(first!.shape).toEqual([1, 2, 8, 10]);
    expect(maxDiff(first!, tf.transpose(last!, [0, 3, 1, 2]))).toBeLessThan(1e-5);
  });

  it('DepthwiseConv2D with dilation_rate equals the dilated depthwise definition (tfjs ignores dilation)', () => {
    const built = build('  x: {shape: [7, 8, 2]}', '  r: {type: DepthwiseConv2D, kernel_size: [2, 3], dilation_rate: [3, 2], depth_multiplier: 2, use_bias: false}', 'r');
    const kernel = fill([2, 3, 2, 2], 9);
    built.layers.get('r')!.setWeights([kernel]);
    const x = fill([1, 7, 8, 2], 10);
    const out = built.model.predict(x) as Tensor;
    expect(out.shape).toEqual([1, 4, 4, 4]);
    const [xs, ks] = [(x.arraySync() as number[][][][])[0]!, kernel.arraySync() as number[][][][]];
    const expected = [0, 1, 2, 3].map((r) =>
      [0, 1, 2, 3].map((c) =>
        [0, 1, 2, 3].map((o) => {
          const [ch, m] = [Math.floor(o / 2), o % 2];
          let sum = 0;
          for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) sum += xs[r + 3 * a]![c + 2 * b]![ch]! * ks[a]![b]![ch]![m]!;
          return sum;
        }),
      ),
    );
    expect(maxDiff(out, tf.tensor([expected]))).toBeLessThan(1e-5);
  });

  it('SeparableConv2D keeps a pointwise_initializer that differs from the depthwise one', () => {
    const built = build('  x: {shape: [8, 8, 3]}', '  r: {type: SeparableConv2D, filters: 4, kernel_size: 3, pointwise_initializer: he_normal}', 'r');
    // tfjs serializes both as VarianceScaling: glorot_uniform averages fans, he_normal uses fan_in.
    const config = built.layers.get('r')!.getConfig() as Record<string, { config: { mode: string; scale: number } }>;
    expect([config.depthwiseInitializer!.config, config.pointwiseInitializer!.config]).toMatchObject([
      { mode: 'fanAvg', scale: 1 },
      { mode: 'fanIn', scale: 2 },
    ]);
  });

  const fixtures = readdirSync(join(ROOT, 'test/fixtures/valid')).filter((f) => f.startsWith('conv_'));
  it.each(fixtures)('%s runs and trains in tfjs with the output shapes nnspec infers', async (name) => {
    const file = join(ROOT, 'test/fixtures/valid', name);
    const graph = compile(readFileSync(file), file).graph!;
    const built = buildModel(graph, tf);
    const feeds = graph.inputs.map((n) => {
      const shape = [2, ...n.output!.shape.slice(1).map((d) => d ?? 9)];
      return n.output!.dtype === 'int32' ? tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => i % 5), shape, 'int32') : fill(shape, 11);
    });
    const outs = [built.model.predict(feeds)].flat() as Tensor[];
    graph.outputs.forEach((name, i) => {
      const expected = graph.nodes.get(name)!.output!.shape.slice(1);
      const got = outs[i]!.shape.slice(1);
      expect({ name, shape: got.map((d, k) => (expected[k] === null ? null : d)) }).toEqual({ name, shape: expected });
      expect(tf.all(tf.isFinite(outs[i]!)).dataSync()[0]).toBe(1);
    });
    // Gradients for every weight: tfjs's own dilated-conv gradients would throw here.
    const loss = () => tf.addN((built.model.apply(feeds, { training: true }) as Tensor[]).map((o) => tf.mean(tf.square(o)))) as never;
    const { value, grads } = tf.variableGrads(loss);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).length).toBe(built.model.trainableWeights.length);
    for (const g of Object.values(grads)) expect(tf.all(tf.isFinite(g)).dataSync()[0]).toBe(1);
    built.model.dispose();
  });

  it("a dilated Conv1D trains: each tap's gradient sums the inputs it saw", () => {
    const built = build('  x: {shape: [5, 1]}', '  r: {type: Conv1D, filters: 1, kernel_size: 2, dilation_rate: 2, use_bias: false}', 'r');
    const layer = built.layers.get('r')!;
    const x = tf.tensor3d([[[1], [2], [3], [4], [5]]]);
    // out[t] = k0 x[t] + k1 x[t + 2] for t = 0..2: d sum / d k0 = 1 + 2 + 3, d sum / d k1 = 3 + 4 + 5
    const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as Tensor) as never, layer.trainableWeights.map((w) => (w as unknown as { val: never }).val));
    expect(Object.values(grads).map((g) => g.arraySync())).toEqual([[[[6]], [[12]]]]);
  });
});
