/**
 * Schema errors: one diagnostic per mistake, built from ajv's params, naming the place as the
 * spec's author wrote it, with "did you mean" within edit distance 2 for keys, layer types,
 * layer names, losses, metrics, optimizers, activations and initializers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { didYouMean, editDistance, suggest } from '../src/diagnostics/suggest.js';
import { brief, runCli, specWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnspec-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** `nnspec validate` exits 1 on the spec and names the code in its output. */
async function expectExit1(text: string, code: string) {
  const file = `case-${++n}.yaml`;
  writeFileSync(join(dir, file), text);
  const r = await runCli(['validate', file], { cwd: dir });
  expect(r.stdout).toContain(`${file}:`);
  expect(r.stdout).toContain(`[${code}]`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
}

const X = '  x: {shape: [4]}';
const D = (extra = '') => `  d: {type: Dense, units: 2${extra}}`;
const withTraining = (t: string) => `${specWith(X, D(), 'd')}training:\n${t}\n`;
const err = (code: string, at: string, message: string) => ({ code, at, message, severity: 'error' });
const errorsOf = (text: string) => brief(text).filter((d) => d.severity === 'error');

describe('"did you mean" for misspelled names', () => {
  it.each([
    ['a layer key (transposed letters)', specWith(X, D(', activaiton: relu'), 'd'), err('NN200', '6:30', "unknown key 'activaiton' in Dense layer 'd'; did you mean 'activation'?")],
    ['a layer key (British spelling)', specWith(X, D(', kernel_initialiser: zeros'), 'd'), err('NN200', '6:30', "unknown key 'kernel_initialiser' in Dense layer 'd'; did you mean 'kernel_initializer'?")],
    ['a layer key that hides a required one (`unit` for `units`): one error, not two', specWith(X, '  d: {type: Dense, unit: 2}', 'd'), err('NN200', '6:20', "unknown key 'unit' in Dense layer 'd'; did you mean 'units'?")],
    ['a layer type', specWith(X, '  d: {type: Dnse, units: 2}', 'd'), err('NN205', '6:13', "unknown layer type 'Dnse' in layer 'd'; did you mean 'Dense'?")],
    ['a layer type in lower case', specWith(X, '  d: {type: dense, units: 2}', 'd'), err('NN205', '6:13', "unknown layer type 'dense' in layer 'd'; did you mean 'Dense'?")],
    ['a layer type (Embeding)', specWith('  x: {shape: [4], dtype: int32}', '  d: {type: Embeding, input_dim: 10, output_dim: 2}', 'd'), err('NN205', '6:13', "unknown layer type 'Embeding' in layer 'd'; did you mean 'Embedding'?")],
    ['a layer type (Concatentae)', specWith(X, '  a: {type: Dense, units: 2}\n  d: {type: Concatentae, inputs: [a, x]}', 'd'), err('NN205', '7:13', "unknown layer type 'Concatentae' in layer 'd'; did you mean 'Concatenate'?")],
    ['a layer name in `outputs`', specWith(X, '  output: {type: Dense, units: 2}', 'ouput'), err('NN600', '7:11', "output 'ouput' is not a layer; did you mean 'output'?")],
    ['a layer name in `shares`', specWith(X, '  enc: {type: Dense, units: 2}\n  d: {shares: encc, inputs: x}', 'enc, d'), err('NN300', '7:15', "layer 'd' shares 'encc', which is not a layer; did you mean 'enc'?")],
    ['a loss', withTraining('  loss: sparse_categorical_crosentropy'), err('NN203', '9:9', "unknown loss 'sparse_categorical_crosentropy' in 'training.loss'; did you mean 'sparse_categorical_crossentropy'?")],
    ['a loss in a per-output map', withTraining('  loss: {d: binary_crossentropyy}'), err('NN203', '9:13', "unknown loss 'binary_crossentropyy' in 'training.loss.d'; did you mean 'binary_crossentropy'?")],
    ['a metric', withTraining('  metrics: [accuarcy]'), err('NN203', '9:13', "unknown metric 'accuarcy' in 'training.metrics'; did you mean 'accuracy'?")],
    ['a metric in a per-output map of lists', withTraining('  metrics: {d: [acc, presicion]}'), err('NN203', '9:22', "unknown metric 'presicion' in 'training.metrics.d'; did you mean 'precision'?")],
    ['an optimizer name', withTraining('  optimizer: rmsprp'), err('NN203', '9:14', "unknown optimizer 'rmsprp' in 'training.optimizer'; did you mean 'rmsprop'?")],
    ['an optimizer name in capitals', withTraining('  optimizer: Adam'), err('NN203', '9:14', "unknown optimizer 'Adam' in 'training.optimizer'; did you mean 'adam'?")],
    ['an optimizer object type', withTraining('  optimizer: {type: adamm, learning_rate: 0.01}'), err('NN203', '9:21', "unknown optimizer 'adamm' in 'training.optimizer'; did you mean 'adam'?")],
    ['an optimizer argument', withTraining('  optimizer: {type: sgd, momentun: 0.9}'), err('NN200', '9:26', "unknown key 'momentun' in 'training.optimizer'; did you mean 'momentum'?")],
    ['an activation', specWith(X, D(', activation: sigmod'), 'd'), err('NN203', '6:42', "unknown activation 'sigmod' in Dense layer 'd'; did you mean 'sigmoid'?")],
    ['an initializer name', specWith(X, D(', kernel_initializer: glorot_unifrom'), 'd'), err('NN203', '6:50', "unknown initializer 'glorot_unifrom' in 'kernel_initializer' of Dense layer 'd'; did you mean 'glorot_uniform'?")],
    ['an initializer object type', specWith(X, D(', kernel_initializer: {type: he_normall}'), 'd'), err('NN203', '6:57', "unknown initializer 'he_normall' in 'kernel_initializer' of Dense layer 'd'; did you mean 'he_normal'?")],
    ['an enum value', specWith('  x: {shape: [4], dtype: flaot32}', D(), 'd'), err('NN203', '4:26', "'dtype' in input 'x' cannot be 'flaot32'; did you mean 'float32'?")],
  ])('%s', async (_, text, expected) => {
    expect(brief(text)).toEqual([expected]);
    await expectExit1(text, expected.code);
  });

  it('a layer name in `inputs` (the layer it meant then feeds nothing: only a warning follows)', async () => {
    const text = specWith(X, '  dense1: {type: Dense, units: 2}\n  d: {type: Dense, units: 2, inputs: dense_1}', 'd');
    expect(errorsOf(text)).toEqual([err('NN300', '7:38', "layer 'd' takes input 'dense_1', which is not a model input or layer; did you mean 'dense1'?")]);
    await expectExit1(text, 'NN300');
  });

  it('nothing close: no guess, and the hint lists what is accepted', () => {
    const hintOf = (text: string) => compile(text, 'x').diagnostics.map((d) => [d.message, d.hint]);
    expect(hintOf(withTraining('  optimizer: lion'))).toEqual([["unknown optimizer 'lion' in 'training.optimizer'", 'accepted: sgd, rmsprop, adam, adamw, adagrad, adadelta, adamax']]);
    const [[message, hint]] = hintOf(specWith(X, '  d: {type: Transformer, units: 2}', 'd')) as [[string, string]];
    expect(message).toBe("unknown layer type 'Transformer' in layer 'd'");
    expect(hint).toMatch(/^layer types: Dense, Activation, Dropout, .*Concatenate, Add/);
    expect(hintOf(withTraining('  loss: wobble'))[0]![0]).toBe("unknown loss 'wobble' in 'training.loss'");
  });
});

describe('one error per mistake, from params', () => {
  it.each([
    ['missing keys at one place are one error', 'nnspec: 1\nname: t\n', err('NN201', '1:1', "the spec is missing required keys 'inputs', 'layers' and 'outputs'")],
    ['a missing required argument', specWith(X, '  d: {type: Dense}', 'd'), err('NN201', '6:3', "Dense layer 'd' is missing required key 'units'")],
    ['a layer without a type', specWith(X, '  d: {units: 2}', 'd'), err('NN201', '6:3', "layer 'd' has no 'type': give it a layer class (e.g. `type: Dense`) or reuse a layer with `shares:`")],
    ['a type that is not a string', specWith(X, '  d: {type: 3, units: 2}', 'd'), err('NN202', '6:13', "'type' in layer 'd' must be a layer class name such as Dense, got 3")],
    ['a quoted number', specWith(X, '  d: {type: Dense, units: "32"}', 'd'), err('NN202', '6:27', "'units' in Dense layer 'd' must be an integer, got the string '32'")],
    ['a fraction where an integer goes', specWith(X, '  d: {type: Dense, units: 2.5}', 'd'), err('NN202', '6:27', "'units' in Dense layer 'd' must be an integer, got 2.5")],
    ['a value of no accepted form (anyOf)', specWith(X, D(', activation: 1'), 'd'), err('NN202', '6:42', "'activation' in Dense layer 'd' must be an activation name or null, got 1")],
    ['a loss of no accepted form', withTraining('  loss: 3'), err('NN202', '9:9', "'training.loss' must be a loss name, a list or a mapping, got 3")],
    ['outputs of no accepted form', specWith(X, D(), 'd').replace('outputs: [d]', 'outputs: 3'), err('NN202', '7:10', "'outputs' must be a name or a list, got 3")],
    ['layers written as a list', specWith(X, '  - {type: Dense, units: 2}', 'd'), err('NN202', '6:3', "'layers' must be a mapping, got a list")],
    ['a layer with no value', specWith(X, '  d:', 'd'), err('NN202', '6:5', "layer 'd' must be a mapping, got null (an empty value)")],
    ['a number out of range', specWith(X, '  d: {type: Dropout, rate: 1.5}', 'd'), err('NN204', '6:28', "'rate' in Dropout layer 'd' must be < 1, got 1.5")],
    ['a learning rate below zero', withTraining('  optimizer: {type: adam, learning_rate: -1}'), err('NN204', '9:42', "'training.optimizer.learning_rate' must be >= 0, got -1")],
    ['an invalid layer name, located at the name', specWith(X, '  2nd: {type: Dense, units: 2}', '2nd'), err('NN208', '6:3', "layer name '2nd' is not valid: use letters, digits, '_', '.' and '-', starting with a letter or '_' (at most 128 characters)")],
    ['an invalid model name', specWith(X, D(), 'd').replace('name: t', 'name: my model'), err('NN208', '2:7', "model name 'my model' is not valid: use letters, digits, '_', '.' and '-', starting with a letter or '_' (at most 128 characters)")],
    ['an unsupported format version', specWith(X, D(), 'd').replace('nnspec: 1', 'nnspec: 3'), err('NN206', '1:9', 'spec format version 3 is not supported; this nnspec reads versions 1 and 2')],
    ['a format version as a string', specWith(X, D(), 'd').replace('nnspec: 1', 'nnspec: "1"'), err('NN206', '1:9', "'nnspec' must be the format version number 1 or 2, got the string '1'")],
    ['an empty list of outputs', specWith(X, D(), 'd').replace('outputs: [d]', 'outputs: []'), err('NN207', '7:10', "'outputs' needs at least 1 item, got 0")],
    ['a key on a sharing node', specWith(X, '  enc: {type: Dense, units: 2}\n  d: {shares: enc, inputs: x, units: 3}', 'enc, d'), err('NN209', '7:31', "layer 'd' shares 'enc' and so takes no 'units' of its own")],
  ])('%s', async (_, text, expected) => {
    expect(brief(text)).toEqual([expected]);
    await expectExit1(text, expected.code);
  });

  it('a name that is not a valid reference is reported once, by the pass that resolves it', () => {
    expect(brief(specWith(X, D(', inputs: "a b"'), 'd'))).toEqual([err('NN300', '6:38', "layer 'd' takes input 'a b', which is not a model input or layer")]);
  });

  it('hints say how to fix the usual type mistakes', () => {
    const hint = (text: string) => compile(text, 'x').diagnostics[0]!.hint;
    expect(hint(specWith(X, D(', use_bias: yes'), 'd'))).toBe('YAML 1.2 reads yes as a string; write true or false');
    expect(hint(specWith(X, D(', use_bias: "false"'), 'd'))).toBe('write false without quotes');
    expect(hint(specWith(X, '  d: {type: Dense, units: "32"}', 'd'))).toBe('write the number without quotes: 32');
    expect(hint(specWith(X, '  - {type: Dense, units: 2}', 'd'))).toBe("write each entry as `name: {...}` under 'layers:', not as a '- ' list item");
  });

  it('independent mistakes are each reported, in source order', () => {
    expect(brief(specWith('  x: {shape: [0]}', '  d: {type: Dense, units: 2, activation: rellu, use_bias: 1}', 'd')).map((d) => `${d.code} ${d.at}`)).toEqual(['NN204 4:15', 'NN203 6:42', 'NN202 6:59']);
  });

  it('20,000 unknown keys are each reported once (selection is linear, not quadratic)', () => {
    const text = `${specWith(X, D(), 'd')}${Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n')}\n`;
    const found = compile(text, 'x').diagnostics;
    expect(found).toHaveLength(20_000);
    expect(new Set(found.map((d) => d.line)).size).toBe(20_000);
  });
});

describe('suggest', () => {
  it.each([
    ['activaton', ['activation', 'units'], 'activation'],
    ['actvaton', ['activation'], 'activation'],
    ['acivaon', ['activation'], undefined],
    ['DENSE', ['Dense'], 'Dense'],
    ['input_posts', ['posts', 'title'], 'posts'],
    ['accuarcy', ['acc', 'accuracy'], 'accuracy'],
    ['a', ['b'], undefined],
    ['colour', ['units', 'activation'], undefined],
  ])('%s among %j -> %s', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('rmsprp', ['rmsprop'])).toBe("; did you mean 'rmsprop'?");
    expect(didYouMean('zzz', ['rmsprop'])).toBe('');
  });
});
