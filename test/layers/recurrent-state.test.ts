/**
 * Recurrent layers' states in the compiler (issue 12 item 3): return_state's named outputs and
 * their shapes, initial_state checked in count and shape (NN510), an output a layer lacks (NN306);
 * `stateful: true` compiled, summarized, exported with a fixed batch size and imported back, and
 * refused for running (NN915) at its key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toKerasModel } from '../../src/backends/export/keras-json.js';
import { toTfjsModel } from '../../src/backends/export/tfjs-json.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { loadSpec } from '../../src/commands/spec-file.js';
import { refuseStateful } from '../../src/commands/stateful.js';
import { brief, compileText, runCli, specWith } from '../helpers.js';
import { summaryOf } from '../export/model-files.js';

let dir: string;
let tf: Tf;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-rnn-state-'));
  tf = await loadTf('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs a (5 steps of 3) and b (5 steps of 2); the layers on line 7 on. */
const two = (layers: string, outputs = 'd') => specWith('  a: {shape: [5, 3]}\n  b: {shape: [5, 2]}', layers, outputs);

describe('return_state and initial_state', () => {
  it('an LSTM with return_state has three outputs: output, state_h, state_c, each (batch, units)', () => {
    const r = compileText(specWith('  a: {shape: [5, 3]}', '  e: {type: LSTM, units: 4, return_state: true, return_sequences: true, inputs: a}\n  d: {type: Dense, units: 2, inputs: e:state_c}', 'd'));
    expect(r.diagnostics).toEqual([]);
    const e = r.graph!.nodes.get('e')!;
    expect(e.outputs!.map((o) => [o.name, o.spec.shape])).toEqual([['output', [null, 5, 4]], ['state_h', [null, 4]], ['state_c', [null, 4]]]);
    expect(r.graph!.nodes.get('d')!.taps).toEqual([2]);
  });

  it.each([
    ['an output the layer does not have', '  e: {type: LSTM, units: 4, return_state: true, inputs: a}\n  d: {type: LSTM, units: 4, inputs: b, initial_state: [e:state_h, e:state_x]}', 'NN306', '8:67', "layer 'd' takes 'e:state_x', but LSTM 'e' has 3 outputs: output (0), state_h (1), state_c (2); did you mean 'state_h'?"],
    ['a state of a layer without return_state', '  e: {type: LSTM, units: 4, inputs: a}\n  d: {type: LSTM, units: 4, inputs: b, initial_state: [e:state_h, e:state_c]}', 'NN306', '8:56', "layer 'd' takes 'e:state_h', but LSTM 'e' has one output"],
    ['one state for an LSTM', '  e: {type: LSTM, units: 4, return_state: true, inputs: a}\n  d: {type: LSTM, units: 4, inputs: b, initial_state: e:state_h}', 'NN510', '8:55', "LSTM 'd' takes 2 initial states (state_h, state_c); got 1 (e)"],
    ['states of other units', '  e: {type: LSTM, units: 3, return_state: true, inputs: a}\n  d: {type: LSTM, units: 4, inputs: b, initial_state: [e:state_h, e:state_c]}', 'NN510', '8:56', "LSTM 'd' needs its initial state state_h as (batch, 4), 4 being its units; got 'e' (None, 3)"],
  ])('%s: %s at the reference', (_what, layers, code, at, message) => {
    expect(brief(two(layers))).toEqual([{ code, at, message, severity: 'error' }]);
  });
});

