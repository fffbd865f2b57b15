/**
 * Metrics with Keras's arguments through the whole run: `train` on tfjs (cpu) and on ONNX reports
 * the same keys (f1 without `average`: one per class) and the same values for every epoch,
 * training and validation.
 */
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, i32, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: metrics
inputs:
  x: {shape: [5]}
layers:
  hidden: {type: Dense, units: 8, activation: tanh}
  kind: {type: Dense, units: 3, inputs: hidden}
  flag: {type: Dense, units: 1, activation: sigmoid, inputs: hidden}
  size: {type: Dense, units: 2, inputs: hidden}
outputs: [kind, flag, size]
training:
  optimizer: {type: adam, learning_rate: 0.01}
  loss:
    kind: {type: sparse_categorical_crossentropy, from_logits: true}
    flag: {type: binary_focal_crossentropy, gamma: 1.5, label_smoothing: 0.05}
    size: {type: huber, delta: 0.5}
  metrics:
    kind: [acc, {type: sparse_top_k_categorical_accuracy, k: 2, name: top2}]
    flag: [auc, {type: auc, curve: PR, name: pr_auc}, {type: f1_score, threshold: 0.5}, {type: precision_at_recall, recall: 0.5}, {type: recall, thresholds: 0.3}]
    size: [r2_score, rmse]
`;

const N = 48;
let dir: string;
let data: string;

beforeAll(() => {
  dir = tempDir('nnspec-metrics-');
  const rng = rngFor(6, 'metrics-engines');
  const x = f32([N, 5], () => rng.normal());
  const xs = x.data as Float32Array;
  data = writeArrays(join(dir, 'data'), {
    x,
    kind: i32([N, 1], (i) => (xs[i * 5]! > 0.4 ? 2 : xs[i * 5 + 1]! > 0 ? 1 : 0)),
    flag: f32([N, 1], (i) => (xs[i * 5 + 2]! + 0.3 * rng.normal() > 0 ? 1 : 0)),
    size: f32([N, 2], (k) => xs[Math.floor(k / 2) * 5 + 3 + (k % 2)]! * 2 + 0.1 * rng.normal()),
  });
});

async function train(backend: string) {
  const run = join(dir, `run-${backend}`);
  const r = await runCli(['train', writeSpec(dir, SPEC), '--data', data, '--out', run, '--epochs', '3', '--batch-size', '10', '--validation-split', '0.25', '--seed', '3', '--backend', backend, '--quiet']);
  if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  return { run, history: readJson<Record<string, number[]>>(join(run, 'history.json')) };
}

it('train reports the same metrics, keys and values, on tfjs and ONNX (huber trains on tfjs: no where-gradient)', async () => {
  const cpu = await train('cpu');
  const onnx = await train('onnx');
  const keys = ['loss', 'kind_loss', 'flag_loss', 'size_loss', 'kind_acc', 'kind_top2', 'flag_auc', 'flag_pr_auc', 'flag_f1_score_0', 'flag_precision_at_recall', 'flag_recall', 'size_r2_score', 'size_rmse'];
  expect(Object.keys(cpu.history)).toEqual([...keys, ...keys.map((k) => `val_${k}`)]);
  expect(Object.keys(onnx.history)).toEqual(Object.keys(cpu.history));
  for (const k of Object.keys(cpu.history)) {
    cpu.history[k]!.forEach((v, e) => expect(Math.abs(onnx.history[k]![e]! - v) <= 1e-4 * Math.max(1, Math.abs(v)) ? 'same' : `${k}[${e}]: onnx ${onnx.history[k]![e]} vs tfjs ${v}`).toBe('same'));
  }
  // The AUC of a trained classifier is better than chance, R² of a fitted regression above 0.
  expect(cpu.history.flag_auc![2]).toBeGreaterThan(0.6);
  expect(cpu.history.size_r2_score![2]).toBeGreaterThan(0);
});
