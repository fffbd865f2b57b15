/** Warnings about a validation split of sorted labels or of one class (data/split-check.ts, NN832). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataSet } from '../../src/data/dataset.js';
import { memorySource } from '../../src/data/source.js';
import { validationSplitProblems } from '../../src/data/split-check.js';
import type { OutputPlan } from '../../src/train/objective.js';
import { runCli } from '../helpers.js';

const output = (loss: string, shape: number[]) => ({ name: 'y', shape, loss, lossArgs: {}, weight: 1, metrics: [] }) as unknown as OutputPlan;
function setOf(values: number[], shape: number[]): DataSet {
  const array = { dtype: 'float32' as const, shape, data: Float32Array.from(values) };
  return { source: 'd', entries: new Map([['y', { file: 'd/y.npy', array: memorySource('d/y.npy', array, 'test') }]]), extra: [], problems: [] };
}
const messages = (loss: string, values: number[], shape: number[], splitAt: number, fraction: number) =>
  validationSplitProblems([output(loss, shape.slice(1))], setOf(values, shape), splitAt, shape[0]!, fraction).map((p) => ({ code: p.code, severity: p.severity, file: p.file, message: p.message }));

describe('validationSplitProblems', () => {
  it('sorted class ids: validation holds the last class only', () => {
    expect(messages('sparse_categorical_crossentropy', [0, 0, 0, 0, 1, 1, 1, 2, 2, 2], [10], 8, 0.2)).toEqual([
      { code: 'NN832', severity: 'warning', file: 'd/y.npy', message: "the labels of output 'y' are sorted (class 0 first): validation_split takes the last 20% of the samples before shuffling, so validation holds class 2 only and never classes 0, 1" },
    ]);
  });

  it('one-hot rows sorted in falling order, read by their largest entry', () => {
    const rows = [[0, 1], [0, 1], [0, 1], [1, 0], [1, 0], [1, 0]].flat();
    expect(messages('categorical_crossentropy', rows, [6, 2], 4, 1 / 3)[0]!.message).toBe(
      "the labels of output 'y' are sorted (class 1 first): validation_split takes the last 33.33% of the samples before shuffling, so validation holds class 0 only and never class 1",
    );
  });

  it('unsorted labels whose validation part holds one class', () => {
    expect(messages('binary_crossentropy', [0, 1, 0, 1, 1, 0, 1, 1], [8, 1], 6, 0.25)).toEqual([
      { code: 'NN832', severity: 'warning', file: 'd/y.npy', message: "the validation split of output 'y' (the last 2 samples) holds only class 1, while the training part holds 2 classes: its accuracy says nothing of the others" },
    ]);
  });

  it('silent on mixed labels, on a regression output, on one class overall, and with no validation part', () => {
    expect(messages('sparse_categorical_crossentropy', [0, 1, 2, 0, 1, 2, 0, 1, 2, 1], [10], 8, 0.2)).toEqual([]);
    expect(messages('mean_squared_error', [0, 0, 1, 1, 2, 2], [6], 4, 1 / 3)).toEqual([]);
    expect(messages('sparse_categorical_crossentropy', [1, 1, 1, 1], [4], 3, 0.25)).toEqual([]);
    expect(messages('sparse_categorical_crossentropy', [0, 0, 1, 1], [4], 4, 0)).toEqual([]);
  });
});

describe('nnspec train with sorted labels', () => {
  it('warns with NN832 at the target file, then trains (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-split-'));
    writeFileSync(join(dir, 'spec.yaml'), 'nnspec: 1\nname: c\ninputs:\n  x: {shape: [2]}\nlayers:\n  y: {type: Dense, units: 3, activation: softmax}\noutputs: [y]\ntraining: {loss: sparse_categorical_crossentropy, optimizer: adam, validation_split: 0.25, epochs: 1, batch_size: 4}\n');
    mkdirData(dir);
    const r = await runCli(['train', join(dir, 'spec.yaml'), '--data', join(dir, 'data'), '--out', join(dir, 'run'), '--backend', 'cpu', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${join(dir, 'data')}/y.json: warning[NN832]: the labels of output 'y' are sorted (class 0 first): validation_split takes the last 25% of the samples before shuffling, so validation holds class 2 only and never classes 0, 1`);
    expect(r.stderr).toContain('hint: shuffle the samples');
  });
});

function mkdirData(dir: string): void {
  const data = join(dir, 'data');
  mkdirSync(data);
  const x = Array.from({ length: 12 }, (_, i) => [i / 12, 1 - i / 12]);
  const y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2];
  writeFileSync(join(data, 'x.json'), JSON.stringify(x));
  writeFileSync(join(data, 'y.json'), JSON.stringify(y));
}
