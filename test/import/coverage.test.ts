/**
 * Import coverage (issue 12 item 4): camelCase keys as tensorflowjs_converter writes them,
 * Rescaling, a fixed batch size reported, names renamed so that every target accepts them, every
 * problem of a file reported at once, Lambda and custom layers named with one clear message, a
 * nested model as a Sequential's first layer named. Each at its line:column in the JSON.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toKerasModel } from '../../src/backends/export/keras-json.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { compile } from '../../src/compiler/compile.js';
import { body, jsonImporter, place } from './helpers.js';
import { summaryOf } from '../export/model-files.js';

const importJson = jsonImporter('nnspec-import-cov-');

const functional = (layers: object[], inputs: string[], output: string, extra: object = {}) => ({
  class_name: 'Functional',
  config: { name: 'm', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: [[output, 0, 0]] },
  ...extra,
});
const inputLayer = (name: string, config: object) => ({ class_name: 'InputLayer', name, config: { dtype: 'float32', name, ...config }, inbound_nodes: [] });
const layer = (class_name: string, name: string, config: object, from: string, extra: object = {}) => ({ class_name, name, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]], ...extra });

describe('what TensorFlow.js and Keras 3 write', () => {
  it('camelCase keys (tensorflowjs_converter 4.22 on Keras 3): batchInputShape, returnSequences, recurrentInitializer', async () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        keras_version: 'tfjs-layers 4.22.0',
        model_config: functional(
          [
            inputLayer('x', { batchInputShape: [null, 7, 3] }),
            layer('LSTM', 'r', { units: 4, returnSequences: true, recurrentInitializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } }, unitForgetBias: true }, 'x'),
            layer('Dense', 'd', { units: 2, useBias: false }, 'r'),
          ],
          ['x'],
          'd',
        ),
      },
    };
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toBe('nnspec: 1\nname: m\ninputs:\n  x: {shape: [7, 3]}\nlayers:\n  r: {type: LSTM, units: 4, return_sequences: true}\n  d: {type: Dense, units: 2, use_bias: false}\noutputs: [d]\n');
  });

  it('a Sequential whose first layer has a camelCase batchInputShape', async () => {
    const json = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batchInputShape: [null, 5] } }] } };
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('inputs:\n  d_input: {shape: [5]}\n');
  });

  it('Rescaling (Keras 3): scale and offset, no parameters', async () => {
    const json = functional([inputLayer('img', { batch_shape: [null, 8, 8, 3] }), layer('Rescaling', 'scale', { scale: 0.00392156862745098, offset: -1 }, 'img')], ['img'], 'scale');
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('  scale: {type: Rescaling, scale: 0.00392156862745098, offset: -1}\n');
    expect(summaryOf(r.spec)).toMatchObject({ total_params: 0, outputs: [{ name: 'scale', shape: [null, 8, 8, 3] }] });
  });

  it('a fixed batch size is reported at its shape, with the way to keep it', async () => {
    const json = functional([inputLayer('x', { batch_shape: [64, 50] }), layer('Dense', 'd', { units: 2 }, 'x')], ['x'], 'd');
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toContain('  x: {shape: [50]}\n');
    expect(r.lines[0]).toBe(`M.json:${place(json, /"batch_shape"/)}: warning[NN707]: input 'x' fixes the batch size at 64; spec inputs take any batch size, so it is not kept (train with --batch-size 64 to use it)`);
  });
});

describe('names every target accepts', () => {
  const json = functional(
    [inputLayer('2d_in', { batch_input_shape: [null, 4] }), layer('Dense', '1st_layer', { units: 3 }, '2d_in'), layer('Dense', '_out', { units: 2 }, '1st_layer')],
    ['2d_in'],
    '_out',
  );

  it('a name starting with a digit or _ gets a letter first, with a warning at its layer', async () => {
    const r = await importJson(json);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(body(r.spec)).toBe('nnspec: 1\nname: m\ninputs:\n  input_2d_in: {shape: [4]}\nlayers:\n  layer_1st_layer: {type: Dense, units: 3}\n  layer_out: {type: Dense, units: 2}\noutputs: [layer_out]\n');
    const why = '(a name starts with a letter and holds letters, digits, _ . -, so that the spec, Keras and TensorFlow.js all accept it)';
    expect(r.lines.slice(0, 3)).toEqual([
      `M.json:${place(json, /\{\s*"class_name": "InputLayer"/)}: warning[NN707]: '2d_in' is named 'input_2d_in' in the spec ${why}`,
      `M.json:${place(json, /\{\s*"class_name": "Dense",\s*"name": "1st_layer"/)}: warning[NN707]: '1st_layer' is named 'layer_1st_layer' in the spec ${why}`,
      `M.json:${place(json, /\{\s*"class_name": "Dense",\s*"name": "_out"/)}: warning[NN707]: '_out' is named 'layer_out' in the spec ${why}`,
    ]);
  });

  it('the imported spec exports to a Keras config that TensorFlow.js reads (it refused "_1st_layer": "Not a valid tensor name")', async () => {
    const r = await importJson(json);
    const compiled = compile(r.spec, 'spec.yaml');
    expect(compiled.ok).toBe(true);
    const tf: Tf = await loadTf('cpu');
    const m = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(toKerasModel(compiled.graph!, '0').model)) as never);
    expect(m.layers.map((l) => l.name)).toEqual(['input_2d_in', 'layer_1st_layer', 'layer_out']);
    m.dispose();
  });
});

describe('every problem of a file at once', () => {
  it('an input without a shape, a call argument, an unsupported argument and a Lambda: four problems, in the file\'s order, one run', async () => {
    const json = functional(
      [
        inputLayer('x', { batch_input_shape: 'any' }),
        { class_name: 'Dense', name: 'a', config: { name: 'a', units: 3 }, inbound_nodes: [[['x', 0, 0, { scale: 2 }]]] },
        layer('Dense', 'b', { units: 2, lora_rank: 4 }, 'a'),
        layer('Lambda', 'c', { function: ['4wEA', null, null], function_type: 'lambda', module: '__main__' }, 'b'),
      ],
      ['x'],
      'c',
    );
    const r = await importJson(json);
    expect(r.code).toBe(1);
    expect(r.spec).toBe('');
    expect(r.lines).toEqual([
      `M.json:${place(json, /"batch_input_shape"/)}: error[NN705]: input 'x' has no usable batch_input_shape (a list of sizes or nulls, batch first)`,
      `M.json:${place(json, /\[\s*"x",\s*0,\s*0,\s*\{\s*"scale"/)}: error[NN704]: layer 'a': is called with scale: 2; nnspec calls layers on their inputs only (and reads training and initial_state)`,
      `M.json:${place(json, /"lora_rank"/)}: error[NN703]: layer 'b' (Dense): argument lora_rank: 4 is not supported by nnspec's Dense`,
      `M.json:${place(json, /\{\s*"class_name": "Lambda"/)}: error[NN702]: layer 'c' (Lambda): Lambda runs Python code stored with the model, and nnspec cannot represent arbitrary code (a spec holds layers and their arguments): rewrite it with built-in layers (Rescaling, Activation, Reshape, a merge layer) and import again`,
      'nnspec: 4 problems in M.json; no spec written',
    ]);
  });
});

describe('layers nnspec cannot represent, named', () => {
  it.each([
    [{ module: 'my_layers', registered_name: 'Custom>Antirectifier' }, "Antirectifier is a custom layer (registered as 'Custom>Antirectifier'): its code is not in the file, and nnspec cannot represent arbitrary code (a spec holds layers and their arguments)"],
    [{ module: '__main__', registered_name: null }, 'Antirectifier is a custom layer (module __main__): its code is not in the file, and nnspec cannot represent arbitrary code (a spec holds layers and their arguments)'],
    [{}, "Antirectifier is not a layer type nnspec supports (a Keras layer nnspec lacks, or a custom layer: nnspec cannot represent a custom layer's code)"],
  ])('a custom class %j', async (extra, message) => {
    const json = functional([inputLayer('x', { batch_input_shape: [null, 4] }), layer('Antirectifier', 'anti', {}, 'x', extra)], ['x'], 'anti');
    const r = await importJson(json);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(`M.json:${place(json, /\{\s*"class_name": "Antirectifier"/)}: error[NN702]: layer 'anti' (Antirectifier): ${message}`);
  });

  it('a nested model as a Sequential\'s first layer is named (it was "input \'_input\' has no usable batch_input_shape")', async () => {
    const base = { class_name: 'Functional', config: { name: 'mobilenet', layers: [inputLayer('pixels', { batch_input_shape: [null, 8, 8, 3] })], input_layers: [['pixels', 0, 0]], output_layers: [['pixels', 0, 0]] } };
    for (const first of [base, { class_name: 'Functional', config: { name: 'mobilenet' } }]) {
      const json = { class_name: 'Sequential', config: { name: 's', layers: [first, { class_name: 'Dense', config: { name: 'd', units: 2 } }] } };
      const r = await importJson(json);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([
        `M.json:${place(json, /\{\s*"class_name": "Functional"/)}: error[NN702]: layer 'mobilenet' (Functional): Functional is not a layer type nnspec supports; nested models are not supported (call the inner model's layers directly)`,
        'nnspec: 1 problem in M.json; no spec written',
      ]);
    }
  });
});
