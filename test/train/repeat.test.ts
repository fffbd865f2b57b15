/** A seeded run repeats exactly — initializers, shuffling, dropout and noise — on cpu and on wasm. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: noisy
inputs:
  x: {shape: [6]}
layers:
  noise: {type: GaussianNoise, stddev: 0.1}
  hidden: {type: Dense, units: 16, activation: relu}
  dropped: {type: Dropout, rate: 0.3}
  y: {type: Dense, units: 3, activation: softmax, kernel_initializer: orthogonal}
outputs: [y]
training: {optimizer: adam, loss: categorical_crossentropy, metrics: [acc], batch_size: 8}
`;

describe.each(['cpu', 'wasm'])('seeded runs on %s', (backend) => {
  it('repeat exactly with the same seed and differ with another', async () => {
    const dir = tempDir();
    const rng = rngFor(6, 'repeat');
    const data = writeArrays(join(dir, 'data'), { x: f32([40, 6], () => rng.normal()), y: f32([40, 3], (i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)) });
    const spec = writeSpec(dir, SPEC);
    const train = async (name: string, seed: number) => {
      const r = await runCli(['train', spec, '--data', data, '--out', join(dir, name), '--epochs', '3', '--seed', String(seed), '--backend', backend, '--quiet']);
      expect(r.code).toBe(0);
      return { weights: readFileSync(join(dir, name, 'weights.bin')), history: readFileSync(join(dir, name, 'history.json'), 'utf8') };
    };
    const a = await train('a', 11);
    const b = await train('b', 11);
    const c = await train('c', 12);
    expect(a.weights.equals(b.weights)).toBe(true);
    expect(a.history).toBe(b.history);
    expect(a.weights.equals(c.weights)).toBe(false);
    expect(a.history).not.toBe(c.history);
  });
});
