/**
 * Learning is real: on a task whose labels are a fixed function of the inputs, the loss falls
 * far below its start and accuracy climbs; evaluate on the data agrees with the last epoch.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, i32, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

const MLP = `nnspec: 1
name: argmax
inputs:
  x: {shape: [8]}
layers:
  hidden: {type: Dense, units: 32, activation: relu}
  label: {type: Dense, units: 4, activation: softmax}
outputs: [label]
training:
  optimizer: {type: adam, learning_rate: 0.01}
  loss: categorical_crossentropy
  metrics: [acc]
  batch_size: 32
`;

// Tokens → Embedding → pooling: the label says whether token 1 occurs in the sequence.
const TOKENS = `nnspec: 1
name: contains
inputs:
  tokens: {shape: [null], dtype: int32}
layers:
  embedded: {type: Embedding, input_dim: 12, output_dim: 8}
  pooled: {type: GlobalMaxPooling1D}
  found: {type: Dense, units: 1, activation: sigmoid}
outputs: [found]
training:
  optimizer: {type: adam, learning_rate: 0.02}
  loss: binary_crossentropy
  metrics: [acc]
  batch_size: 32
`;

function argmaxTask(n: number) {
  const rng = rngFor(2, 'learning');
  const w = Array.from({ length: 32 }, () => rng.normal());
  const x = f32([n, 8], () => rng.normal());
  const label = f32([n, 4], (k) => {
    const i = Math.floor(k / 4);
    const scores = [0, 1, 2, 3].map((c) => [...x.data.subarray(i * 8, i * 8 + 8)].reduce((a, v, j) => a + v * w[c * 8 + j]!, 0));
    return scores.indexOf(Math.max(...scores)) === k % 4 ? 1 : 0;
  });
  return { x, label };
}

function containsTask(n: number, length: number) {
  const rng = rngFor(3, 'learning');
  const tokens = i32([n, length], () => 2 + rng.int(10));
  const found = f32([n, 1], () => 0);
  for (let i = 0; i < n; i++) {
    if (rng.next() < 0.5) {
      tokens.data[i * length + rng.int(length)] = 1;
      found.data[i] = 1;
    }
  }
  return { tokens, found };
}

async function learn(spec: string, arrays: Record<string, ReturnType<typeof f32>>, epochs: number, backend: string) {
  const dir = tempDir();
  const data = writeArrays(join(dir, 'data'), arrays);
  const run = join(dir, 'run');
  const r = await runCli(['train', writeSpec(dir, spec), '--data', data, '--validation-data', data, '--out', run, '--epochs', String(epochs), '--seed', '1', '--backend', backend, '--quiet']);
  expect(r.code).toBe(0);
  const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
  const e = await runCli(['evaluate', run, '--data', data, '--format', 'json', '--backend', backend]);
  expect(e.code).toBe(0);
  return { history, evaluation: JSON.parse(e.stdout) as { loss: number; logs: Record<string, number> } };
}

describe.each(['cpu', 'wasm'])('learning on %s', (backend) => {
  it('fits labels that are the argmax of a fixed linear map', async () => {
    const { history, evaluation } = await learn(MLP, argmaxTask(512), 25, backend);
    const first = history.loss![0]!;
    const last = history.loss![24]!;
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(first / 4);
    expect(history.acc![24]).toBeGreaterThan(0.9);
    // evaluate = the last epoch's validation numbers (same data, same final weights) ≈ its running training loss.
    expect(evaluation.loss).toBeCloseTo(history.val_loss![24]!, 5);
    expect(evaluation.logs.acc).toBeCloseTo(history.val_acc![24]!, 6);
    expect(Math.abs(evaluation.loss - last)).toBeLessThan(0.5 * last);
  });

  it('learns through an Embedding whether a token occurs in a sequence', async () => {
    const { history, evaluation } = await learn(TOKENS, containsTask(384, 10), 20, backend);
    expect(history.loss![0]).toBeGreaterThan(0.6);
    expect(history.loss![19]).toBeLessThan(0.25);
    expect(evaluation.logs.acc).toBeGreaterThan(0.95);
    expect(evaluation.loss).toBeCloseTo(history.val_loss![19]!, 5);
  });
});
