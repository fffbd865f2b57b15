/**
 * A frozen model-as-layer (`trainable: false` on a `from:` block use) keeps its weights and its
 * BatchNormalization statistics bit-identical through training, on both engines: the frozen
 * BatchNormalization runs in inference mode, as Keras's does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { cpuTf, loadSaved, tempDir } from '../train/helpers.js';

const BACKBONE = `nnspec: 1
name: backbone
inputs:
  img: {shape: [8, 8, 3]}
layers:
  conv: {type: Conv2D, filters: 4, kernel_size: 3}
  bn: {type: BatchNormalization}
  relu: {type: Activation, activation: relu}
  pool: {type: GlobalAveragePooling2D}
outputs: pool
`;
const MAIN = (frozen: boolean) => `nnspec: 2
name: classifier
blocks:
  backbone: {from: backbone.yaml}
inputs:
  image: {shape: [8, 8, 3]}
layers:
  base: {block: backbone${frozen ? ', trainable: false' : ''}}
  head: {type: Dense, units: 2, activation: softmax}
outputs: head
training: {optimizer: adam, loss: categorical_crossentropy, batch_size: 8, seed: 3}
`;

async function trained(dir: string, backend: string, epochs: number, name: string) {
  const out = join(dir, name);
  const r = await runCli(['train', join(dir, 'main.yaml'), '-d', join(dir, 'data'), '-o', out, '--epochs', String(epochs), '--backend', backend, '--seed', '3'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const tf = await cpuTf();
  const model = await loadSaved(tf, out);
  const weights = (layer: string) => model.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));
  return { out, base: { conv: weights('base_conv'), bn: weights('base_bn') }, head: weights('head') };
}

function setUp(frozen: boolean): string {
  const dir = tempDir('nnspec-frozen-');
  writeFileSync(join(dir, 'backbone.yaml'), BACKBONE);
  writeFileSync(join(dir, 'main.yaml'), MAIN(frozen));
  return dir;
}

describe.each(['cpu', 'onnx'])('a frozen backbone on %s', (backend) => {
  it('keeps its weights and BatchNormalization statistics bit-identical while the head learns', async () => {
    const dir = setUp(true);
    expect((await runCli(['synth', 'main.yaml', '-n', '32', '-o', 'data', '--seed', '1'], { cwd: dir })).code).toBe(0);
    const one = await trained(dir, backend, 1, 'one');
    const three = await trained(dir, backend, 3, 'three');
    // Same seed, same initial weights: a frozen layer's are the same after 1 and after 3 epochs.
    expect(three.base).toEqual(one.base);
    const [gamma, beta, mean, variance] = three.base.bn;
    expect(gamma!.every((v) => v === 1) && beta!.every((v) => v === 0)).toBe(true);
    expect(mean!.every((v) => v === 0) && variance!.every((v) => v === 1)).toBe(true);
    expect(three.head).not.toEqual(one.head);
    // The run keeps the file its spec takes the backbone from, so it can be evaluated.
    expect(readFileSync(join(three.out, 'backbone.yaml'), 'utf8')).toBe(BACKBONE);
    const evaluated = await runCli(['evaluate', three.out, '-d', join(dir, 'data'), '--backend', backend], { cwd: dir });
    expect(evaluated.code, evaluated.stderr).toBe(0);
  });

  it('unfrozen, the same backbone moves its weights and statistics (the test can fail)', async () => {
    const dir = setUp(false);
    expect((await runCli(['synth', 'main.yaml', '-n', '32', '-o', 'data', '--seed', '1'], { cwd: dir })).code).toBe(0);
    const one = await trained(dir, backend, 1, 'one');
    const three = await trained(dir, backend, 3, 'three');
    expect(three.base.conv).not.toEqual(one.base.conv);
    expect(three.base.bn[2]).not.toEqual(one.base.bn[2]);
  });
});
