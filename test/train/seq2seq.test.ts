/**
 * specs/seq2seq.yaml (keras.io's character-level encoder/decoder: the decoder LSTM starts from the
 * encoder's return_state states) trains on both engines and its training loss falls, on data
 * from `nnspec synth` (random one-hot characters: the model learns their frequencies).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { readJson, SPECS, tempDir } from './helpers.js';

const spec = join(SPECS, 'seq2seq.yaml');
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  const r = await runCli(['synth', spec, '--samples', '40', '--length', '4', '--out', join(dir, 'data'), '--seed', '3']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('specs/seq2seq.yaml trains', () => {
  it.each(['cpu', 'onnx'])('on %s: the training loss falls over 4 epochs; validation is computed', async (backend) => {
    const out = join(dir, backend);
    const r = await runCli(['train', spec, '--data', join(dir, 'data'), '--out', out, '--epochs', '4', '--batch-size', '16', '--seed', '7', '--backend', backend, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const history = readJson<Record<string, number[]>>(join(out, 'history.json'));
    const loss = history.loss!;
    expect(loss).toHaveLength(4);
    // Random targets over 93 characters: the loss starts near ln(93) = 4.53.
    expect(loss[0]!).toBeGreaterThan(4);
    expect(loss[0]!).toBeLessThan(5);
    for (let e = 1; e < loss.length; e++) expect({ epoch: e + 1, falls: loss[e]! < loss[e - 1]! }).toEqual({ epoch: e + 1, falls: true });
    expect(history.val_loss).toHaveLength(4);
  }, 240_000);
});
