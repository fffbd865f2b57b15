/**
 * `import` on model JSON written by hand from the documented formats (test/fixtures/keras/):
 * tf.keras 2.x (classic, and 2.13+ with module/registered_name), Keras 3 (keras_history tensors,
 * DTypePolicy objects, a flat output triple, backward_layer), Sequential in both. And what cannot
 * be carried over: reported by name at the line:column of the JSON, nothing written, exit 1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocatedJson } from '../../src/backends/import/located-json.js';
import { runCli } from '../helpers.js';
import { summaryOf } from '../export/model-files.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string) => `test/fixtures/keras/${name}`;
/** The spec's body (after the two header comment lines). */
const body = (spec: string) => spec.split('\n').slice(2).join('\n');

describe('hand-written Keras model JSON', () => {
  it('tf.keras 2.x functional with a shared LSTM: one shares: node per later call, L2 regularizer', async () => {
    const r = await runCli(['import', fixture('keras2_functional_shared.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toBe(
      [
        'nnspec: 1',
        'name: siamese',
        'inputs:',
        '  left: {shape: [null, 16]}',
        '  right: {shape: [null, 16]}',
        'layers:',
        '  encoder: {type: LSTM, units: 8, inputs: left}',
        '  encoder_call_1: {shares: encoder, inputs: right}',
        '  difference: {type: Subtract, inputs: [encoder, encoder_call_1]}',
        '  similar: {type: Dense, units: 1, activation: sigmoid, kernel_regularizer: {type: l2, l2: 0.0010000000474974513}}',
        'outputs: [similar]',
        '',
      ].join('\n'),
    );
    // LSTM 4*(16*8 + 8*8 + 8) = 800, Dense 8 + 1.
    expect(summaryOf(r.stdout)!.total_params).toBe(809);
    expect(r.stderr).toBe('nnspec: <stdout>: 4 layers, 809 parameters, from Keras 2 Functional\n');
  });

  it('tf.keras 2.x Sequential: the input from the first layer\'s batch_input_shape, int32 for an Embedding', async () => {
    const r = await runCli(['import', fixture('keras2_sequential.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toContain('inputs:\n  embedding_input: {shape: [100], dtype: int32}\n');
    expect(body(r.stdout)).toContain('  conv1d: {type: Conv1D, filters: 16, kernel_size: 5, activation: relu}\n  max_pooling1d: {type: MaxPooling1D}\n');
    expect(summaryOf(r.stdout)).toMatchObject({ total_params: 163_345, outputs: [{ name: 'dense', shape: [null, 1] }] });
  });

  it('tf.keras 2.13+ layers (module, registered_name, build_config): BatchNormalization axis [3], seeded initializer, constraint', async () => {
    const r = await runCli(['import', fixture('keras2_15_functional_cnn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toContain(
      [
        '  pad: {type: ZeroPadding2D}',
        '  conv: {type: Conv2D, filters: 32, kernel_size: 3, use_bias: false, kernel_initializer: he_normal}',
        '  bn: {type: BatchNormalization, axis: 3}',
        '  relu: {type: ReLU, max_value: 6}',
        '  pool: {type: MaxPooling2D}',
        '  gap: {type: GlobalAveragePooling2D}',
        '  digits: {type: Dense, units: 10, activation: softmax, kernel_initializer: {type: glorot_uniform, seed: 42}, kernel_constraint: {type: max_norm, max_value: 3}}',
      ].join('\n'),
    );
    expect(summaryOf(r.stdout)).toMatchObject({ total_params: 746, trainable_params: 682 });
  });

  it('Keras 3 functional: keras_history tensors, a merge called on a list, DTypePolicy objects, a flat output triple', async () => {
    const r = await runCli(['import', fixture('keras3_functional_shared.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toContain(
      [
        'inputs:',
        '  query: {shape: [null], dtype: int32}',
        '  document: {shape: [null], dtype: int32}',
        'layers:',
        '  tokens: {type: Embedding, input_dim: 20000, output_dim: 64, inputs: query}',
        '  tokens_call_1: {shares: tokens, inputs: document}',
        '  query_vector: {type: GlobalAveragePooling1D, inputs: tokens}',
        '  document_vector: {type: GlobalAveragePooling1D, inputs: tokens_call_1}',
        '  cosine: {type: Dot, axes: 1, normalize: true, inputs: [query_vector, document_vector]}',
        '  relevant: {type: Dense, units: 1, activation: sigmoid}',
        'outputs: [relevant]',
      ].join('\n'),
    );
    expect(summaryOf(r.stdout)!.total_params).toBe(20000 * 64 + 2);
    expect(r.stderr).toMatch(/from Keras 3 Functional\n$/);
  });

  it('Keras 3 Sequential: InputLayer batch_shape, Bidirectional with its backward_layer, TimeDistributed', async () => {
    const r = await runCli(['import', fixture('keras3_sequential_rnn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toContain('  bigru: {type: Bidirectional, layer: {type: GRU, units: 4, return_sequences: true}}\n');
    expect(body(r.stdout)).toContain('  tags: {type: TimeDistributed, layer: {type: Dense, units: 5, activation: softmax}}\n');
    // GRU reset_after: 2 x (8*12 + 4*12 + 2*12); Dense 8*5 + 5.
    expect(summaryOf(r.stdout)!.total_params).toBe(2 * (96 + 48 + 24) + 45);
  });

  it('the tensorflowjs_converter layout: modelTopology.model_config', async () => {
    const keras = JSON.parse(readFileSync(fixture('keras2_functional_shared.json'), 'utf8')) as Record<string, unknown>;
    const file = join(dir, 'converted.json');
    writeFileSync(file, JSON.stringify({ format: 'layers-model', modelTopology: { keras_version: '2.12.0', backend: 'tensorflow', model_config: keras }, weightsManifest: [] }));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r.stdout)!.total_params).toBe(809);
  });

  it('writes --out with the schema line relative to it, and refuses to overwrite without --force (exit 2)', async () => {
    const out = join(dir, 'nested', 'cnn.nnspec.yaml');
    expect((await runCli(['import', fixture('keras2_15_functional_cnn.json'), '--out', out])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const schema = /^# yaml-language-server: \$schema=(.*)\n/.exec(text)![1]!;
    expect(existsSync(join(dir, 'nested', schema))).toBe(true);
    expect(readFileSync(join(dir, 'nested', schema), 'utf8')).toBe(readFileSync('schemas/nnspec.schema.json', 'utf8'));
    const again = await runCli(['import', fixture('keras2_15_functional_cnn.json'), '--out', out]);
    expect([again.code, again.stderr]).toEqual([2, `nnspec: error[NN005]: '${out}' exists; pass --force to overwrite it (see \`nnspec import --help\`)\n`]);
    expect((await runCli(['import', fixture('keras2_15_functional_cnn.json'), '--out', out, '--force'])).code).toBe(0);
  });
});

describe('what cannot be carried over', () => {
  /** line:column of the first match of `pattern` in the JSON as written (2-space indented). */
  function place(json: object, pattern: RegExp, group = 0): string {
    const text = JSON.stringify(json, null, 2);
    const m = pattern.exec(text)!;
    const offset = m.index + (group ? m[0].indexOf(m[group]!) : 0);
    const before = text.slice(0, offset).split('\n');
    return `${before.length}:${before[before.length - 1]!.length + 1}`;
  }

  async function problems(json: string | object): Promise<{ code: number; stdout: string; lines: string[] }> {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json, null, 2));
    const r = await runCli(['import', file, '--out', join(dir, 'never.yaml')]);
    expect(existsSync(join(dir, 'never.yaml'))).toBe(false);
    // The headlines only (pretty also quotes the JSON line under each, with a caret).
    const headline = (l: string) => /^\S/.test(l) && !/^\d+ \|/.test(l);
    return { code: r.code, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n').filter(headline).map((l) => l.replace(file, 'M.json')) };
  }

  it('an unsupported layer and an unsupported argument, each at its line:column; nothing dropped, nothing written', async () => {
    const r = await runCli(['import', fixture('keras2_unsupported.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => /^\S/.test(l) && !/^\d+ \|/.test(l))).toEqual([
      "test/fixtures/keras/keras2_unsupported.json:13:7: error[NN702]: layer 'scaled' (Lambda): Lambda runs Python code stored with the model, and nnspec cannot represent arbitrary code (a spec holds layers and their arguments): rewrite it with built-in layers (Rescaling, Activation, Reshape, a merge layer) and import again",
      "test/fixtures/keras/keras2_unsupported.json:26:11: error[NN703]: layer 'out' (Dense): argument lora_rank: 4 is not supported by nnspec's Dense",
      'nnspec: 2 problems in test/fixtures/keras/keras2_unsupported.json; no spec written',
    ]);
  });

  const model = (layers: object[], extra: object = {}) => ({
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [{ class_name: 'InputLayer', name: 'x', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'x' }, inbound_nodes: [] }, ...layers],
      input_layers: [['x', 0, 0]],
      output_layers: [['d', 0, 0]],
      ...extra,
    },
  });
  const dense = (over: object = {}, inbound: unknown = [[['x', 0, 0, {}]]]) => ({ class_name: 'Dense', name: 'd', config: { name: 'd', units: 2, ...over }, inbound_nodes: inbound });

  it('a nested model', async () => {
    const json = model([{ class_name: 'Functional', name: 'inner', config: {}, inbound_nodes: [[['x', 0, 0, {}]]] }, dense({}, [[['inner', 0, 0, {}]]])]);
    const r = await problems(json);
    expect(r.code).toBe(1);
    // The layer's object: the brace before its class_name.
    const at = place(json, /(\{)\s*"class_name": "Functional",\s*"name": "inner"/, 1);
    expect(r.lines[0]).toBe(`M.json:${at}: error[NN702]: layer 'inner' (Functional): Functional is not a layer type nnspec supports; nested models are not supported (call the inner model's layers directly)`);
  });

  it('a second output of a layer, a call with arguments, an undefined layer', async () => {
    expect((await problems(model([dense({}, [[['x', 0, 1, {}]]])]))).lines[0]).toMatch(/^M\.json:\d+:\d+: error\[NN704\]: layer 'd': takes output 1 of input 'x', which has one$/);
    // Arguments whose value is null are not listed (Keras writes {mask: null}).
    expect((await problems(model([dense({}, [[['x', 0, 0, { mask: null, scale: 2 }]]])]))).lines[0]).toMatch(/layer 'd': is called with scale: 2; nnspec calls layers on their inputs only \(and reads training and initial_state\)$/);
    expect((await problems(model([dense({}, [[['y', 0, 0, {}]]])]))).lines[0]).toMatch(/layer 'd': takes 'y', which is not a layer of the model$/);
  });

  it('an argument value the spec format refuses is reported at the layer, with the spec\'s message', async () => {
    const json = model([{ class_name: 'Conv1D', name: 'd', config: { name: 'd', filters: 2, kernel_size: [3], groups: 2 }, inbound_nodes: [[['x', 0, 0, {}]]] }]);
    const r = await problems(json);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(`M.json:${place(json, /(\{)\s*"class_name": "Conv1D"/, 1)}: error[NN203]: layer 'd' (Conv1D): 'groups' in Conv1D layer 'd' must be 1, got 2`);
  });

  it('an unknown initializer and activation, at their keys', async () => {
    const json = model([dense({ kernel_initializer: { class_name: 'STFT', config: {} }, activation: 'my_act' })]);
    const r = await problems(json);
    expect(r.lines.slice(0, 2)).toEqual([
      `M.json:${place(json, /"kernel_initializer"/)}: error[NN703]: layer 'd' (Dense): argument kernel_initializer: initializer STFT is not one nnspec supports`,
      `M.json:${place(json, /"activation"/)}: error[NN703]: layer 'd' (Dense): argument activation: activation 'my_act' is not one nnspec supports`,
    ]);
    expect(place(json, /"activation"/)).toBe('29:11');
  });

  it('not JSON, and JSON that is not a model', async () => {
    const bad = await problems('{\n  "class_name": "Functional",\n  "config": {,}\n}');
    expect(bad.code).toBe(1);
    expect(bad.lines[0]).toMatch(/^M\.json:3:14: error\[NN700\]: not valid JSON: /);
    const notModel = await problems({ hello: 'world' });
    expect(notModel.lines[0]).toBe('M.json:1:1: error[NN701]: not a Keras model: expected an object with class_name and config (what model.to_json() writes), or a TensorFlow.js model.json');
  });

  it('usage errors (exit 2): no such file', async () => {
    const r = await runCli(['import', 'nope.json']);
    expect([r.code, r.stderr]).toEqual([2, "nnspec: error[NN004]: cannot read 'nope.json': no such file (see `nnspec import --help`)\n"]);
  });
});

describe('what is carried over with a warning', () => {
  it('names the spec format refuses are renamed; a mixed-precision dtype is dropped; int64 ids become int32', async () => {
    const json = {
      class_name: 'Functional',
      config: {
        name: 'my model',
        layers: [
          { class_name: 'InputLayer', name: 'ids', config: { batch_input_shape: [null, 5], dtype: 'int64', name: 'ids' }, inbound_nodes: [] },
          { class_name: 'Embedding', name: 'emb/1', config: { name: 'emb/1', input_dim: 10, output_dim: 3, dtype: 'mixed_float16' }, inbound_nodes: [[['ids', 0, 0, {}]]] },
        ],
        input_layers: [['ids', 0, 0]],
        output_layers: [['emb/1', 0, 0]],
      },
    };
    const file = join(dir, 'renamed.json');
    writeFileSync(file, JSON.stringify(json));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(r.stdout)).toBe('nnspec: 1\nname: my_model\ninputs:\n  ids: {shape: [5], dtype: int32}\nlayers:\n  emb_1: {type: Embedding, input_dim: 10, output_dim: 3}\noutputs: [emb_1]\n');
    expect(r.stderr).toContain("warning[NN707]: input 'ids': dtype int64 read as int32\n");
    expect(r.stderr).toContain("warning[NN707]: 'emb/1' is named 'emb_1' in the spec (a name starts with a letter and holds letters, digits, _ . -, so that the spec, Keras and TensorFlow.js all accept it)\n");
    expect(r.stderr).toContain('warning[NN707]: layer \'emb/1\' (Embedding): dtype "mixed_float16" left out; nnspec computes in float32\n');
  });
});

describe('JSON with places', () => {
  it('finds objects and keys at their offsets, the last of repeated keys as JSON.parse does', () => {
    const text = '{"a": {"b": [1, {"c": 2}]}, "a": {"d": 3}}';
    const parsed = parseLocatedJson(text);
    if (!parsed.ok) throw new Error('parse failed');
    const value = parsed.json.value as { a: { d: number } };
    expect(value).toEqual({ a: { d: 3 } });
    expect(parsed.json.at(value)).toBe(0);
    expect(parsed.json.keyAt(value, 'a')).toBe(text.lastIndexOf('"a"'));
    expect(parsed.json.at(value.a)).toBe(text.indexOf('{"d"'));
  });
});
