/**
 * Shared layers hold one set of weights, and training updates it from every call site: with one
 * SGD step, the update from both branches is the sum of the updates from each branch alone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { cpuTf, f32, readJson, SPECS, savedWeights, tempDir, writeArrays, writeSpec } from './helpers.js';
import { rngFor } from '../../src/train/random.js';

const spec = (weights: [number, number]) => `nnspec: 1
name: shared
inputs:
  a: {shape: [5]}
  b: {shape: [5]}
layers:
  enc_a: {type: Dense, units: 4, activation: tanh, inputs: a}
  enc_b: {shares: enc_a, inputs: b}
  out_a: {type: Dense, units: 1, inputs: enc_a}
  out_b: {type: Dense, units: 1, inputs: enc_b}
outputs: [out_a, out_b]
training:
  optimizer: {type: sgd, learning_rate: 0.1}
  loss: mse
  loss_weights: [${weights[0]}, ${weights[1]}]
`;

const N = 16;

async function oneStep(dir: string, data: string, weights: [number, number]) {
  const name = `w${weights.join('_')}`;
  const run = join(dir, name);
  const r = await runCli(['train', writeSpec(dir, spec(weights), `${name}.yaml`), '--data', data, '--out', run, '--epochs', '1', '--batch-size', String(N), '--seed', '5', '--backend', 'cpu', '--quiet']);
  expect(r.code).toBe(0);
  return savedWeights(await cpuTf(), run);
}

describe('shared layers', () => {
  it('one set of weights, updated by both branches', async () => {
    const dir = tempDir();
    const rng = rngFor(1, 'shared');
    const data = writeArrays(join(dir, 'data'), {
      a: f32([N, 5], () => rng.normal()),
      b: f32([N, 5], () => rng.normal()),
      out_a: f32([N, 1], () => rng.normal()),
      out_b: f32([N, 1], () => rng.normal()),
    });
    const none = await oneStep(dir, data, [0, 0]);
    const onlyA = await oneStep(dir, data, [1, 0]);
    const onlyB = await oneStep(dir, data, [0, 1]);
    const both = await oneStep(dir, data, [1, 1]);
    expect([...both.keys()].sort()).toEqual(['enc_a/bias', 'enc_a/kernel', 'out_a/bias', 'out_a/kernel', 'out_b/bias', 'out_b/kernel']);
    for (const w of ['enc_a/kernel', 'enc_a/bias']) {
      const start = none.get(w)!;
      const deltaA = onlyA.get(w)!.map((v, i) => v - start[i]!);
      const deltaB = onlyB.get(w)!.map((v, i) => v - start[i]!);
      const deltaBoth = both.get(w)!.map((v, i) => v - start[i]!);
      expect(Math.max(...deltaA.map(Math.abs))).toBeGreaterThan(1e-4);
      expect(Math.max(...deltaB.map(Math.abs))).toBeGreaterThan(1e-4);
      deltaBoth.forEach((d, i) => expect(d).toBeCloseTo(deltaA[i]! + deltaB[i]!, 6));
    }
  });

  it('the siamese LSTM is saved once, under the layer that declares it', async () => {
    const dir = tempDir();
    const spec = join(SPECS, 'siamese_lstm.yaml');
    expect((await runCli(['synth', spec, '--samples', '4', '--length', '3', '--out', join(dir, 'data'), '--seed', '1'])).code).toBe(0);
    expect((await runCli(['train', spec, '--data', join(dir, 'data'), '--out', join(dir, 'run'), '--epochs', '1', '--backend', 'cpu', '--quiet'])).code).toBe(0);
    const manifest = readJson<{ weightsManifest: { weights: { name: string }[] }[] }>(join(dir, 'run', 'model.json')).weightsManifest[0]!.weights.map((w) => w.name);
    expect(manifest.filter((n) => n.includes('encoded')).map((n) => n.split('/')[0])).toEqual(['left_encoded', 'left_encoded', 'left_encoded']);
  });
});
