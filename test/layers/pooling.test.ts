/**
 * Max/AveragePooling1D/2D and the global poolings: Keras 3 shape rules (worked by hand from
 * `compute_pooling_output_shape`), defaults, errors, and the tfjs layers run on data: keepdims,
 * channels_first, and GlobalAveragePooling1D's masked mean, which tfjs's own layer lacks.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { runsWithInferredShapes } from '../support/tfjs-fixtures.js';
import { ROOT, brief, compileText, inferOne, oneLayer, specWith } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

const outputOf = inferOne;

describe('shape rules', () => {
  it.each([
    // valid: floor((n - pool) / stride) + 1; same: floor((n - 1) / stride) + 1; stride defaults to pool_size
    ['{type: MaxPooling1D}', '[40, 8]', [null, 20, 8]],
    ['{type: MaxPooling1D, pool_size: 3, strides: 1, padding: same}', '[40, 8]', [null, 40, 8]],
    ['{type: AveragePooling1D, pool_size: 4, strides: 3}', '[40, 8]', [null, 13, 8]],
    ['{type: AveragePooling1D, pool_size: [3], padding: same}', '[40, 8]', [null, 14, 8]],
    ['{type: MaxPooling1D, pool_size: 3}', '[null, 8]', [null, null, 8]],
    ['{type: MaxPooling2D}', '[27, 32, 8]', [null, 13, 16, 8]],
    ['{type: MaxPooling2D, pool_size: 3, strides: 2}', '[27, 32, 8]', [null, 13, 15, 8]],
    ['{type: MaxPooling2D, pool_size: [3, 2], strides: [2, 3], padding: same}', '[27, 32, 8]', [null, 14, 11, 8]],
    ['{type: AveragePooling2D, pool_size: 2, data_format: channels_first}', '[8, 15, 15]', [null, 8, 7, 7]],
    ['{type: AveragePooling2D, pool_size: 2, strides: 1}', '[5, 5, 1]', [null, 4, 4, 1]],
    ['{type: MaxPooling2D, pool_size: 3, strides: 2, padding: same}', '[null, 10, null]', [null, null, 5, null]],
    ['{type: GlobalMaxPooling1D}', '[40, 8]', [null, 8]],
    ['{type: GlobalAveragePooling1D, keepdims: true}', '[40, 8]', [null, 1, 8]],
    ['{type: GlobalAveragePooling1D, data_format: channels_first}', '[8, 40]', [null, 8]],
    ['{type: GlobalMaxPooling1D}', '[null, 8]', [null, 8]],
    ['{type: GlobalAveragePooling2D}', '[7, 7, 512]', [null, 512]],
    ['{type: GlobalMaxPooling2D, keepdims: true}', '[7, 7, 512]', [null, 1, 1, 512]],
    ['{type: GlobalAveragePooling2D, keepdims: true, data_format: channels_first}', '[512, 7, 7]', [null, 512, 1, 1]],
    ['{type: GlobalMaxPooling2D, data_format: channels_first}', '[512, null, null]', [null, 512]],
  ])('%s on %s gives %j and no weights', (layer, shape, expected) => {
    expect(outputOf(layer, shape)).toEqual({ shape: expected, params: 0 });
  });

  it('apply the Keras defaults', () => {
    const one = compileText(spec('{type: MaxPooling1D}', '[8, 2]'));
    expect(one.graph!.layers[0]!.config).toMatchObject({ pool_size: 2, strides: null, padding: 'valid', data_format: 'channels_last' });
    const two = compileText(spec('{type: AveragePooling2D}', '[8, 8, 2]'));
    expect(two.graph!.layers[0]!.config).toMatchObject({ pool_size: [2, 2], strides: null, padding: 'valid', data_format: 'channels_last' });
    const global = compileText(spec('{type: GlobalAveragePooling2D}', '[8, 8, 2]'));
    expect(global.graph!.layers[0]!.config).toMatchObject({ keepdims: false, data_format: 'channels_last' });
  });
});

describe('errors', () => {
  it('pooling takes no activation (the chapter wrote AveragePooling2D(3, strides=2, activation=relu))', () => {
    expect(brief(spec('{type: AveragePooling2D, pool_size: 3, strides: 2, activation: relu}', '[32, 32, 64]'))).toEqual([
      { code: 'NN200', at: '6:57', severity: 'error', message: "unknown key 'activation' in AveragePooling2D layer 'r'" },
    ]);
  });

  it('a window larger than the input names the input, the window, the stride and the padding', () => {
    const [d, ...rest] = compileText(spec('{type: MaxPooling2D, pool_size: [2, 9]}', '[8, 8, 3]')).diagnostics;
    expect(rest).toEqual([]);
    expect({ code: d!.code, at: `${d!.line}:${d!.column}`, message: d!.message, hint: d!.hint }).toEqual({
      code: 'NN502',
      at: '6:38',
      message: "MaxPooling2D 'r' with pool_size (2, 9), strides (2, 9) and padding 'valid' would produce an output of size 0 on axis 2 for input x (None, 8, 8, 3)",
      hint: 'use padding: same, a smaller pool_size, or a larger input',
    });
    expect(brief(spec('{type: AveragePooling1D, pool_size: 5, strides: 1}', '[4, 3]'))).toEqual([
      { code: 'NN502', at: '6:42', severity: 'error', message: "AveragePooling1D 'r' with pool_size (5,), strides (1,) and padding 'valid' would produce an output of size 0 on axis 1 for input x (None, 4, 3)" },
    ]);
    expect(brief(spec('{type: AveragePooling1D, pool_size: 5, padding: same}', '[4, 3]'))).toEqual([]);
  });

  it('wrong rank names the expected axes', () => {
    expect(brief(spec('{type: MaxPooling2D}', '[32, 8]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "MaxPooling2D 'r' expects input of rank 4 (batch, rows, cols, channels); got x (None, 32, 8) of rank 3" },
    ]);
    expect(brief(spec('{type: GlobalAveragePooling1D, data_format: channels_first}', '[4, 32, 8]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "GlobalAveragePooling1D 'r' expects input of rank 3 (batch, channels, steps); got x (None, 4, 32, 8) of rank 4" },
    ]);
  });

  // Schema messages are worded by the schema pass; these assert the place and what they name.
  it('schema: channels_first in 1D window pooling (tfjs lacks it), a zero pool_size', () => {
    expect(brief(spec('{type: MaxPooling1D, data_format: channels_first}', '[8, 3]'))).toEqual([
      { code: 'NN203', at: '6:40', severity: 'error', message: expect.stringMatching(/^'data_format' in MaxPooling1D layer 'r' cannot be 'channels_first'/) },
    ]);
    expect(brief(spec('{type: MaxPooling2D, pool_size: [2, 0]}', '[8, 8, 3]'))).toEqual([
      { code: 'NN204', at: '6:42', severity: 'error', message: expect.stringMatching(/^item 2 of 'pool_size' in MaxPooling2D layer 'r' must be >= 1/) },
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

  const embeddings = [[9, 9], [1, 2], [3, 6], [5, 10]];

  it('GlobalAveragePooling1D after Embedding(mask_zero) averages the unmasked steps, as Keras does', () => {
    const built = build(
      '  ids: {shape: [4], dtype: int32}',
      '  emb: {type: Embedding, input_dim: 4, output_dim: 2, mask_zero: true}\n  r: {type: GlobalAveragePooling1D}\n  keep: {type: GlobalAveragePooling1D, keepdims: true, inputs: emb}',
      'r, keep',
    );
    built.layers.get('emb')!.setWeights([tf.tensor2d(embeddings)]);
    const [r, keep] = built.model.predict(tf.tensor2d([[1, 2, 0, 0], [3, 0, 0, 0]], undefined, 'int32')) as Tensor[];
    expect(r!.arraySync()).toEqual([[2, 4], [5, 10]]);
    expect(keep!.arraySync()).toEqual([[[2, 4]], [[5, 10]]]);
  });

  it('a mask dropped by a layer without masking is not used downstream (tfjs leaves it in later calls)', () => {
    // Keras 3: Conv1D does not support masking, so the mask stops there and the mean is over all steps.
    const built = build(
      '  ids: {shape: [4], dtype: int32}',
      '  emb: {type: Embedding, input_dim: 4, output_dim: 2, mask_zero: true}\n  conv: {type: Conv1D, filters: 2, kernel_size: 1, use_bias: false}\n  r: {type: GlobalAveragePooling1D}',
      'r',
    );
    built.layers.get('emb')!.setWeights([tf.tensor2d(embeddings)]);
    built.layers.get('conv')!.setWeights([tf.tensor3d([[[1, 0], [0, 1]]])]);
    const r = built.model.predict(tf.tensor2d([[1, 2, 0, 0]], undefined, 'int32')) as Tensor;
    expect(r.arraySync()).toEqual([[5.5, 6.5]]); // masked, it would be [[2, 4]]
  });

  it('global pooling over channels_first and keepdims', () => {
    const built = build(
      '  x: {shape: [2, 2, 3]}',
      '  mx: {type: GlobalMaxPooling2D, data_format: channels_first}\n  avg: {type: GlobalAveragePooling2D, keepdims: true, data_format: channels_first, inputs: x}',
      'mx, avg',
    );
    const [mx, avg] = built.model.predict(tf.tensor4d([[[[1, 2, 3], [4, 5, 6]], [[-1, -2, -3], [-4, -5, -6]]]])) as Tensor[];
    expect(mx!.arraySync()).toEqual([[6, -1]]);
    expect(avg!.arraySync()).toEqual([[[[3.5]], [[-3.5]]]]);
  });

  it('strides default to pool_size in the tfjs layer too', () => {
    const built = build('  x: {shape: [6, 1]}', '  r: {type: MaxPooling1D, pool_size: 3}', 'r');
    const out = built.model.predict(tf.tensor3d([[[1], [5], [2], [0], [7], [3]]])) as Tensor;
    expect(out.arraySync()).toEqual([[[5], [7]]]);
  });

  const fixtures = readdirSync(join(ROOT, 'test/fixtures/valid')).filter((f) => f.startsWith('pooling_'));
  it.each(fixtures)('%s runs in tfjs with the output shapes nnspec infers', (name) => runsWithInferredShapes(tf, name));
});
