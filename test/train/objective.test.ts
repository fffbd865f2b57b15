/**
 * The objective on a three-output model: per-output losses and metrics are reported as Keras
 * names them, loss_weights shape both the reported total and what is minimized, and evaluate's
 * numbers (and the validation numbers tfjs gets wrong for several outputs) match a hand computation.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededModel } from '../../src/backends/tfjs/seeded-model.js';
import { compileText, runCli } from '../helpers.js';
import { cpuTf, f32, readArray, readJson, savedWeights, tempDir, writeArrays, writeSpec } from './helpers.js';
import { rngFor } from '../../src/train/random.js';

const SPEC = `nnspec: 1
name: multi
inputs:
  x: {shape: [6]}
layers:
  hidden: {type: Dense, units: 8, activation: tanh}
  value: {type: Dense, units: 1, inputs: hidden}
  kind: {type: Dense, units: 3, activation: softmax, inputs: hidden}
  flag: {type: Dense, units: 1, activation: sigmoid, inputs: hidden}
outputs: [value, kind, flag]
training:
  optimizer: {type: sgd, learning_rate: 0.1}
  loss: {value: mse, kind: categorical_crossentropy, flag: binary_crossentropy}
  loss_weights: {value: 0.5, kind: 2.0, flag: 0}
  metrics: {value: [mae, mse], kind: [acc], flag: [acc, precision, recall]}
`;

const N = 40;
let dir: string;
let data: string;
let run: string;
let x: Float32Array;
let targets: { value: Float32Array; kind: Float32Array; flag: Float32Array };

beforeAll(async () => {
  dir = tempDir();
  const rng = rngFor(4, 'objective-test');
  x = Float32Array.from({ length: N * 6 }, () => rng.normal());
  const row = (i: number) => x.subarray(i * 6, i * 6 + 6);
  const value = f32([N, 1], (i) => row(i).reduce((a, b) => a + b, 0));
  const kind = f32([N, 3], (k) => {
    const r = row(Math.floor(k / 3));
    const best = [0, 1, 2].reduce((a, b) => (r[b]! > r[a]! ? b : a), 0);
    return k % 3 === best ? 1 : 0;
  });
  const flag = f32([N, 1], (i) => (row(i)[0]! > 0 ? 1 : 0));
  targets = { value: value.data as Float32Array, kind: kind.data as Float32Array, flag: flag.data as Float32Array };
  data = writeArrays(join(dir, 'data'), { x: { dtype: 'float32', shape: [N, 6], data: x }, value, kind, flag });
  run = join(dir, 'run');
  const spec = writeSpec(dir, SPEC);
  const r = await runCli(['train', spec, '--data', data, '--validation-data', data, '--out', run, '--epochs', '3', '--batch-size', '16', '--seed', '9', '--backend', 'cpu', '--quiet']);
  expect(r.stderr).toContain('epoch 3/3');
  expect(r.code).toBe(0);
});

describe('a three-output model with loss_weights', () => {
  it("reports Keras's keys: the weighted total, each output's unweighted loss, and <output>_<metric>", () => {
    const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
    expect(Object.keys(history)).toEqual([
      'loss', 'value_loss', 'kind_loss', 'flag_loss', 'value_mae', 'value_mse', 'kind_acc', 'flag_acc', 'flag_precision', 'flag_recall',
      'val_loss', 'val_value_loss', 'val_kind_loss', 'val_flag_loss', 'val_value_mae', 'val_value_mse', 'val_kind_acc', 'val_flag_acc', 'val_flag_precision', 'val_flag_recall',
    ]);
    for (let e = 0; e < 3; e++) {
      // loss = Σ wᵢ·lossᵢ for every epoch, training and validation.
      expect(history.loss![e]).toBeCloseTo(0.5 * history.value_loss![e]! + 2 * history.kind_loss![e]! + 0 * history.flag_loss![e]!, 5);
      expect(history.val_loss![e]).toBeCloseTo(0.5 * history.val_value_loss![e]! + 2 * history.val_kind_loss![e]!, 5);
      // mse as a metric is the mse loss; the flag's loss is still reported at weight 0.
      expect(history.value_mse![e]).toBeCloseTo(history.value_loss![e]!, 5);
      expect(history.flag_loss![e]).toBeGreaterThan(0);
    }
  });

  it('minimizes the weighted total: an output of weight 0 leaves its head untouched, the others move', async () => {
    const tf = await cpuTf();
    const initial = seededModel(tf, compileText(SPEC).graph!, 9).model;
    const before = new Map(initial.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
    initial.dispose();
    const after = await savedWeights(tf, run);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect([...after.get('flag/kernel')!]).toEqual([...before.get('flag/kernel')!]);
    expect([...after.get('flag/bias')!]).toEqual([...before.get('flag/bias')!]);
    for (const name of ['value/kernel', 'kind/kernel', 'hidden/kernel']) expect([...after.get(name)!]).not.toEqual([...before.get(name)!]);
  });

  it('evaluate agrees with a hand computation from predict, and with the last epoch\'s validation numbers', async () => {
    const r = await runCli(['evaluate', run, '--data', data, '--format', 'json', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { loss: number; samples: number; outputs: Record<string, { loss: number; weight: number; metrics: Record<string, number> }>; logs: Record<string, number> };
    const p = await runCli(['predict', run, '--data', data, '--out', join(dir, 'pred'), '--backend', 'cpu']);
    expect(p.code).toBe(0);
    const value = readArray(join(dir, 'pred', 'value.npy')).data;
    const kind = readArray(join(dir, 'pred', 'kind.npy')).data;
    const flag = readArray(join(dir, 'pred', 'flag.npy')).data;
    const mean = (f: (i: number) => number) => Array.from({ length: N }, (_, i) => f(i)).reduce((a, b) => a + b, 0) / N;
    const eps = 1e-7;
    const clip = (v: number) => Math.min(1 - eps, Math.max(eps, v));
    const hand = {
      value: mean((i) => (value[i]! - targets.value[i]!) ** 2),
      valueMae: mean((i) => Math.abs(value[i]! - targets.value[i]!)),
      kind: mean((i) => {
        const s = kind[i * 3]! + kind[i * 3 + 1]! + kind[i * 3 + 2]!;
        return -[0, 1, 2].reduce((a, k) => a + targets.kind[i * 3 + k]! * Math.log(clip(kind[i * 3 + k]! / s)), 0);
      }),
      kindAcc: mean((i) => {
        const arg = (a: ArrayLike<number>) => [0, 1, 2].reduce((b, k) => (a[i * 3 + k]! > a[i * 3 + b]! ? k : b), 0);
        return arg(kind) === arg(targets.kind) ? 1 : 0;
      }),
      flag: mean((i) => {
        const q = clip(flag[i]!);
        const y = targets.flag[i]!;
        return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
      }),
      flagAcc: mean((i) => ((flag[i]! > 0.5 ? 1 : 0) === targets.flag[i] ? 1 : 0)),
    };
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < N; i++) {
      const pred = flag[i]! > 0.5;
      const truth = targets.flag[i] === 1;
      if (pred && truth) tp++;
      else if (pred) fp++;
      else if (truth) fn++;
    }
    expect(e.samples).toBe(N);
    expect(e.outputs.value!.loss).toBeCloseTo(hand.value, 5);
    expect(e.outputs.value!.metrics.mae).toBeCloseTo(hand.valueMae, 5);
    expect(e.outputs.kind!.loss).toBeCloseTo(hand.kind, 5);
    expect(e.outputs.kind!.metrics.acc).toBeCloseTo(hand.kindAcc, 6);
    expect(e.outputs.flag!.loss).toBeCloseTo(hand.flag, 5);
    expect(e.outputs.flag!.metrics.acc).toBeCloseTo(hand.flagAcc, 6);
    expect(e.outputs.flag!.metrics.precision).toBeCloseTo(tp + fp === 0 ? 0 : tp / (tp + fp), 6);
    expect(e.outputs.flag!.metrics.recall).toBeCloseTo(tp / (tp + fn), 6);
    expect(e.loss).toBeCloseTo(0.5 * hand.value + 2 * hand.kind, 4);
    // Validation ran on the same data with the final weights: the same numbers, slot for slot.
    const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
    for (const [k, v] of Object.entries(e.logs)) expect(history[`val_${k}`]![2]).toBeCloseTo(v, 5);
  });
});
