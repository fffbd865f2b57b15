/**
 * The Transformer text classifier (token and position embeddings, two Transformer encoder blocks,
 * pooling, softmax): its parameter count is Keras's, worked out from Keras's formulas here; it
 * trains on both engines on `nnspec synth` data, its training loss falling, and the saved run
 * predicts. It waits in test/fixtures/transformer/ to become a seed in specs/, where every seed
 * must also pass the export/import round trips (tfjs has no MultiHeadAttention to read Keras's
 * JSON with, and import cannot yet rebuild a saved attention layer's inputs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { compileText, ROOT, runCli } from '../helpers.js';
import { readJson, tempDir } from './helpers.js';

const spec = join(ROOT, 'test', 'fixtures', 'transformer', 'transformer_classifier.yaml');

describe('transformer_classifier.yaml: parameters as Keras counts them', () => {
  const graph = compileText(readFileSync(spec, 'utf8'), spec).graph!;
  const params = new Map(graph.layers.map((l) => [l.name, l.params]));
  // Keras: Embedding input_dim·output_dim; MultiHeadAttention's four EinsumDense projections,
  // query/key/value d·heads·key_dim (+ heads·key_dim bias) and output heads·value_dim·d (+ d);
  // LayerNormalization gamma and beta, d each; Dense in·units + units.
  const [vocab, steps, d, heads, keyDim, ff, classes] = [200, 16, 16, 2, 8, 32, 3];
  const mha = 3 * (d * heads * keyDim + heads * keyDim) + (heads * keyDim * d + d);
  const block = mha + 2 * (2 * d) + (d * ff + ff) + (ff * d + d);

  it.each([
    ['token_embedding', vocab * d],
    ['position_embedding', steps * d],
    ['block1_attention', mha],
    ['block2_attention', mha],
    ['block1_norm1', 2 * d],
    ['block2_ff1', d * ff + ff],
    ['block2_ff2', ff * d + d],
    ['classes', d * classes + classes],
  ])('%s: %i', (layer, want) => expect(params.get(layer)).toBe(want));

  it('the total: 7,955', () => {
    const total = vocab * d + steps * d + 2 * block + d * classes + classes;
    expect(total).toBe(7955);
    expect(graph.layers.reduce((s, l) => s + l.params, 0)).toBe(total);
  });
});

describe('transformer_classifier.yaml trains', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const r = await runCli(['synth', spec, '--samples', '64', '--out', join(dir, 'data'), '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it.each(['cpu', 'onnx'])('on %s: the training loss falls over 4 epochs (64 samples); validation is computed', async (backend) => {
    const out = join(dir, backend);
    const r = await runCli(['train', spec, '--data', join(dir, 'data'), '--out', out, '--epochs', '4', '--batch-size', '16', '--seed', '7', '--backend', backend, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const history = readJson<Record<string, number[]>>(join(out, 'history.json'));
    const loss = history.loss!;
    expect(loss).toHaveLength(4);
    // Random targets over 3 classes: the loss starts near ln 3 = 1.10.
    expect(loss[0]!).toBeGreaterThan(0.9);
    expect(loss[0]!).toBeLessThan(1.5);
    // Falls by a sixth or more over the run; an epoch may stall (three steps with dropout) but not rise by 1%.
    expect(loss[3]!).toBeLessThan((5 / 6) * loss[0]!);
    for (let e = 1; e < loss.length; e++) expect({ epoch: e + 1, rises: loss[e]! > 1.01 * loss[e - 1]! }).toEqual({ epoch: e + 1, rises: false });
    expect(history.val_loss).toHaveLength(4);
    // The saved run loads back (tfjs reads model.json's attention layers) and predicts class probabilities.
    const p = await runCli(['predict', out, '--data', join(dir, 'data'), '--out', join(dir, `pred-${backend}`), '--backend', backend]);
    expect(p.code, p.stderr).toBe(0);
    const pred = readNpy(join(dir, `pred-${backend}`, 'classes.npy'), 'classes.npy');
    expect(pred.shape).toEqual([64, 3]);
    const probs = pred.data as Float32Array;
    for (let i = 0; i < 64; i++) expect(probs[3 * i]! + probs[3 * i + 1]! + probs[3 * i + 2]!).toBeCloseTo(1, 5);
  }, 240_000);
});
