/** SimpleRNN, LSTM, GRU: Keras 3 shape rules, weights and parameter counts, errors, and the tfjs emitters. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { tfjsEmitter } from '../../src/backends/tfjs/layers/registry.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { GRU, LSTM, SimpleRNN } from '../../src/layers/recurrent.js';
import { brief, compileText, oneLayer } from '../helpers.js';

/** One input `x` of the given shape feeding one layer `r` (on line 6, its value from column 6). */
const spec = oneLayer;

function built(layer: string, shape: string) {
  const result = compileText(spec(layer, shape));
  expect(result.diagnostics).toEqual([]);
  const node = result.graph!.nodes.get('r')!;
  return { shape: node.output!.shape, params: node.layer!.params, weights: node.layer!.weights!.map((w) => `${w.name} ${w.shape.join('x')}`) };
}

describe('shape rules and parameter counts', () => {
  it.each([
    // Keras: units * (features + units + 1) per gate block.
    ['{type: SimpleRNN, units: 8}', '[5, 16]', [null, 8], 8 * (16 + 8 + 1)],
    ['{type: SimpleRNN, units: 8, return_sequences: true}', '[5, 16]', [null, 5, 8], 200],
    ['{type: SimpleRNN, units: 8, use_bias: false}', '[null, 16]', [null, 8], 8 * (16 + 8)],
    ['{type: LSTM, units: 32}', '[10, 64]', [null, 32], 12_416],
    ['{type: LSTM, units: 32, return_sequences: true}', '[null, 64]', [null, null, 32], 12_416],
    ['{type: LSTM, units: 32, use_bias: false}', '[10, 64]', [null, 32], 4 * 32 * (64 + 32)],
    ['{type: LSTM, units: 16, go_backwards: true, dropout: 0.5}', '[7, 32]', [null, 16], 3_136],
    // GRU, Keras default reset_after: true: 3 * (units * (features + units) + 2 * units).
    ['{type: GRU, units: 16}', '[10, 8]', [null, 16], 3 * (16 * (8 + 16) + 2 * 16)],
    ['{type: GRU, units: 16, reset_after: false}', '[10, 8]', [null, 16], 3 * (16 * (8 + 16) + 16)],
    ['{type: GRU, units: 4, use_bias: false}', '[3, 6]', [null, 4], 3 * 4 * (6 + 4)],
    ['{type: GRU, units: 4, return_sequences: true, reset_after: false}', '[3, 6]', [null, 3, 4], 3 * (4 * 10 + 4)],
  ])('%s on %s gives %j with %i params', (layer, shape, out, params) => {
    const b = built(layer, shape);
    expect({ shape: b.shape, params: b.params }).toEqual({ shape: out, params });
  });

  it.each([
    ['{type: SimpleRNN, units: 3}', ['kernel 5x3', 'recurrent_kernel 3x3', 'bias 3']],
    ['{type: LSTM, units: 3}', ['kernel 5x12', 'recurrent_kernel 3x12', 'bias 12']],
    ['{type: GRU, units: 3}', ['kernel 5x9', 'recurrent_kernel 3x9', 'bias 2x9']],
    ['{type: GRU, units: 3, reset_after: false}', ['kernel 5x9', 'recurrent_kernel 3x9', 'bias 9']],
    ['{type: LSTM, units: 3, use_bias: false}', ['kernel 5x12', 'recurrent_kernel 3x12']],
  ])('%s has the Keras weights %j', (layer, weights) => {
    expect(built(layer, '[4, 5]').weights).toEqual(weights);
  });

  it('applies the Keras 3 defaults', () => {
    const r = compileText(spec('{type: LSTM, units: 2}', '[3, 4]'));
    expect(r.graph!.layers[0]!.config).toEqual({
      type: 'LSTM',
      units: 2,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      recurrent_initializer: 'orthogonal',
      bias_initializer: 'zeros',
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      seed: null,
      return_sequences: false,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
      unit_forget_bias: true,
      trainable: true,
    });
    expect(GRU.params.reset_after.default).toBe(true);
    expect('recurrent_activation' in SimpleRNN.params).toBe(false);
  });

  it('every weight is trainable', () => {
    const r = compileText(spec('{type: GRU, units: 2}', '[3, 4]'));
    expect(r.graph!.layers[0]!.weights!.every((w) => w.trainable)).toBe(true);
    expect(r.graph!.layers[0]!.trainableParams).toBe(3 * (2 * 6 + 4));
  });
});

