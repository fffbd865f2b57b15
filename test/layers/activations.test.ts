/** ReLU, LeakyReLU, PReLU, ELU, Softmax: shapes, PReLU's weight, errors, and the tfjs layers run on data. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf, TfLayer } from '../../src/backends/tfjs/env.js';
import { tfjsEmitter } from '../../src/backends/tfjs/layers/registry.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { ELU, LeakyReLU, ReLU, Softmax } from '../../src/layers/activations.js';
import { withDefaults } from '../../src/layers/registry.js';
import { brief, compileText, oneLayer } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

function built(layer: string, shape: string) {
  const result = compileText(spec(layer, shape));
  expect(result.diagnostics).toEqual([]);
  const l = result.graph!.layers[0]!;
  return { shape: result.graph!.nodes.get('r')!.output!.shape, weights: l.weights!.map((w) => [w.name, w.shape, w.trainable]), params: l.params };
}

describe('shape rules and weights', () => {
  it.each([
    ['{type: ReLU, max_value: 6}', '[null, 5]'],
    ['{type: LeakyReLU}', '[3]'],
    ['{type: ELU, alpha: 0.5}', '[4, 4, 3]'],
    ['{type: Softmax}', '[null, 10]'],
    ['{type: Softmax, axis: [1, 2]}', '[4, 5]'],
  ])('%s keeps the shape %s and has no weights', (layer, shape) => {
    expect(built(layer, shape)).toEqual({ shape: [null, ...JSON.parse(shape)], weights: [], params: 0 });
  });

  it.each([
    ['{type: PReLU}', '[4, 4, 3]', [4, 4, 3], 48],
    ['{type: PReLU, shared_axes: [1, 2]}', '[4, 4, 3]', [1, 1, 3], 3],
    ['{type: PReLU, shared_axes: 3}', '[4, 4, 3]', [4, 4, 1], 16],
    ['{type: PReLU, shared_axes: [1]}', '[null, 8]', [1, 8], 8],
    ['{type: PReLU}', '[10]', [10], 10],
  ])('%s on %s learns alpha %j (%i parameters)', (layer, shape, alpha, params) => {
    expect(built(layer, shape)).toEqual({ shape: [null, ...JSON.parse(shape)], weights: [['alpha', alpha, true]], params });
  });

  it('apply the Keras 3 defaults', () => {
    expect(withDefaults({ type: 'ReLU' })).toEqual({ type: 'ReLU', trainable: true, max_value: null, negative_slope: 0, threshold: 0 });
    expect(withDefaults({ type: 'LeakyReLU' })).toEqual({ type: 'LeakyReLU', trainable: true, negative_slope: 0.3 });
    expect(withDefaults({ type: 'PReLU' })).toEqual({ type: 'PReLU', trainable: true, alpha_initializer: 'zeros', alpha_regularizer: null, alpha_constraint: null, shared_axes: null });
    expect(withDefaults({ type: 'ELU' })).toEqual({ type: 'ELU', trainable: true, alpha: 1 });
    expect(withDefaults({ type: 'Softmax' })).toEqual({ type: 'Softmax', trainable: true, axis: -1 });
  });
});

describe('errors', () => {
  it('LeakyReLU: the Keras 2 name `alpha` is refused with a hint naming negative_slope', () => {
    const result = compileText(spec('{type: LeakyReLU, alpha: 0.2}', '[3]'));
    expect(result.diagnostics.map((d) => ({ code: d.code, at: `${d.line}:${d.column}`, message: d.message }))).toEqual([
      { code: 'NN200', at: '6:24', message: "unknown key 'alpha' in LeakyReLU layer 'r'" },
    ]);
    expect(result.diagnostics[0]!.hint).toContain('negative_slope');
  });

  it('ReLU: negative arguments are schema errors, as in Keras', () => {
    expect(brief(spec('{type: ReLU, negative_slope: -0.1}', '[3]'))).toEqual([
      { code: 'NN204', at: '6:35', severity: 'error', message: "'negative_slope' in ReLU layer 'r' must be >= 0, got -0.1" },
    ]);
    expect(brief(spec('{type: ReLU, max_value: -1}', '[3]'))).toEqual([
      { code: 'NN204', at: '6:30', severity: 'error', message: "'max_value' in ReLU layer 'r' must be >= 0, got -1" },
    ]);
  });

  it('PReLU: a shared axis beyond the input', () => {
    expect(brief(spec('{type: PReLU, shared_axes: [1, 3]}', '[4, 5]'))).toEqual([
      { code: 'NN503', at: '6:33', severity: 'error', message: "PReLU 'r' cannot share along axis 3 of x (None, 4, 5), which has axes 1 to 2" },
    ]);
  });

  it('PReLU: an unknown size on an axis that is not shared', () => {
    expect(brief(spec('{type: PReLU}', '[null, 8]'))).toEqual([
      { code: 'NN506', at: '6:3', severity: 'error', message: "PReLU 'r' needs axis 1 of its input to be known, since it learns one slope per element there; got x (None, None, 8)" },
    ]);
  });

  it('Softmax: an axis out of range or the batch axis', () => {
    expect(brief(spec('{type: Softmax, axis: 2}', '[4]'))).toEqual([
      { code: 'NN503', at: '6:28', severity: 'error', message: "Softmax 'r' cannot take the softmax over axis 2 of x (None, 4): it is out of range for rank 2" },
    ]);
    expect(brief(spec('{type: Softmax, axis: [0, 1]}', '[4]'))).toEqual([
      { code: 'NN503', at: '6:28', severity: 'error', message: "Softmax 'r' cannot take the softmax over axis 0 of x (None, 4): it is the batch axis" },
    ]);
  });
});

describe('TensorFlow.js layers compute the Keras functions', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });
  const env = () => ({ tf, name: 'r', inner: (): TfLayer => { throw new Error('no inner layer'); } });
  const xs = [-3, -1, -0.25, 0, 0.25, 0.5, 1, 4, 8];
  const run = (layer: TfLayer, values: number[] | number[][]) => (layer.apply(tf.tensor([values])) as ReturnType<Tf['tensor']>).arraySync() as number[][];
  const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));

  it('ReLU with negative_slope, threshold and max_value', () => {
    const layer = tfjsEmitter(ReLU)(withDefaults({ type: 'ReLU', max_value: 3, negative_slope: 0.1, threshold: 0.5 }) as never, env());
    // Keras's code (not its docstring): x kept where x > threshold, capped, negative_slope * (x - threshold) at or below
    close(run(layer, xs)[0]!, xs.map((x) => (x >= 3 ? 3 : x > 0.5 ? x : 0.1 * (x - 0.5))));
    expect(layer.getClassName()).toBe('NnspecReLU');
  });

  it('ReLU with only max_value uses the tfjs layer', () => {
    const layer = tfjsEmitter(ReLU)(withDefaults({ type: 'ReLU', max_value: 6 }) as never, env());
    expect(layer.getClassName()).toBe('ReLU');
    close(run(layer, xs)[0]!, xs.map((x) => Math.min(Math.max(x, 0), 6)));
  });

  it('LeakyReLU passes negative_slope as tfjs alpha (default 0.3)', () => {
    close(run(tfjsEmitter(LeakyReLU)(withDefaults({ type: 'LeakyReLU' }) as never, env()), xs)[0]!, xs.map((x) => (x >= 0 ? x : 0.3 * x)));
  });

  it('ELU with an alpha tfjs refuses', () => {
    const layer = tfjsEmitter(ELU)(withDefaults({ type: 'ELU', alpha: 0.5 }) as never, env());
    close(run(layer, xs)[0]!, xs.map((x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1))));
  });

  it('Softmax over the last axis by default (tfjs defaults to axis 1)', () => {
    const layer = tfjsEmitter(Softmax)(withDefaults({ type: 'Softmax' }) as never, env());
    const out = run(layer, [[1, 2, 3], [0, 0, 0]]) as unknown as number[][][];
    out[0]!.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    close(out[0]![1]!, [1 / 3, 1 / 3, 1 / 3]);
  });

  it('Softmax over a single axis that is not the last', () => {
    const layer = tfjsEmitter(Softmax)(withDefaults({ type: 'Softmax', axis: 1 }) as never, env());
    const out = run(layer, [[0, 5], [0, 5]]) as unknown as number[][][];
    close(out[0]!.map((row) => row[0]!), [0.5, 0.5]);
    close(out[0]!.map((row) => row[1]!), [0.5, 0.5]);
  });
});
