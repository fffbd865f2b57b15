/** Flatten, Reshape, Permute, RepeatVector: Keras 3 shape rules, errors, and the tfjs layers run on data. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { tfjsEmitter } from '../../src/backends/tfjs/layers/registry.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { Flatten, Reshape } from '../../src/layers/reshape.js';
import { brief, compileText, inferOne, oneLayer } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

const outputOf = inferOne;

describe('shape rules', () => {
  it.each([
    ['{type: Flatten}', '[4, 6, 3]', [null, 72]],
    ['{type: Flatten}', '[12]', [null, 12]],
    ['{type: Flatten}', '[]', [null, 1]],
    ['{type: Flatten}', '[null, 8]', [null, null]],
    ['{type: Flatten, data_format: channels_first}', '[3, 4, 6]', [null, 72]],
    ['{type: Reshape, target_shape: [3, 4]}', '[12]', [null, 3, 4]],
    ['{type: Reshape, target_shape: [-1, 2, 2]}', '[12]', [null, 3, 2, 2]],
    ['{type: Reshape, target_shape: [6, -1]}', '[4, 6, 3]', [null, 6, 12]],
    ['{type: Reshape, target_shape: [-1, 4]}', '[null, 8]', [null, null, 4]],
    ['{type: Reshape, target_shape: [5, 7]}', '[null, 8]', [null, 5, 7]],
    ['{type: Permute, dims: [2, 1]}', '[10, 64]', [null, 64, 10]],
    ['{type: Permute, dims: [3, 1, 2]}', '[4, 6, 3]', [null, 3, 4, 6]],
    ['{type: Permute, dims: [2, 1]}', '[null, 5]', [null, 5, null]],
    ['{type: Permute, dims: [1]}', '[5]', [null, 5]],
    ['{type: RepeatVector, n: 3}', '[32]', [null, 3, 32]],
    ['{type: RepeatVector, n: 2}', '[null]', [null, 2, null]],
  ])('%s on %s gives %j and no weights', (layer, shape, expected) => {
    expect(outputOf(layer, shape)).toEqual({ shape: expected, params: 0 });
  });

  it('apply Keras defaults', () => {
    const r = compileText(spec('{type: Flatten}', '[2]'));
    expect(r.graph!.layers[0]!.config).toEqual({ type: 'Flatten', trainable: true, data_format: 'channels_last' });
  });
});

describe('errors', () => {
  it('Reshape: element counts that differ name both shapes', () => {
    expect(brief(spec('{type: Reshape, target_shape: [5, 3]}', '[12]'))).toEqual([
      { code: 'NN503', at: '6:36', severity: 'error', message: "Reshape 'r' cannot reshape x (None, 12) of 12 elements into target_shape (5, 3) of 15 elements" },
    ]);
  });

  it('Reshape: a -1 that cannot divide the element count', () => {
    expect(brief(spec('{type: Reshape, target_shape: [5, -1]}', '[4, 3]'))).toEqual([
      { code: 'NN503', at: '6:36', severity: 'error', message: "Reshape 'r' cannot reshape x (None, 4, 3) of 12 elements into target_shape (5, -1): 12 is not a multiple of 5" },
    ]);
  });

  it('Reshape: two -1 entries', () => {
    expect(brief(spec('{type: Reshape, target_shape: [-1, -1]}', '[12]'))).toEqual([
      { code: 'NN503', at: '6:36', severity: 'error', message: "Reshape 'r' has more than one -1 in target_shape (-1, -1); only one size can be inferred" },
    ]);
  });

  it('Reshape: sizes below 1 other than -1 are schema errors', () => {
    expect(brief(spec('{type: Reshape, target_shape: [0, 12]}', '[12]'))).toEqual([
      { code: 'NN204', at: '6:37', severity: 'error', message: "item 1 of 'target_shape' in Reshape layer 'r' must be >= 1, got 0" },
    ]);
  });

  it('Reshape: target_shape is required', () => {
    expect(brief(spec('{type: Reshape}', '[12]'))).toEqual([
      { code: 'NN201', at: '6:3', severity: 'error', message: "Reshape layer 'r' is missing required key 'target_shape'" },
    ]);
  });

  it('Permute: dims must be a permutation of 1..rank-1', () => {
    expect(brief(spec('{type: Permute, dims: [1, 3]}', '[4, 6]'))).toEqual([
      { code: 'NN503', at: '6:28', severity: 'error', message: "Permute 'r' needs dims to be a permutation of 1, 2 for x (None, 4, 6); got dims [1,3]" },
    ]);
    expect(brief(spec('{type: Permute, dims: [1, 1]}', '[4, 6]'))[0]!.code).toBe('NN503');
  });

  it('Permute: dims must cover every axis of the input', () => {
    expect(brief(spec('{type: Permute, dims: [2, 1]}', '[4, 6, 3]'))).toEqual([
      { code: 'NN503', at: '6:28', severity: 'error', message: "Permute 'r' needs dims to be a permutation of 1, 2, 3 for x (None, 4, 6, 3); got dims [2,1]" },
    ]);
  });

  it('RepeatVector: input of rank 2 only', () => {
    expect(brief(spec('{type: RepeatVector, n: 3}', '[4, 6]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "RepeatVector 'r' expects input of rank 2 (batch, features); got x (None, 4, 6) of rank 3" },
    ]);
  });
});

describe('TensorFlow.js layers', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });
  const env = () => ({ tf, name: 'r', inner: () => { throw new Error('no inner layer'); } });

  it('Flatten takes what tfjs Flatten refuses (rank 2, unknown sizes) and keeps its class name', () => {
    const layer = tfjsEmitter(Flatten)({ data_format: 'channels_last' }, env());
    expect(layer.getClassName()).toBe('Flatten');
    expect(layer.computeOutputShape([null, null, 8])).toEqual([null, null]);
    const out = layer.apply(tf.tensor2d([[1, 2], [3, 4]])) as ReturnType<Tf['tensor']>;
    expect(out.arraySync()).toEqual([[1, 2], [3, 4]]);
  });

  it('Flatten channels_first moves channels last first', () => {
    const layer = tfjsEmitter(Flatten)({ data_format: 'channels_first' }, env());
    // one sample, 2 channels of 2 positions: channels last gives [c0p0, c1p0, c0p1, c1p1]
    const out = layer.apply(tf.tensor3d([[[1, 2], [3, 4]]])) as ReturnType<Tf['tensor']>;
    expect(out.arraySync()).toEqual([[1, 3, 2, 4]]);
  });

  it('Reshape resolves -1 in its symbolic shape, which tfjs Reshape leaves unknown', () => {
    const layer = tfjsEmitter(Reshape)({ target_shape: [2, -1] }, env());
    expect(layer.getClassName()).toBe('Reshape');
    expect(layer.computeOutputShape([null, 12])).toEqual([null, 2, 6]);
    const out = layer.apply(tf.tensor2d([[1, 2, 3, 4, 5, 6]])) as ReturnType<Tf['tensor']>;
    expect(out.shape).toEqual([1, 2, 3]);
  });
});
