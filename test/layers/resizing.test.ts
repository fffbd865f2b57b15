/**
 * ZeroPadding2D, Cropping2D, UpSampling2D: Keras 3 shape rules for every spelling of padding and
 * cropping, errors, and the tfjs layers run on data (asymmetric sides, unknown sizes, and
 * bilinear upsampling with Keras's half-pixel centers, which tfjs's own layer lacks).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { sides } from '../../src/layers/resizing.js';
import { bilinearWeights } from '../../src/layers/bilinear.js';
import { runsWithInferredShapes } from '../support/tfjs-fixtures.js';
import { ROOT, brief, compileText, inferOne, oneLayer } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

const outputOf = inferOne;

describe('shape rules', () => {
  it.each([
    ['{type: ZeroPadding2D}', '[10, 12, 3]', [null, 12, 14, 3]],
    ['{type: ZeroPadding2D, padding: 2}', '[10, 12, 3]', [null, 14, 16, 3]],
    ['{type: ZeroPadding2D, padding: [1, 3]}', '[10, 12, 3]', [null, 12, 18, 3]],
    ['{type: ZeroPadding2D, padding: [[0, 1], [2, 0]]}', '[10, 12, 3]', [null, 11, 14, 3]],
    ['{type: ZeroPadding2D, padding: [1, [2, 0]]}', '[10, 12, 3]', [null, 12, 14, 3]],
    ['{type: ZeroPadding2D, padding: [[1, 0], [0, 1]], data_format: channels_first}', '[3, 10, 12]', [null, 3, 11, 13]],
    ['{type: ZeroPadding2D, padding: 0}', '[null, 12, 3]', [null, null, 12, 3]],
    ['{type: Cropping2D}', '[10, 12, 3]', [null, 10, 12, 3]],
    ['{type: Cropping2D, cropping: 2}', '[10, 12, 3]', [null, 6, 8, 3]],
    ['{type: Cropping2D, cropping: [1, 3]}', '[10, 12, 3]', [null, 8, 6, 3]],
    ['{type: Cropping2D, cropping: [[0, 1], [5, 2]]}', '[10, 12, 3]', [null, 9, 5, 3]],
    ['{type: Cropping2D, cropping: [[1, 2], [3, 4]], data_format: channels_first}', '[3, 10, 12]', [null, 3, 7, 5]],
    ['{type: Cropping2D, cropping: [[4, 4], [0, 11]]}', '[null, 12, 3]', [null, null, 1, 3]],
    ['{type: UpSampling2D}', '[10, 12, 3]', [null, 20, 24, 3]],
    ['{type: UpSampling2D, size: 3}', '[10, 12, 3]', [null, 30, 36, 3]],
    ['{type: UpSampling2D, size: [2, 3], interpolation: bilinear}', '[10, 12, 3]', [null, 20, 36, 3]],
    ['{type: UpSampling2D, size: [1, 2], data_format: channels_first}', '[3, 10, 12]', [null, 3, 10, 24]],
    ['{type: UpSampling2D}', '[null, 12, 3]', [null, null, 24, 3]],
  ])('%s on %s gives %j and no weights', (layer, shape, expected) => {
    expect(outputOf(layer, shape)).toEqual({ shape: expected, params: 0 });
  });

  it('apply the Keras defaults', () => {
    expect(compileText(spec('{type: ZeroPadding2D}', '[4, 4, 1]')).graph!.layers[0]!.config).toMatchObject({ padding: [1, 1], data_format: 'channels_last' });
    expect(compileText(spec('{type: Cropping2D}', '[4, 4, 1]')).graph!.layers[0]!.config).toMatchObject({ cropping: [[0, 0], [0, 0]] });
    expect(compileText(spec('{type: UpSampling2D}', '[4, 4, 1]')).graph!.layers[0]!.config).toMatchObject({ size: [2, 2], interpolation: 'nearest' });
  });

  it.each([
    [3, [[3, 3], [3, 3]]],
    [[1, 2], [[1, 1], [2, 2]]],
    [[[0, 1], [2, 3]], [[0, 1], [2, 3]]],
    [[[0, 1], 4], [[0, 1], [4, 4]]],
  ] as const)('sides(%j) is %j', (value, expected) => {
    expect(sides(value as never)).toEqual(expected);
  });
});

describe('errors', () => {
  it('cropping everything (or more) names the input, its size and the crop', () => {
    const [d, ...rest] = compileText(spec('{type: Cropping2D, cropping: [[4, 4], [0, 0]]}', '[8, 9, 3]')).diagnostics;
    expect(rest).toEqual([]);
    expect({ code: d!.code, at: `${d!.line}:${d!.column}`, message: d!.message, hint: d!.hint }).toEqual({
      code: 'NN502',
      at: '6:35',
      message: "Cropping2D 'r' crops 4 + 4 rows from input x (None, 8, 9, 3), which has 8; nothing would be left on axis 1",
      hint: 'crop fewer than 8 rows in total',
    });
    expect(brief(spec('{type: Cropping2D, cropping: [1, 5], data_format: channels_first}', '[3, 8, 9]'))).toEqual([
      { code: 'NN502', at: '6:35', severity: 'error', message: "Cropping2D 'r' crops 5 + 5 cols from input x (None, 3, 8, 9), which has 9; nothing would be left on axis 3" },
    ]);
  });

  it('wrong rank names the expected axes', () => {
    expect(brief(spec('{type: UpSampling2D}', '[10, 3]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "UpSampling2D 'r' expects input of rank 4 (batch, rows, cols, channels); got x (None, 10, 3) of rank 3" },
    ]);
    expect(brief(spec('{type: ZeroPadding2D, data_format: channels_first}', '[10, 3]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "ZeroPadding2D 'r' expects input of rank 4 (batch, channels, rows, cols); got x (None, 10, 3) of rank 3" },
    ]);
  });

  // Schema messages are worded by the schema pass; these assert the place and what they name.
  it('schema: three sides, a negative pad, an interpolation tfjs lacks', () => {
    expect(brief(spec('{type: ZeroPadding2D, padding: [1, 2, 3]}', '[8, 8, 3]'))).toEqual([
      { code: 'NN207', at: '6:37', severity: 'error', message: expect.stringMatching(/^'padding' in ZeroPadding2D layer 'r' needs at most 2 /) },
    ]);
    expect(brief(spec('{type: Cropping2D, cropping: -1}', '[8, 8, 3]'))).toEqual([
      { code: 'NN204', at: '6:35', severity: 'error', message: expect.stringMatching(/^'cropping' in Cropping2D layer 'r' must be >= 0/) },
    ]);
    expect(brief(spec('{type: UpSampling2D, interpolation: bicubic}', '[8, 8, 3]'))).toEqual([
      { code: 'NN203', at: '6:42', severity: 'error', message: expect.stringMatching(/^'interpolation' in UpSampling2D layer 'r' cannot be 'bicubic'/) },
    ]);
  });
});

describe('TensorFlow.js layers', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });
  type Tensor = ReturnType<Tf['tensor']>;

  function run(inputShape: string, layer: string, x: number[][][][]) {
    const result = compileText(spec(layer, inputShape));
    expect(result.diagnostics).toEqual([]);
    const built = buildModel(result.graph!, tf);
    return { out: built.model.predict(tf.tensor4d(x)) as Tensor, layer: built.layers.get('r')! };
  }

  it('ZeroPadding2D pads each side by its own amount', () => {
    const { out } = run('[1, 1, 1]', '{type: ZeroPadding2D, padding: [[0, 1], [2, 0]]}', [[[[5]]]]);
    expect(out.arraySync()).toEqual([[[[0], [0], [5]], [[0], [0], [0]]]]);
  });

  it('Cropping2D with unknown sizes keeps them unknown symbolically and crops each side on data', () => {
    const image = [[[[0], [1], [2], [3]], [[4], [5], [6], [7]], [[8], [9], [10], [11]]]];
    const { out, layer } = run('[null, null, 1]', '{type: Cropping2D, cropping: [[1, 0], [0, 2]]}', image);
    expect(layer.getClassName()).toBe('Cropping2D');
    expect(layer.computeOutputShape([null, null, 7, 1])).toEqual([null, null, 5, 1]);
    expect(out.arraySync()).toEqual([[[[4], [5]], [[8], [9]]]]);
  });

  it('UpSampling2D nearest repeats rows and columns', () => {
    const { out } = run('[1, 2, 1]', '{type: UpSampling2D, size: [2, 2]}', [[[[1], [2]]]]);
    expect(out.arraySync()).toEqual([[[[1], [1], [2], [2]], [[1], [1], [2], [2]]]]);
  });

  it('UpSampling2D bilinear samples at half-pixel centers, as Keras does', () => {
    // width 2 -> 4: source x = (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    const { out, layer } = run('[1, 2, 1]', '{type: UpSampling2D, size: [1, 2], interpolation: bilinear}', [[[[0], [4]]]]);
    expect(out.arraySync()).toEqual([[[[0], [1], [3], [4]]]]);
    expect(layer.getClassName()).toBe('NnspecUpSampling2D');
  });

  it("UpSampling2D bilinear: Keras's half-pixel weights, equal to tfjs's resizeBilinear with halfPixelCenters", () => {
    expect(bilinearWeights(2, 2)).toEqual([[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]]);
    expect(bilinearWeights(1, 3)).toEqual([[1], [1], [1]]);
    const x = tf.randomNormal([2, 3, 4, 2]);
    const { out } = run('[3, 4, 2]', '{type: UpSampling2D, size: [3, 2], interpolation: bilinear}', x.arraySync() as number[][][][]);
    const reference = tf.image.resizeBilinear(x as never, [9, 8], false, true);
    expect(tf.max(tf.abs(tf.sub(out, reference))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it("UpSampling2D bilinear gradients are the half-pixel resize's (tfjs's resizeBilinear gradient ignores half-pixel centers)", () => {
    const { layer } = run('[1, 2, 1]', '{type: UpSampling2D, size: [1, 2], interpolation: bilinear}', [[[[0], [4]]]]);
    // d sum(out) / d x = column sums of the weights: [1 + 0.75 + 0.25 + 0, 0 + 0.25 + 0.75 + 1]
    const grad = tf.grad((x) => tf.sum(layer.apply(x) as Tensor))(tf.tensor4d([[[[0], [4]]]]));
    expect(grad.arraySync()).toEqual([[[[2], [2]]]]);
  });

  it('UpSampling2D bilinear with channels_first', () => {
    const { out } = run('[1, 1, 2]', '{type: UpSampling2D, size: [1, 2], interpolation: bilinear, data_format: channels_first}', [[[[0, 4]]]]);
    expect(out.arraySync()).toEqual([[[[0, 1, 3, 4]]]]);
  });

  const fixtures = readdirSync(join(ROOT, 'test/fixtures/valid')).filter((f) => f.startsWith('resizing_'));
  it.each(fixtures)('%s runs in tfjs with the output shapes nnspec infers', (name) => runsWithInferredShapes(tf, name));
});
