/** Run-directory and engine errors as diagnostics: exit status, code, message and place, pretty and json. */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { runCli } from '../helpers.js';

const SPEC = `nnspec: 1
name: t
inputs:
  x: {shape: [3]}
layers:
  y: {type: Dense, units: 2, activation: softmax, inputs: x}
outputs: [y]
training: {loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 2}
`;

let dir: string;
const json = (stderr: string) => JSON.parse(stderr) as { diagnostics: Record<string, unknown>[]; errors: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-diag-run-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  for (const [name, features] of [['data', 3], ['data4', 4]] as const) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'x.npy'), npyBytes({ dtype: 'float32', shape: [2, features], data: new Float32Array(2 * features).fill(0.5) }));
    writeFileSync(join(dir, name, 'y.npy'), npyBytes({ dtype: 'int32', shape: [2], data: Int32Array.from([0, 1]) }));
  }
  const r = await runCli(['train', 'spec.yaml', '--data', 'data', '--out', 'run', '--backend', 'cpu', '--seed', '1', '--quiet'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
});

describe('run errors', () => {
  it('a validation split that leaves no training samples: NN907, about the command line', async () => {
    const argv = ['train', 'spec.yaml', '--data', 'data', '--out', 'split', '--validation-split', '0.9', '--backend', 'cpu'];
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nnspec: error[NN907]: --validation-split 0.9 of 2 samples leaves 0 for training and 2 for validation; both need at least one\n');
    const j = await runCli([...argv, '--format', 'json'], { cwd: dir });
    expect(json(j.stderr).diagnostics).toEqual([expect.objectContaining({ code: 'NN907', file: null, line: null })]);
  });

  it('a checkpoint whose state cannot be read: NN909 at the checkpoint, not a stack trace', async () => {
    const copy = join(dir, 'damaged');
    cpSync(join(dir, 'run'), copy, { recursive: true });
    const pointer = JSON.parse(readFileSync(join(copy, 'checkpoint.json'), 'utf8')) as { dir: string };
    writeFileSync(join(copy, pointer.dir, 'state.json'), '{ not json');
    const r = await runCli(['train', 'spec.yaml', '--data', 'data', '--out', 'damaged', '--resume', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${join('damaged', pointer.dir)}: error\\[NN909\\]: the checkpoint's state cannot be read \\(`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a checkpoint whose weights cannot be read: NN909 on --resume, not a stack trace", async () => {
    cpSync(join(dir, 'run'), join(dir, 'torn'), { recursive: true });
    const pointer = JSON.parse(readFileSync(join(dir, 'torn', 'checkpoint.json'), 'utf8')) as { dir: string };
    writeFileSync(join(dir, 'torn', pointer.dir, 'model.json'), '{"weightsManifest": [');
    const r = await runCli(['train', 'spec.yaml', '--data', 'data', '--out', 'torn', '--resume', '--epochs', '2', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join('torn', pointer.dir)}: error[NN909]: the checkpoint's weights or optimizer state cannot be read (`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("predict without an input's file: NN819 at the data directory, labelled at the run's spec", async () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = await runCli(['predict', 'run', '--data', 'empty', '--out', 'pred', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      ["empty: error[NN819]: has no file for the model's input 'x'; expected x.npy, x.json or x.csv", ` ::: ${join('run', 'spec.yaml')}:4:3: input 'x' is declared here`, '4 |   x: {shape: [3]}', '  |   -', ''].join('\n'),
    );
    const j = await runCli(['predict', 'run', '--data', 'empty', '--out', 'pred', '--backend', 'cpu', '--format', 'json'], { cwd: dir });
    expect(json(j.stderr).diagnostics).toEqual([expect.objectContaining({ code: 'NN819', file: 'empty', labels: [expect.objectContaining({ file: join('run', 'spec.yaml'), line: 4, column: 3 })] })]);
  });

  it('a damaged model.json: NN909 (the run cannot be read), not a weights mismatch', async () => {
    cpSync(join(dir, 'run'), join(dir, 'broken'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'model.json'), '{"weightsManifest": [');
    const r = await runCli(['evaluate', 'broken', '--data', 'data', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${join('broken', 'model.json')}: error\\[NN909\\]: the run's weights cannot be read \\(`, 'm'));
  });

  it('weights that do not fit the run spec: NN903 at the run model.json', async () => {
    const run = join(dir, 'run');
    writeFileSync(join(run, 'spec.yaml'), SPEC.replace('shape: [3]', 'shape: [4]'));
    const r = await runCli(['evaluate', 'run', '--data', 'data4', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join('run', 'model.json')}: error[NN903]: the saved weights do not fit the run's spec (`);
    const j = await runCli(['evaluate', 'run', '--data', 'data4', '--backend', 'cpu', '--format', 'json'], { cwd: dir });
    expect(j.code).toBe(1);
    expect(json(j.stderr).diagnostics).toEqual([expect.objectContaining({ code: 'NN903', file: join('run', 'model.json'), line: null })]);
    expect(readdirSync(run)).toContain('model.json');
  });
});