describe('stateful', () => {
  const spec = (training = '\ntraining:\n  batch_size: 16\n') => `nnspec: 1
name: st
inputs:
  x: {shape: [5, 3]}
layers:
  r: {type: LSTM, units: 4, stateful: true}
  d: {type: Dense, units: 1}
outputs: [d]${training}`;

  it('compiles and summarizes with Keras\'s parameter count', () => {
    expect(brief(spec())).toEqual([]);
    expect(summaryOf(spec())).toMatchObject({ total_params: 4 * 4 * (3 + 4 + 1) + 5 });
  });

  it('exports to Keras JSON with the fixed batch size Keras needs (training.batch_size), with a note; TensorFlow.js builds it stateful', async () => {
    const { model, notes } = toKerasModel(compileText(spec()).graph!, '0');
    const input = model.config.layers[0]!;
    expect(input.config.batch_input_shape).toEqual([16, 5, 3]);
    expect(model.config.layers[1]!.config.stateful).toBe(true);
    expect(notes).toEqual(["LSTM 'r' is stateful, which Keras builds only with a fixed batch size: the inputs are written with batch size 16 (training.batch_size)"]);
    const m = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model)) as never);
    expect([(m.layers[1] as unknown as { stateful: boolean }).stateful, m.inputs[0]!.shape]).toEqual([true, [16, 5, 3]]);
    m.dispose();
    // Without training.batch_size, Keras's default.
    expect(toKerasModel(compileText(spec('\n')).graph!, '0').notes[0]).toMatch(/batch size 32 \(the default, 32; set training\.batch_size to change it\)$/);
  });

  it('exports to a TensorFlow.js model.json marked stateful, with the batch size, and imports back with stateful and training.batch_size', async () => {
    const { modelJson, notes } = await toTfjsModel(compileText(spec()).graph!, tf, { version: '0' });
    const layers = (modelJson.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
    expect(layers.map((l) => [l.class_name, l.config.batch_input_shape ?? l.config.stateful])).toEqual([['InputLayer', [16, 5, 3]], ['LSTM', true], ['Dense', undefined]]);
    expect(notes).toContain("LSTM 'r' is stateful, which Keras builds only with a fixed batch size: the inputs are written with batch size 16 (training.batch_size)");
    // Without nnspec's metadata (a Keras or tfjs file): the batch size comes back as training.batch_size.
    delete (modelJson.modelTopology as Record<string, unknown>).nnspec;
    const file = join(dir, 'stateful.json');
    writeFileSync(file, JSON.stringify(modelJson));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  r: {type: LSTM, units: 4, stateful: true}\n');
    expect(r.stdout).toContain('training:\n  batch_size: 16\n');
    expect(r.stderr).toContain("warning[NN707]: input 'x' fixes the batch size at 16; kept as training.batch_size, the batch size the stateful layer 'r' needs\n");
  });

  it('train, evaluate and predict refuse it (NN915) at the stateful key, the wrapped layer\'s under Bidirectional', () => {
    const file = join(dir, 'st.yaml');
    writeFileSync(file, `nnspec: 1
name: st
inputs:
  x: {shape: [5, 3]}
layers:
  r: {type: LSTM, units: 4, stateful: true, return_sequences: true}
  b: {type: Bidirectional, layer: {type: GRU, units: 2, stateful: true}}
outputs: [b]
`);
    let stderr = '';
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, env: {}, cwd: dir };
    const loaded = loadSpec('st.yaml', io as never)!;
    expect(refuseStateful(loaded.graph, 'st.yaml', io as never, 'train')).toBe(true);
    const headlines = stderr.split('\n').filter((l) => l.startsWith('st.yaml'));
    expect(headlines).toEqual([
      "st.yaml:6:29: error[NN915]: LSTM 'r' is stateful: Keras carries each sample's final states into the next batch, but nnspec's engines start every batch from zero states, so `nnspec train` would run another model",
      "st.yaml:7:57: error[NN915]: GRU wrapped by Bidirectional 'b' is stateful: Keras carries each sample's final states into the next batch, but nnspec's engines start every batch from zero states, so `nnspec train` would run another model",
    ]);
    expect(stderr).toContain('hint: set stateful: false to start each batch from zero states');
    expect(refuseStateful(compileText(spec()).graph!, 'x.yaml', io as never, 'predict')).toBe(true);
    expect(refuseStateful(compileText(spec().replace('stateful: true', 'stateful: false')).graph!, 'x.yaml', io as never, 'predict')).toBe(false);
  });
});
