/**
 * Recurrent layers' states on both engines: return_state's outputs and initial_state's inputs.
 * The ONNX forward graph and its gradients (weights, the sequences and the initial states given
 * as model inputs) equal tfjs cpu's on the same weights and inputs.
 */
import { beforeAll, describe, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { expect } from 'vitest';
import { compareGradients, expectSameAsTfjs, expectSameGradients, specGraph } from '../support/onnx-oracle.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

/** Encoder/decoder as keras.io's character-level seq2seq, small. */
const seq2seq = (type: string, states: string) => `
nnspec: 1
name: s2s
inputs:
  enc_in: {shape: [null, 5]}
  dec_in: {shape: [null, 4]}
layers:
  enc: {type: ${type}, units: 3, return_state: true, inputs: enc_in}
  dec: {type: ${type}, units: 3, return_sequences: true, inputs: dec_in, initial_state: ${states}}
  out: {type: Dense, units: 4, activation: softmax, inputs: dec}
outputs: [out]
`;

/** Initial states straight from model inputs, so their gradients are compared too. */
const fromInputs = (type: string, layer: string, states: string[]) => `
nnspec: 1
name: from_inputs
inputs:
  x: {shape: [null, 3]}
${states.map((s) => `  ${s}: {shape: [4]}`).join('\n')}
layers:
  r: {${layer}, inputs: x, initial_state: [${states.join(', ')}]}
  y: {type: Dense, units: 2, activation: tanh}
outputs: [y]
`;

describe('forward: ONNX = tfjs cpu', () => {
  it.each([
    ['LSTM', '[enc:state_h, enc:state_c]'],
    ['GRU', '[enc:state]'],
    ['SimpleRNN', 'enc:1'],
  ])('%s seq2seq', async (type, states) => {
    await expectSameAsTfjs(tf, seq2seq(type, states), { steps: 4 });
  });

  it('the states themselves as model outputs', () =>
    expectSameAsTfjs(tf, `
nnspec: 1
name: states_out
inputs:
  x: {shape: [null, 3]}
layers:
  r: {type: LSTM, units: 4, return_state: true, return_sequences: true, inputs: x}
  h: {type: Dense, units: 2, inputs: r:state_h}
  c: {type: Dense, units: 2, inputs: r:state_c}
  s: {type: Dense, units: 2, inputs: r}
outputs: [h, c, s]
`, { steps: 4 }));
});

describe('gradients: ONNX = tfjs cpu', () => {
  it.each([
    ['LSTM', '[enc:state_h, enc:state_c]'],
    ['GRU', '[enc:state]'],
    ['SimpleRNN', '[enc:state]'],
  ])('%s seq2seq', async (type, states) => {
    await expectSameGradients(tf, seq2seq(type, states), { steps: 4 });
  });

  it.each([
    ['LSTM', 'type: LSTM, units: 4', ['h0', 'c0']],
    ['LSTM backwards', 'type: LSTM, units: 4, go_backwards: true', ['h0', 'c0']],
    ['GRU', 'type: GRU, units: 4', ['h0']],
    ['GRU reset_after false', 'type: GRU, units: 4, reset_after: false', ['h0']],
    ['SimpleRNN', 'type: SimpleRNN, units: 4', ['h0']],
  ])('%s: with respect to the initial states', async (_, layer, states) => {
    const diffs = await compareGradients(tf, specGraph(fromInputs('', layer, states)), { steps: 4 });
    // Each state reaches the loss on both engines, and the gradients agree.
    expect(diffs.filter((d) => d.of.startsWith('input:')).map((d) => d.of)).toEqual(['input:x', ...states.map((s) => `input:${s}`)]);
    for (const d of diffs) expect({ of: d.of, relative: d.relative < 1e-4 ? 'ok' : d.relative }).toEqual({ of: d.of, relative: 'ok' });
  });
});

describe('Bidirectional: ONNX = tfjs cpu', () => {
  const bi = (layer: string, states: string) => `
nnspec: 1
name: bi
inputs:
  a: {shape: [null, 3]}
  b: {shape: [null, 2]}
layers:
  enc: {type: Bidirectional, layer: {${layer}, return_state: true}, inputs: a}
  dec: {type: Bidirectional, layer: {${layer}, return_sequences: true}, inputs: b, initial_state: ${states}}
  y: {type: Dense, units: 2, inputs: dec}
  s: {type: Dense, units: 2, inputs: enc:backward_state${layer.includes('LSTM') ? '_h' : ''}}
outputs: [y, s]
`;
  it.each([
    ['LSTM', 'type: LSTM, units: 3', '[enc:forward_state_h, enc:forward_state_c, enc:backward_state_h, enc:backward_state_c]'],
    ['GRU', 'type: GRU, units: 3', '[enc:1, enc:2]'],
  ])('%s encoder states into a Bidirectional decoder: forward and gradients', async (_, layer, states) => {
    await expectSameAsTfjs(tf, bi(layer, states), { steps: 4 });
    await expectSameGradients(tf, bi(layer, states), { steps: 4 });
  });
});
