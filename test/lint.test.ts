/** Warnings for valid but probably wrong models (compiler/lint.ts): code, place, message, hint; exit status. */
import { describe, expect, it } from 'vitest';
import { brief, compileText, runCli } from './helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const heads = (loss: string, income = 'income: {type: Dense, units: 10, activation: softmax, inputs: trunk}', gender = 'gender: {type: Dense, units: 1, activation: sigmoid, inputs: trunk}') => `nnspec: 1
name: posts
inputs:
  x: {shape: [8]}
layers:
  trunk: {type: Dense, units: 16, activation: relu}
  age: {type: Dense, units: 1}
  ${gender}
  ${income}
outputs: [age, gender, income]
training:
  loss: ${loss}
`;

const hints = (text: string) => compileText(text).diagnostics.map((d) => d.hint);

describe('an output head that reads another output implicitly (NN608)', () => {
  it('warns at the head, naming both, with the trunk to read instead', () => {
    const text = heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}', undefined, 'gender: {type: Dense, units: 1, activation: sigmoid}');
    expect(brief(text)).toEqual([
      { code: 'NN608', at: '8:3', severity: 'warning', message: "output 'gender' has no `inputs:`, so it reads the layer above it, 'age', which is itself an output: 'gender' is computed from 'age's prediction" },
    ]);
    expect(hints(text)).toEqual(["to read what 'age' reads, write `inputs: trunk`; if 'gender' is meant to read 'age', write `inputs: age` to say so"]);
  });

  it('is silent when the head says `inputs:` (even the other output), and in a one-output chain', () => {
    expect(brief(heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}', undefined, 'gender: {type: Dense, units: 1, activation: sigmoid, inputs: age}'))).toEqual([]);
    expect(brief('nnspec: 1\nname: t\ninputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3}\n  b: {type: Dense, units: 2}\noutputs: [b]\n')).toEqual([]);
  });

  it('a warning: validate exits 0, and 1 with --strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-lint-'));
    const file = join(dir, 'heads.yaml');
    writeFileSync(file, heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}', undefined, 'gender: {type: Dense, units: 1, activation: sigmoid}'));
    const plain = await runCli(['validate', file]);
    expect(plain.code).toBe(0);
    expect(plain.stdout + plain.stderr).toContain(`${file}:8:3: warning[NN608]`);
    const strict = await runCli(['validate', file, '--strict']);
    expect(strict.code).toBe(1);
  });
});

describe('a probability loss and the output activation (NN606)', () => {
  it('a cross-entropy on a linear output', () => {
    const text = heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}', 'income: {type: Dense, units: 10, inputs: trunk}');
    expect(brief(text)).toEqual([
      { code: 'NN606', at: '12:57', severity: 'warning', message: "categorical_crossentropy takes probabilities, but output 'income' ends in activation 'linear', whose values are not probabilities" },
    ]);
    expect(hints(text)).toEqual(["add `activation: softmax` to 'income', or write the loss as `{type: categorical_crossentropy, from_logits: true}` to keep the output as logits"]);
  });

  it('binary_crossentropy on relu, through a Dropout', () => {
    const text = heads('[mse, binary_crossentropy, sparse_categorical_crossentropy]', undefined, 'g: {type: Dense, units: 1, activation: relu, inputs: trunk}\n  gender: {type: Dropout, rate: 0.1}');
    expect(brief(text)).toEqual([
      { code: 'NN606', at: '13:15', severity: 'warning', message: "binary_crossentropy takes probabilities, but output 'gender' (through 'g') ends in activation 'relu', whose values are not probabilities" },
    ]);
  });

  it('from_logits: true on a softmax output', () => {
    expect(brief(heads('{age: mse, gender: binary_crossentropy, income: {type: categorical_crossentropy, from_logits: true}}'))).toEqual([
      { code: 'NN606', at: '12:57', severity: 'warning', message: "categorical_crossentropy with from_logits: true treats output 'income' as logits, but it ends in 'softmax': the loss applies softmax on top of it" },
    ]);
  });

  it('silent where it fits: probabilities without from_logits, logits with it, a layer whose activation cannot be told', () => {
    expect(brief(heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}'))).toEqual([]);
    expect(brief(heads('{age: mse, gender: binary_crossentropy, income: {type: categorical_crossentropy, from_logits: true}}', 'income: {type: Dense, units: 10, inputs: trunk}'))).toEqual([]);
    expect(brief(heads('{age: mse, gender: binary_crossentropy, income: categorical_crossentropy}', 'income: {type: Concatenate, inputs: [trunk, trunk]}'))).toEqual([]);
  });
});
