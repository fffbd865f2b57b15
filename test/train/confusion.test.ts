/**
 * evaluate's confusion matrix (text and JSON) and predict's class ids (`classes: true`, the
 * `--classes` flag), on both engines, against counts made here from predict's outputs; which
 * outputs count as classifiers and how a prediction and a target become class ids.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictCommand } from '../../src/commands/predict.js';
import { ConfusionMatrix, classCount, predictedClasses, trueClasses } from '../../src/train/metrics/confusion.js';
import { lossArgsOf, type OutputPlan } from '../../src/train/objective.js';
import { rngFor } from '../../src/train/random.js';
import { ROOT, runCli } from '../helpers.js';
import { f32, i32, readArray, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: classes
inputs:
  x: {shape: [4]}
layers:
  hidden: {type: Dense, units: 6, activation: tanh}
  kind: {type: Dense, units: 3, activation: softmax, inputs: hidden}
  flag: {type: Dense, units: 1, activation: sigmoid, inputs: hidden}
  size: {type: Dense, units: 1, inputs: hidden}
outputs: [kind, flag, size]
training:
  loss: {kind: sparse_categorical_crossentropy, flag: binary_crossentropy, size: mse}
  metrics: {kind: [acc]}
`;

const N = 30;
let dir: string;
let data: string;
let run: string;
let kindIds: Int32Array;
let flagY: Float32Array;

beforeAll(async () => {
  dir = tempDir('nnspec-confusion-');
  const rng = rngFor(8, 'confusion');
  const x = f32([N, 4], () => rng.normal());
  const xs = x.data as Float32Array;
  const kind = i32([N], (i) => (xs[i * 4]! > 0.3 ? 2 : xs[i * 4 + 1]! > 0 ? 1 : 0));
  const flag = f32([N, 1], (i) => (xs[i * 4 + 2]! > 0 ? 1 : 0));
  kindIds = kind.data as Int32Array;
  flagY = flag.data as Float32Array;
  data = writeArrays(join(dir, 'data'), { x, kind, flag, size: f32([N, 1], (i) => xs[i * 4 + 3]!) });
  run = join(dir, 'run');
  const r = await runCli(['train', writeSpec(dir, SPEC), '--data', data, '--out', run, '--epochs', '3', '--batch-size', '8', '--seed', '2', '--backend', 'cpu', '--quiet']);
  expect(r.code).toBe(0);
});

/** Counts from predict's outputs, made here. */
function counts(pred: Float32Array, truth: ArrayLike<number>, classes: number, units: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < N; i++) {
    let p: number;
    if (units === 1) p = pred[i]! > 0.5 ? 1 : 0;
    else p = [0, 1, 2].reduce((a, b) => (pred[i * units + b]! > pred[i * units + a]! ? b : a), 0);
    m[truth[i]!]![p]! += 1;
  }
  return m;
}

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (s: string) => (out.stdout += s), isTTY: false }, stderr: { write: (s: string) => (out.stderr += s), isTTY: false }, env: {}, cwd: ROOT };
  return { io, out };
}

