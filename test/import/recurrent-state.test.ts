/**
 * Importing recurrent layers' states (issue 12 item 3): return_state outputs taken as
 * `encoder:state_h`, initial_state from Keras 3's call argument and from tf.keras 2's inbound
 * node (the states listed after the sequence), a state as a model output; the `training` call
 * argument; Keras 3's OrthogonalInitializer. Problems at their line:column in the JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { body, jsonImporter, place } from './helpers.js';
import { summaryOf } from '../export/model-files.js';

const importJson = jsonImporter('nnspec-import-state-');

const input = (name: string, shape: (number | null)[]) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, ...shape], dtype: 'float32', name }, inbound_nodes: [] });
const layer = (class_name: string, name: string, config: object, inbound: unknown) => ({ class_name, name, config: { name, ...config }, inbound_nodes: inbound });
/** tf.keras 2's functional layout. */
const keras2 = (layers: object[], inputs: string[], outputs: [string, number, number][]) => ({
  class_name: 'Functional',
  keras_version: '2.15.0',
  config: { name: 'm', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs },
});

describe('initial_state and return_state', () => {
  it('Keras 3: initial_state as a call argument of keras tensors; OrthogonalInitializer; training: false on an LSTM without dropout changes nothing', async () => {
    const r = await runCli(['import', 'test/fixtures/keras/keras3_seq2seq.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toBe(
      [
        'nnspec: 1',
        'name: s2s',
        'inputs:',
        '  encoder_inputs: {shape: [null, 5]}',
        '  decoder_inputs: {shape: [null, 4]}',
        'layers:',
        '  encoder: {type: LSTM, units: 8, return_state: true, inputs: encoder_inputs}',
        '  decoder: {type: LSTM, units: 8, return_sequences: true, return_state: true, inputs: decoder_inputs, initial_state: [encoder:state_h, encoder:state_c]}',
        '  decoder_dense: {type: Dense, units: 4, activation: softmax}',
        'outputs: [decoder_dense]',
        '',
      ].join('\n'),
    );
    // 4*8*(5+8+1) + 4*8*(4+8+1) + 8*4+4, as Keras's summary.
    expect(summaryOf(r.stdout)!.total_params).toBe(900);
    expect(r.stderr).toBe('nnspec: <stdout>: 3 layers, 900 parameters, from Keras 3 Functional\n');
  });

  it.each([
    ['LSTM', ['encoder:state_h', 'encoder:state_c'], '[encoder:state_h, encoder:state_c]'],
    ['GRU', ['encoder:state'], 'encoder:state'],
    ['SimpleRNN', ['encoder:state'], 'encoder:state'],
  ])('tf.keras 2 %s: the states after the sequence in the inbound node', async (type, _names, written) => {
    const states = type === 'LSTM' ? [['encoder', 0, 1, {}], ['encoder', 0, 2, {}]] : [['encoder', 0, 1, {}]];
    const json = keras2(
      [
        input('a', [null, 3]),
        input('b', [null, 2]),
        layer(type, 'encoder', { units: 4, return_state: true }, [[['a', 0, 0, {}]]]),
        layer(type, 'decoder', { units: 4, return_sequences: true }, [[['b', 0, 0, {}], ...states]]),
      ],
      ['a', 'b'],
      [['decoder', 0, 0]],
    );
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain(`  decoder: {type: ${type}, units: 4, return_sequences: true, inputs: b, initial_state: ${written}}\n`);
  });

  it('a Bidirectional encoder\'s states: forward_ then backward_', async () => {
    const lstm = { class_name: 'LSTM', config: { name: 'l', units: 4, return_state: true } };
    const json = keras2(
      [
        input('a', [null, 3]),
        input('b', [null, 2]),
        layer('Bidirectional', 'enc', { layer: lstm }, [[['a', 0, 0, {}]]]),
        layer('LSTM', 'dec', { units: 4 }, [[['b', 0, 0, {}], ['enc', 0, 1, {}], ['enc', 0, 2, {}]]]),
      ],
      ['a', 'b'],
      [['dec', 0, 0]],
    );
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('  dec: {type: LSTM, units: 4, inputs: b, initial_state: [enc:forward_state_h, enc:forward_state_c]}\n');
  });

  it('a state as a model output (a seq2seq inference encoder) is passed on by a linear Activation, with a warning at the layer', async () => {
    const json = keras2([input('a', [null, 3]), layer('LSTM', 'enc', { units: 4, return_state: true }, [[['a', 0, 0, {}]]])], ['a'], [['enc', 0, 1], ['enc', 0, 2]]);
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('layers:\n  enc: {type: LSTM, units: 4, return_state: true}\n  enc_state_h: {type: Activation, activation: linear, inputs: enc:state_h}\n  enc_state_c: {type: Activation, activation: linear, inputs: enc:state_c}\noutputs: [enc_state_h, enc_state_c]\n');
    const at = place(json, /\{\s*"class_name": "LSTM"/);
    expect(r.lines.slice(0, 2)).toEqual([
      `M.json:${at}: warning[NN707]: model output enc:state_h is a state, not a layer: the spec passes it on through 'enc_state_h' (a linear Activation, no parameters)`,
      `M.json:${at}: warning[NN707]: model output enc:state_c is a state, not a layer: the spec passes it on through 'enc_state_c' (a linear Activation, no parameters)`,
    ]);
  });

  it('an output a layer does not have: NN704 at the layer that takes it, naming the outputs there are', async () => {
    const json = keras2(
      [
        input('a', [null, 3]),
        layer('LSTM', 'enc', { units: 4, return_state: true }, [[['a', 0, 0, {}]]]),
        layer('Dense', 'd', { units: 2 }, [[['enc', 0, 3, {}]]]),
        layer('Dense', 'e', { units: 2 }, [[['d', 0, 1, {}]]]),
      ],
      ['a'],
      [['e', 0, 0]],
    );
    const r = await importJson(json);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      `M.json:${place(json, /\{\s*"class_name": "Dense",\s*"name": "d"/)}: error[NN704]: layer 'd': takes output 3 of 'enc', which has 3 outputs (output, state_h, state_c)`,
      `M.json:${place(json, /\{\s*"class_name": "Dense",\s*"name": "e"/)}: error[NN704]: layer 'e': takes output 1 of 'd', which has 1 output (only a recurrent layer with return_state has more)`,
      `nnspec: 2 problems in M.json; no spec written`,
    ]);
  });
});

