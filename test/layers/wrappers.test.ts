/** Bidirectional and TimeDistributed: shape rules through the wrapped layer, weights, errors, tfjs emitters. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { brief, compileText, oneLayer } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

function built(layer: string, shape: string) {
  const result = compileText(spec(layer, shape));
  expect(result.diagnostics).toEqual([]);
  const node = result.graph!.nodes.get('r')!;
  return { shape: node.output!.shape, params: node.layer!.params, weights: node.layer!.weights!.map((w) => `${w.name} ${w.shape.join('x')}`) };
}

const LSTM_32_ON_64 = 4 * (32 * (64 + 32) + 32);

describe('Bidirectional', () => {
  it.each([
    ['{type: Bidirectional, layer: {type: LSTM, units: 32}}', '[10, 64]', [null, 64], 2 * LSTM_32_ON_64],
    ['{type: Bidirectional, layer: {type: LSTM, units: 32}, merge_mode: concat}', '[null, 64]', [null, 64], 24_832],
    ['{type: Bidirectional, layer: {type: LSTM, units: 32, return_sequences: true}}', '[10, 64]', [null, 10, 64], 24_832],
    ['{type: Bidirectional, layer: {type: LSTM, units: 32}, merge_mode: sum}', '[10, 64]', [null, 32], 24_832],
    ['{type: Bidirectional, layer: {type: LSTM, units: 32, return_sequences: true}, merge_mode: mul}', '[10, 64]', [null, 10, 32], 24_832],
    ['{type: Bidirectional, layer: {type: SimpleRNN, units: 4}, merge_mode: ave}', '[10, 3]', [null, 4], 2 * 4 * (3 + 4 + 1)],
    ['{type: Bidirectional, layer: {type: GRU, units: 8}}', '[10, 64]', [null, 16], 2 * 3 * (8 * (64 + 8) + 2 * 8)],
    ['{type: Bidirectional, layer: {type: GRU, units: 8, reset_after: false}}', '[10, 64]', [null, 16], 2 * 3 * (8 * (64 + 8) + 8)],
  ])('%s on %s gives %j with %i params', (layer, shape, out, params) => {
    const b = built(layer, shape);
    expect({ shape: b.shape, params: b.params }).toEqual({ shape: out, params });
  });

  it('lists the forward layer\'s weights, then the backward copy\'s', () => {
    expect(built('{type: Bidirectional, layer: {type: GRU, units: 2}}', '[5, 3]').weights).toEqual([
      'forward_kernel 3x6',
      'forward_recurrent_kernel 2x6',
      'forward_bias 2x6',
      'backward_kernel 3x6',
      'backward_recurrent_kernel 2x6',
      'backward_bias 2x6',
    ]);
  });

  it('applies Keras defaults to itself and to the wrapped layer', () => {
    const config = compileText(spec('{type: Bidirectional, layer: {type: GRU, units: 2}}', '[5, 3]')).graph!.layers[0]!.config;
    expect(config.merge_mode).toBe('concat');
    expect(config.layer).toMatchObject({ type: 'GRU', units: 2, reset_after: true, recurrent_activation: 'sigmoid', return_sequences: false });
  });

  it('needs a recurrent layer, pointing at the wrapped type and suggesting TimeDistributed', () => {
    const text = spec('{type: Bidirectional, layer: {type: Dense, units: 3}}', '[10, 3]');
    expect(brief(text)).toEqual([
      { code: 'NN503', at: '6:42', severity: 'error', message: "Bidirectional 'r' needs a recurrent layer to wrap (SimpleRNN, LSTM, GRU); got Dense" },
    ]);
    expect(compileText(text).diagnostics[0]!.hint).toBe('to apply a layer at every timestep, use TimeDistributed');
  });

  it('refuses a wrapped layer that already goes backwards, as Keras does', () => {
    expect(brief(spec('{type: Bidirectional, layer: {type: LSTM, units: 3, go_backwards: true}}', '[10, 3]'))).toEqual([
      {
        code: 'NN503',
        at: '6:72',
        severity: 'error',
        message: "Bidirectional 'r' wraps LSTM with go_backwards: true, so its backward copy would run backwards too; Keras refuses two directions that are the same",
      },
    ]);
  });

  it('refuses merge_mode: null, which has two outputs', () => {
    expect(brief(spec('{type: Bidirectional, layer: {type: LSTM, units: 3}, merge_mode: null}', '[10, 3]'))).toEqual([
      {
        code: 'NN503',
        at: '6:71',
        severity: 'error',
        message: "Bidirectional 'r' has merge_mode: null, which returns the forward and backward outputs separately; a node has one output in spec v1",
      },
    ]);
  });

  it('reports the wrapped layer\'s own shape errors', () => {
    expect(brief(spec('{type: Bidirectional, layer: {type: LSTM, units: 3}}', '[10]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "LSTM wrapped by 'r' expects input of rank 3 (batch, timesteps, features); got x (None, 10) of rank 2" },
    ]);
  });

  it.each([
    ['{type: Bidirectional, layer: {type: LSTM, units: 3}, merge_mode: max}', 'NN203', '6:71', "'merge_mode' in Bidirectional layer 'r' cannot be 'max'"],
    ['{type: Bidirectional, layer: {type: LSTM, units: 3}, backward_layer: {type: LSTM, units: 3}}', 'NN200', '6:59', "unknown key 'backward_layer' in Bidirectional layer 'r'; did you mean 'layer'?"],
    ['{type: Bidirectional}', 'NN201', '6:3', "Bidirectional layer 'r' is missing required key 'layer'"],
  ])('schema: %s', (layer, code, at, message) => {
    expect(brief(spec(layer, '[10, 3]'))).toEqual([{ code, at, severity: 'error', message }]);
  });
});

describe('TimeDistributed', () => {
  it.each([
    ['{type: TimeDistributed, layer: {type: Dense, units: 8}}', '[10, 16]', [null, 10, 8], 16 * 8 + 8],
    ['{type: TimeDistributed, layer: {type: Dense, units: 8}}', '[null, 16]', [null, null, 8], 136],
    ['{type: TimeDistributed, layer: {type: Dense, units: 8}}', '[5, 4, 3]', [null, 5, 4, 8], 32],
    ['{type: TimeDistributed, layer: {type: Dropout, rate: 0.5}}', '[5, 4, 3]', [null, 5, 4, 3], 0],
    ['{type: TimeDistributed, layer: {type: LSTM, units: 7}}', '[4, 6, 5]', [null, 4, 7], 4 * (7 * (5 + 7) + 7)],
    ['{type: TimeDistributed, layer: {type: GRU, units: 2, return_sequences: true}}', '[4, null, 5]', [null, 4, null, 2], 3 * (2 * 7 + 4)],
  ])('%s on %s gives %j with %i params', (layer, shape, out, params) => {
    const b = built(layer, shape);
    expect({ shape: b.shape, params: b.params }).toEqual({ shape: out, params });
  });

  it('owns the wrapped layer\'s weights, once (the same weights at every timestep)', () => {
    expect(built('{type: TimeDistributed, layer: {type: Dense, units: 2}}', '[9, 3]').weights).toEqual(['kernel 3x2', 'bias 2']);
  });

  it('needs a time axis', () => {
    expect(brief(spec('{type: TimeDistributed, layer: {type: Dense, units: 3}}', '[10]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "TimeDistributed 'r' expects input of rank >= 3 (batch, timesteps, ...); got x (None, 10) of rank 2" },
    ]);
  });

  it('reports the wrapped layer\'s errors on the per-timestep shape', () => {
    expect(brief(spec('{type: TimeDistributed, layer: {type: Dense, units: 3}}', '[10, null]'))).toEqual([
      { code: 'NN506', at: '6:3', severity: 'error', message: "Dense wrapped by 'r' needs the last dimension of its input to be known; got x with shape (None, None)" },
    ]);
  });

  it.each([
    ['{type: TimeDistributed, layer: {type: Bidirectional, layer: {type: LSTM, units: 3}}}', 'NN205', '6:44', "unknown layer type 'Bidirectional' in layer wrapped by 'r'"],
    ['{type: TimeDistributed, layer: {type: Concatenate}}', 'NN205', '6:44', "unknown layer type 'Concatenate' in layer wrapped by 'r'"],
  ])('schema: wrappers and merge layers cannot be wrapped: %s', (layer, code, at, message) => {
    expect(brief(spec(layer, '[10, 3, 4]'))).toEqual([{ code, at, severity: 'error', message }]);
  });
});

describe('a frozen wrapped layer (trainable: false), as in Keras', () => {
  it.each([
    ['{type: Bidirectional, layer: {type: LSTM, units: 2, trainable: false}}', '[3, 4]'],
    ['{type: Bidirectional, layer: {type: GRU, units: 2, trainable: false}, merge_mode: sum}', '[3, 4]'],
    ['{type: TimeDistributed, layer: {type: Dense, units: 2, trainable: false}}', '[3, 4]'],
  ])('%s: every weight is non-trainable', (layer, shape) => {
    const r = compileText(spec(layer, shape));
    expect(r.diagnostics).toEqual([]);
    const l = r.graph!.layers[0]!;
    expect({ params: l.params > 0, trainable: l.trainableParams, flags: [...new Set(l.weights!.map((w) => w.trainable))] }).toEqual({ params: true, trainable: 0, flags: [false] });
  });
});

describe('TensorFlow.js emitters', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });

  function model(layer: string, shape: string) {
    const r = compileText(spec(layer, shape));
    expect(r.diagnostics).toEqual([]);
    return buildModel(r.graph!, tf);
  }

  it.each(['concat', 'sum', 'mul', 'ave'])('Bidirectional merge_mode %s reaches tfjs, weights forward then backward', (mode) => {
    const { model: m, layers } = model(`{type: Bidirectional, layer: {type: LSTM, units: 2, return_sequences: true}, merge_mode: ${mode}}`, '[3, 4]');
    const bi = layers.get('r')!;
    expect(bi.getClassName()).toBe('Bidirectional');
    expect((bi.getConfig() as { mergeMode: string }).mergeMode).toBe(mode);
    // tfjs suffixes _1, _2 ... to variable names already used in the process.
    expect(bi.weights.map((w) => w.name.replace(/_\d+$/, ''))).toEqual([
      'r/forward_r_lstm/kernel',
      'r/forward_r_lstm/recurrent_kernel',
      'r/forward_r_lstm/bias',
      'r/backward_r_lstm/kernel',
      'r/backward_r_lstm/recurrent_kernel',
      'r/backward_r_lstm/bias',
    ]);
    expect(m.outputs[0]!.shape).toEqual([null, 3, mode === 'concat' ? 4 : 2]);
    m.dispose();
  });

  it('Bidirectional concat is [forward, reversed backward] on data', () => {
    const { model: m, layers } = model('{type: Bidirectional, layer: {type: SimpleRNN, units: 1, return_sequences: true, kernel_initializer: ones, recurrent_initializer: ones, activation: linear}}', '[3, 1]');
    const y = (m.predict(tf.tensor3d([[[1], [2], [3]]])) as ReturnType<Tf['tensor']>).arraySync();
    // Forward running sums 1, 3, 6; backward from the end 3, 5, 6, reversed back to time order 6, 5, 3.
    expect(y).toEqual([[[1, 6], [3, 5], [6, 3]]]);
    expect(layers.get('r')!.countParams()).toBe(6);
    m.dispose();
  });

  it.each([
    ['{type: Bidirectional, layer: {type: LSTM, units: 2, trainable: false}}'],
    ['{type: Bidirectional, layer: {type: GRU, units: 2, trainable: false}}'],
    ['{type: TimeDistributed, layer: {type: Dense, units: 2, trainable: false}}'],
  ])('%s is frozen in tfjs too', (layer) => {
    const { model: m, layers } = model(layer, '[3, 4]');
    expect(layers.get('r')!.trainableWeights).toEqual([]);
    expect(layers.get('r')!.nonTrainableWeights.length).toBeGreaterThan(0);
    m.dispose();
  });

  it('TimeDistributed applies the same Dense at every timestep', () => {
    const { model: m } = model('{type: TimeDistributed, layer: {type: Dense, units: 1, kernel_initializer: ones, bias_initializer: ones}}', '[2, 3]');
    const y = (m.predict(tf.tensor3d([[[1, 2, 3], [4, 5, 6]]])) as ReturnType<Tf['tensor']>).arraySync();
    expect(y).toEqual([[[7], [16]]]);
    m.dispose();
  });
});