describe('evaluate prints and reports a confusion matrix for each classifier output', () => {
  it.each(['cpu', 'onnx'])('%s', async (backend) => {
    const pred = join(dir, `pred-${backend}`);
    expect((await runCli(['predict', run, '--data', data, '--out', pred, '--backend', backend])).code).toBe(0);
    const kind = counts(readArray(join(pred, 'kind.npy')).data as Float32Array, kindIds, 3, 3);
    const flag = counts(readArray(join(pred, 'flag.npy')).data as Float32Array, Array.from(flagY), 2, 1);
    expect(kind.flat().reduce((a, b) => a + b)).toBe(N);

    const json = await runCli(['evaluate', run, '--data', data, '--format', 'json', '--backend', backend, '--batch-size', '7']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { outputs: Record<string, { confusion_matrix?: number[][] }> };
    expect(report.outputs.kind!.confusion_matrix).toEqual(kind);
    expect(report.outputs.flag!.confusion_matrix).toEqual(flag);
    expect(report.outputs.size!.confusion_matrix).toBeUndefined();

    const text = await runCli(['evaluate', run, '--data', data, '--backend', backend]);
    expect(text.stdout).toContain(['kind: confusion matrix (rows: true class, columns: predicted class)', ...ConfusionMatrix.of(kind).render()].join('\n'));
    expect(text.stdout).toContain(['flag: confusion matrix (rows: true class, columns: predicted class)', ...ConfusionMatrix.of(flag).render()].join('\n'));
    expect(text.stdout).not.toContain('size: confusion');
  });
});

describe('predict with classes: <output>.classes.npy for classifier outputs', () => {
  it.each(['cpu', 'onnx'])('%s', async (backend) => {
    const out = join(dir, `classes-${backend}`);
    const { io, out: printed } = capture();
    expect(await predictCommand(run, { data, out, classes: true, backend: backend as 'cpu' }, io)).toBe(0);
    const kindP = readArray(join(out, 'kind.npy')).data as Float32Array;
    const ids = readArray(join(out, 'kind.classes.npy'));
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([N]);
    expect([...(ids.data as Int32Array)]).toEqual(Array.from({ length: N }, (_, i) => [0, 1, 2].reduce((a, b) => (kindP[i * 3 + b]! > kindP[i * 3 + a]! ? b : a), 0)));
    const flagP = readArray(join(out, 'flag.npy')).data as Float32Array;
    expect([...(readArray(join(out, 'flag.classes.npy')).data as Int32Array)]).toEqual([...flagP].map((p) => (p > 0.5 ? 1 : 0)));
    expect(existsSync(join(out, 'size.classes.npy'))).toBe(false);
    expect(printed.stdout).toContain(`${join(out, 'kind.classes.npy')}  int32  (${N},)`);
    expect(printed.stderr).toContain(`no class ids for 'size': its loss (mean_squared_error) and shape (${N}, 1) are not a classifier's`);
  });

  it('the CLI flag: nnspec predict --classes', async () => {
    const out = join(dir, 'classes-cli');
    const r = await runCli(['predict', run, '--data', data, '--out', out, '--classes', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(readArray(join(out, 'kind.classes.npy')).dtype).toBe('int32');
    expect(r.stdout).toContain(`${join(out, 'flag.classes.npy')}  int32  (${N},)`);
  });

  it('without classes, no class ids', async () => {
    const out = join(dir, 'no-classes');
    expect(await predictCommand(run, { data, out, backend: 'cpu' }, capture().io)).toBe(0);
    expect(existsSync(join(out, 'kind.classes.npy'))).toBe(false);
  });
});

describe('class ids', () => {
  const plan = (loss: string, shape: number[], args = {}) => ({ name: 'o', shape, loss, lossArgs: { ...lossArgsOf(loss as never), ...args }, weight: 1, metrics: [] }) as OutputPlan;
  it.each([
    ['categorical_crossentropy', [5], 5],
    ['sparse_categorical_crossentropy', [5], 5],
    ['categorical_focal_crossentropy', [3], 3],
    ['binary_crossentropy', [1], 2],
    ['binary_focal_crossentropy', [1], 2],
    ['hinge', [1], 2],
    ['binary_crossentropy', [4], undefined], // four yes/no labels, not one class
    ['mean_squared_error', [1], undefined],
    ['categorical_crossentropy', [4, 3], undefined],
  ])('%s on %j: %s classes', (loss, shape, classes) => {
    expect(classCount(plan(loss, shape))).toBe(classes);
  });

  it('argmax; one unit above 0.5, or above 0 for logits; targets as ids, one-hot rows or labels', () => {
    expect([...predictedClasses(plan('categorical_crossentropy', [3]), [0.1, 0.7, 0.2, 0.5, 0.2, 0.3], 2)]).toEqual([1, 0]);
    expect([...predictedClasses(plan('binary_crossentropy', [1]), [0.5, 0.51, 0.2], 3)]).toEqual([0, 1, 0]);
    expect([...predictedClasses(plan('binary_crossentropy', [1], { from_logits: true }), [-0.1, 0.2], 2)]).toEqual([0, 1]);
    expect([...trueClasses(plan('sparse_categorical_crossentropy', [3]), { values: Int32Array.of(2, 0), shape: [2, 1], dtype: 'int32' })]).toEqual([2, 0]);
    expect([...trueClasses(plan('categorical_crossentropy', [3]), { values: Float32Array.of(0, 0, 1, 1, 0, 0), shape: [2, 3], dtype: 'float32' })]).toEqual([2, 0]);
    expect([...trueClasses(plan('hinge', [1]), { values: Float32Array.of(-1, 1), shape: [2, 1], dtype: 'float32' })]).toEqual([0, 1]);
  });

  it('the matrix skips labels outside the classes (ignore_class ids) and renders right-aligned', () => {
    const m = new ConfusionMatrix(2);
    m.add([0, 1, 1, 5, -1], [0, 1, 0, 1, 1]);
    expect(m.counts).toEqual([[1, 0], [1, 1]]);
    expect(m.render()).toEqual(['           0    1', '      0    1    0', '      1    1    1']);
  });
});