describe('errors', () => {
  it('a rank-2 input names the input and suggests an Embedding or a [timesteps, features] shape', () => {
    expect(brief(spec('{type: LSTM, units: 4}', '[16]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "LSTM 'r' expects input of rank 3 (batch, timesteps, features); got x (None, 16) of rank 2" },
    ]);
    expect(compileText(spec('{type: LSTM, units: 4}', '[16]')).diagnostics[0]!.hint).toBe(
      'add an Embedding before it (for integer ids) or give the input shape [timesteps, features]',
    );
  });

  it('a rank-4 input suggests Reshape or TimeDistributed', () => {
    const r = compileText(spec('{type: SimpleRNN, units: 4}', '[2, 3, 4]'));
    expect(brief(spec('{type: SimpleRNN, units: 4}', '[2, 3, 4]'))).toEqual([
      { code: 'NN501', at: '6:3', severity: 'error', message: "SimpleRNN 'r' expects input of rank 3 (batch, timesteps, features); got x (None, 2, 3, 4) of rank 4" },
    ]);
    expect(r.diagnostics[0]!.hint).toContain('TimeDistributed');
  });

  it('unknown features cannot size the kernel', () => {
    expect(brief(spec('{type: GRU, units: 4}', '[10, null]'))).toEqual([
      { code: 'NN506', at: '6:3', severity: 'error', message: "GRU 'r' needs the number of features (the last dimension) to size its kernel; got x (None, 10, None)" },
    ]);
  });

  // return_state, initial_state and stateful: test/layers/recurrent-state.test.ts.

  it.each([
    ['{type: LSTM, units: 4, dropout: 1}', 'NN204', '6:38', "'dropout' in LSTM layer 'r' must be < 1, got 1"],
    ['{type: GRU, units: 4, recurrent_dropout: -0.1}', 'NN204', '6:47', "'recurrent_dropout' in GRU layer 'r' must be >= 0, got -0.1"],
    ['{type: LSTM, units: 0}', 'NN204', '6:26', "'units' in LSTM layer 'r' must be >= 1, got 0"],
    ['{type: LSTM}', 'NN201', '6:3', "LSTM layer 'r' is missing required key 'units'"],
    ['{type: SimpleRNN, units: 3, recurrent_activation: sigmoid}', 'NN200', '6:34', "unknown key 'recurrent_activation' in SimpleRNN layer 'r'; did you mean 'activation'?"],
  ])('schema: %s', (layer, code, at, message) => {
    expect(brief(spec(layer, '[10, 3]'))).toEqual([{ code, at, severity: 'error', message }]);
  });
});

describe('TensorFlow.js emitters', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });

  /** The emitted layer, built on (batch, 4, 3) input, with its config. */
  function emit(layer: string) {
    const r = compileText(spec(layer, '[4, 3]'));
    expect(r.diagnostics).toEqual([]);
    const l = r.graph!.layers[0]!;
    const t = tfjsEmitter(l.kind)(l.config as never, { tf, name: 'r', inner: () => { throw new Error('no inner layer'); } });
    t.apply(tf.input({ shape: [4, 3] }));
    return { layer: t, config: t.getConfig() as Record<string, unknown> };
  }

  it('LSTM: sigmoid gates and unit_forget_bias are passed (tfjs defaults to hardSigmoid and no forget bias)', () => {
    const { layer, config } = emit('{type: LSTM, units: 2}');
    expect(config).toMatchObject({ recurrentActivation: 'sigmoid', activation: 'tanh', unitForgetBias: true, returnSequences: false, goBackwards: false });
    // tfjs serializes glorot_uniform as the VarianceScaling it is (its own default is glorotNormal).
    expect(config.kernelInitializer).toMatchObject({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'uniform' } });
    const bias = layer.getWeights()[2]!.arraySync();
    expect(bias).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('LSTM: unit_forget_bias false leaves the bias to bias_initializer', () => {
    const { layer } = emit('{type: LSTM, units: 1, unit_forget_bias: false}');
    expect(layer.getWeights()[2]!.arraySync()).toEqual([0, 0, 0, 0]);
  });

  it('SimpleRNN: sequence flags, dropout and initializers reach tfjs', () => {
    const { config } = emit('{type: SimpleRNN, units: 2, return_sequences: true, go_backwards: true, dropout: 0.25, recurrent_dropout: 0.5, recurrent_initializer: zeros, use_bias: false}');
    expect(config).toMatchObject({ returnSequences: true, goBackwards: true, dropout: 0.25, recurrentDropout: 0.5, useBias: false, stateful: false, returnState: false });
    expect((config.recurrentInitializer as { className: string }).className).toBe('Zeros');
  });

  it('unroll is not passed on: tfjs ignores it and warns at every call', () => {
    expect(emit('{type: GRU, units: 2, reset_after: false, unroll: true}').config.unroll).toBe(false);
  });

  it('GRU: tfjs\'s own GRU when reset_after is false, with sigmoid gates', () => {
    const { layer, config } = emit('{type: GRU, units: 2, reset_after: false}');
    expect(layer.getClassName()).toBe('GRU');
    expect(config).toMatchObject({ recurrentActivation: 'sigmoid', resetAfter: false });
  });

  it('LSTM runs on data: go_backwards reads the sequence from the end', () => {
    const { layer: fwd } = emit('{type: LSTM, units: 2, return_sequences: true, kernel_initializer: ones, recurrent_initializer: zeros}');
    const { layer: back } = emit('{type: LSTM, units: 2, go_backwards: true, kernel_initializer: ones, recurrent_initializer: zeros}');
    // With a zero recurrent kernel each step depends only on its input and the carried cell state;
    // the backward layer's last output is the forward layer's output on the reversed sequence.
    const x = tf.tensor3d([[[1, 0, 0], [0, 2, 0], [0, 0, -1], [0.5, 0.5, 0.5]]]);
    const reversed = tf.reverse(x, 1);
    const f = (fwd.apply(reversed) as ReturnType<Tf['tensor']>).arraySync() as number[][][];
    const b = (back.apply(x) as ReturnType<Tf['tensor']>).arraySync() as number[][];
    expect(b[0]![0]).toBeCloseTo(f[0]![3]![0]!, 6);
    expect(b[0]![1]).toBeCloseTo(f[0]![3]![1]!, 6);
  });
});