describe('the training call argument', () => {
  const model = (inbound: object) => ({
    module: 'keras',
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, 4], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
        layer('Dropout', 'drop', { rate: 0.5 }, [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['x', 0, 0] } }], kwargs: inbound }]),
        layer('Dense', 'd', { units: 2 }, [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['drop', 0, 0] } }], kwargs: { training: true } }]),
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [['d', 0, 0]],
    },
  });

  it('on a layer that computes alike in training and inference (Dense) it is read silently; on Dropout it is a warning at the argument, saying what changes', async () => {
    const json = model({ training: false });
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('  drop: {type: Dropout, rate: 0.5}\n  d: {type: Dense, units: 2}\n');
    expect(r.lines).toEqual([
      `M.json:${place(json, /"training": false/)}: warning[NN707]: layer 'drop' (Dropout) is called with training: false, which keeps it in inference mode, even while training; nnspec runs it as Keras does without the argument (training mode in fit, inference mode in evaluate and predict)`,
      'nnspec: <stdout>: 2 layers, 10 parameters, from Keras 3 Functional',
    ]);
  });

  it('training: null is no argument; a value other than a boolean is NN704 at the call', async () => {
    expect((await importJson(model({ training: null }))).lines).toEqual(['nnspec: <stdout>: 2 layers, 10 parameters, from Keras 3 Functional']);
    const json = model({ training: 'yes' });
    const r = await importJson(json);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(`M.json:${place(json, /\{\s*"args"/)}: error[NN704]: layer 'drop': is called with training: "yes"; expected true, false or null`);
  });
});

describe('initializers', () => {
  it('OrthogonalInitializer (Keras 3) is orthogonal; a gain other than 1 is kept', async () => {
    const text = readFileSync('test/fixtures/keras/keras3_seq2seq.json', 'utf8').replace('"gain": 1.0, "seed": null}, "registered_name": null},\n          "bias_initializer"', '"gain": 2.0, "seed": null}, "registered_name": null},\n          "bias_initializer"');
    const r = await importJson(JSON.parse(text) as object);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('encoder: {type: LSTM, units: 8, recurrent_initializer: {type: orthogonal, gain: 2}, return_state: true, inputs: encoder_inputs}');
  });
});
