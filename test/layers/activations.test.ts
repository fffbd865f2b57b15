/**
 * ReLU, LeakyReLU, PReLU, ELU, Softmax: shapes, PReLU's weight, errors, and the tfjs layers run on
 * data; Keras 3's activation functions on both engines against NumPy goldens
 * (scripts/activation-goldens.py) and values worked out by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf, TfLayer } from '../../src/backends/tfjs/env.js';
import { tfjsEmitter } from '../../src/backends/tfjs/layers/registry.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { ELU, LeakyReLU, ReLU, Softmax } from '../../src/layers/activations.js';
import { withDefaults } from '../../src/layers/registry.js';
import { brief, compileText, oneLayer } from '../helpers.js';
import { activationFrom } from '../../src/backends/import/keras-values.js';
import { expectGolden, readGoldens, runOnnx, runTfjs, type Golden } from '../support/golden-engines.js';
import { specGraph } from '../support/onnx-oracle.js';

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

describe('Keras 3 activation functions on both engines (output and gradient)', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });
  const GOLDENS = readGoldens('activations/goldens.json');
  const names = Object.keys(GOLDENS);

  it('the goldens cover every activation added for Keras 3', () => {
    expect(names).toEqual(expect.arrayContaining(['gelu_approximate', 'hard_silu', 'hard_swish', 'celu', 'hard_tanh', 'log_sigmoid', 'soft_shrink', 'hard_shrink', 'tanh_shrink', 'squareplus', 'sparse_plus', 'sparse_sigmoid', 'sparsemax']));
  });
  it.each(names)('%s = NumPy on tfjs cpu', (name) => {
    const g = GOLDENS[name]!;
    expectGolden(runTfjs(tf, specGraph(g.spec), g), g, 1e-5);
  });
  it.each(names)('%s = NumPy on onnx', async (name) => {
    const g = GOLDENS[name]!;
    expectGolden(await runOnnx(specGraph(g.spec), g), g, 1e-5);
  });

  /** By hand: f(x) and f'(x) at one point (sparsemax: a row of two, probe [1, 0]). */
  const HAND: [string, number[], number[], number[]][] = [
    ['gelu_approximate', [0], [0], [0.5]],
    ['hard_silu', [1.5], [1.5 * 4.5 / 6], [2 * 1.5 / 6 + 0.5]],
    ['celu', [-1], [Math.exp(-1) - 1], [Math.exp(-1)]],
    ['hard_tanh', [-2], [-1], [0]],
    ['log_sigmoid', [0], [-Math.LN2], [0.5]],
    ['soft_shrink', [2], [1.5], [1]],
    ['hard_shrink', [0.4], [0], [0]],
    ['tanh_shrink', [0], [0], [0]],
    ['squareplus', [0], [1], [0.5]],
    ['sparse_plus', [0], [0.25], [0.5]],
    ['sparse_sigmoid', [0.5], [0.75], [0.5]],
    // tau = (0.5 + 0.3 - 1) / 2 = -0.1; the Jacobian on a support of 2 is I - 1/2.
    ['sparsemax', [0.5, 0.3], [0.6, 0.4], [0.5, -0.5]],
  ];
  const hand = (name: string, x: number[], y: number[], dx: number[]): Golden => ({
    spec: `nnspec: 1\nname: act\ninputs:\n  x: {shape: [${x.length}]}\nlayers:\n  y: {type: Activation, activation: ${name}, inputs: x}\noutputs: [y]\n`,
    inputs: { x: { shape: [1, x.length], values: x } },
    weights: {},
    probes: { y: { shape: [1, x.length], values: x.map((_, i) => (i === 0 ? 1 : 0)) } },
    outputs: { y: { shape: [1, x.length], values: y } },
    grads: { 'input:x': dx },
  });
  it.each(HAND)('%s(%j) = %j by hand on both engines', async (name, x, y, dx) => {
    const g = hand(name, x, y, dx);
    expectGolden(runTfjs(tf, specGraph(g.spec), g), g, 1e-6);
    expectGolden(await runOnnx(specGraph(g.spec), g), g, 1e-6);
  });
});

describe('import: the names nnspec saves its own tfjs activations under', () => {
  it.each([
    ['nnspec_gelu_approximate', 'gelu_approximate'],
    ['nnspec_hard_silu', 'hard_silu'],
    ['nnspec_sparse_plus', 'sparse_plus'],
    ['nnspec_hard_sigmoid', 'hard_sigmoid'],
    ['hard_silu', 'hard_silu'],
  ])('%s reads back as %s', (saved, name) => expect(activationFrom(saved)).toEqual({ value: name }));
  it('an nnspec_ name of no activation nnspec has is refused', () => {
    expect(activationFrom('nnspec_glu')).toEqual({ error: "activation 'nnspec_glu' is not one nnspec supports" });
  });
});
