/**
 * Models with preprocessing layers train on both engines through `nnspec train`: the
 * augmentation layers run in training mode inside the step (ONNX: the training graph and its
 * gradients; tfjs: the layers' training branch), and the run finishes with a finite loss.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnspec-prep-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IMAGE_SPEC = `nnspec: 1
name: augmented
inputs:
  image: {shape: [8, 8, 1]}
layers:
  scale: {type: Rescaling, scale: 0.00392156862745098}
  flip: {type: RandomFlip, mode: horizontal}
  rotate: {type: RandomRotation, factor: 0.1}
  zoom: {type: RandomZoom, height_factor: 0.2}
  shift: {type: RandomTranslation, height_factor: 0.1, width_factor: 0.1}
  contrast: {type: RandomContrast, factor: 0.2, value_range: [0, 1]}
  crop: {type: CenterCrop, height: 6, width: 6}
  resize: {type: Resizing, height: 4, width: 4}
  conv: {type: Conv2D, filters: 4, kernel_size: 3, activation: relu}
  flat: {type: Flatten}
  label: {type: Dense, units: 3, activation: softmax}
outputs: [label]
training:
  optimizer: {type: adam, learning_rate: 0.01}
  loss: sparse_categorical_crossentropy
  batch_size: 8
  epochs: 2
`;

describe.each(['cpu', 'onnx'])('an image model with every augmentation layer trains on %s', (backend) => {
  it('finishes with finite losses', async () => {
    writeFileSync(join(dir, 'image.yaml'), IMAGE_SPEC);
    const synth = await runCli(['synth', 'image.yaml', '-n', '24', '-o', 'images', '--seed', '1'], { cwd: dir });
    expect(synth.code).toBe(0);
    const r = await runCli(['train', 'image.yaml', '--data', 'images', '--out', `run-${backend}`, '--backend', backend, '--seed', '3', '--quiet'], { cwd: dir });
    expect(r.stderr).not.toMatch(/NN\d{3}/);
    expect(r.code).toBe(0);
    const history = JSON.parse(readFileSync(join(dir, `run-${backend}`, 'history.json'), 'utf8')) as { loss: number }[] | { loss: number[] };
    const losses = Array.isArray(history) ? history.map((h) => h.loss) : history.loss;
    expect(losses).toHaveLength(2);
    for (const l of losses) expect(Number.isFinite(l) && l > 0).toBe(true);
  });
});
