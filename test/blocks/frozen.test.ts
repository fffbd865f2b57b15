/**
 * A frozen model-as-layer (`trainable: false` on a `from:` block use) keeps its weights and its
 * BatchNormalization statistics bit-identical through training, on both engines: the frozen
 * BatchNormalization runs in inference mode, as Keras's does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
training: {optimizer: adam, loss: mse, batch_size: 8, seed: 5}
`;
const MAIN = (frozen: boolean, weights = '') => `nnspec: 2
name: classifier
blocks:
  backbone: {from: backbone.yaml}
inputs:
  image: {shape: [8, 8, 3]}
layers:
  base: {block: backbone${frozen ? ', trainable: false' : ''}${weights ? `, weights: ${weights}` : ''}}
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

function setUp(frozen: boolean, weights = ''): string {
  const dir = tempDir('nnspec-frozen-');
  writeFileSync(join(dir, 'backbone.yaml'), BACKBONE);
  writeFileSync(join(dir, 'main.yaml'), MAIN(frozen, weights));
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

  it('starts a frozen backbone from a trained run (weights: RUN) and keeps those weights', async () => {
    const dir = setUp(true, 'runs/backbone');
    expect((await runCli(['synth', 'backbone.yaml', '-n', '16', '-o', 'bdata', '--seed', '2'], { cwd: dir })).code).toBe(0);
    const pre = await runCli(['train', 'backbone.yaml', '-d', 'bdata', '-o', 'runs/backbone', '--epochs', '2', '--backend', backend], { cwd: dir });
    expect(pre.code, pre.stderr).toBe(0);
    const tf = await cpuTf();
    const source = await loadSaved(tf, join(dir, 'runs/backbone'));
    const sourceWeights = (layer: string) => source.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));
    expect((await runCli(['synth', 'main.yaml', '-n', '32', '-o', 'data', '--seed', '1'], { cwd: dir })).code).toBe(0);
    const after = await trained(dir, backend, 2, 'main');
    expect(after.base.conv).toEqual(sourceWeights('conv'));
    expect(after.base.bn).toEqual(sourceWeights('bn'));
  });
});

describe('weights: a run that does not fit', () => {
  it('a missing run is NN317 at the use\'s weights: (exit 1), and nothing is trained', async () => {
    const dir = setUp(true, 'runs/nothing');
    expect((await runCli(['synth', 'main.yaml', '-n', '8', '-o', 'data', '--seed', '1'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['train', 'main.yaml', '-d', 'data', '-o', 'out', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`main.yaml:8:45: error[NN317]: 'base' takes its weights from 'runs/nothing': the run cannot be read (ENOENT: no such file or directory, open '${join(dir, 'runs/nothing/model.json')}')`);
    expect(r.stderr).toContain('8 |   base: {block: backbone, trainable: false, weights: runs/nothing}');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a run whose weights do not fit is NN317 naming the weight and both shapes', async () => {
    const dir = setUp(true, 'runs/other');
    writeFileSync(join(dir, 'other.yaml'), BACKBONE.replace('filters: 4', 'filters: 6'));
    expect((await runCli(['synth', 'other.yaml', '-n', '8', '-o', 'odata', '--seed', '2'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['train', 'other.yaml', '-d', 'odata', '-o', 'runs/other', '--backend', 'cpu'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['synth', 'main.yaml', '-n', '8', '-o', 'data', '--seed', '1'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['train', 'main.yaml', '-d', 'data', '-o', 'out', '--backend', 'cpu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("main.yaml:8:45: error[NN317]: 'base' takes its weights from 'runs/other': its 'conv/kernel' has shape [3, 3, 3, 6]; 'base_conv/kernel' needs [3, 3, 3, 4]");
  });
});
