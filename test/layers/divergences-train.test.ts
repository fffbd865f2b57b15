/**
 * Issue 9, divergence 8: a model with no trainable weights trains (Keras warns and carries on) on
 * both engines, with warning NN912, and its run predicts: the output checked against softmax
 * worked out here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { f32, tempDir, writeArrays, writeSpec } from '../train/helpers.js';

const SPEC = `nnspec: 1
name: weightless
inputs:
  x: {shape: [3]}
layers:
  y: {type: Activation, activation: softmax}
outputs: [y]
training: {optimizer: {type: sgd, learning_rate: 0.1}, loss: categorical_crossentropy, batch_size: 4}
`;

/** The .npy file's float32 values (header skipped). */
function npyValues(path: string): number[] {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const data = bytes.subarray(10 + headerLength);
  return Array.from(new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
}

describe('8. a model with no trainable weights', () => {
  it.each(['cpu', 'onnx'])('trains on %s with warning NN912, and its run predicts', async (backend) => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const xs = [0, 1, 2, -1, 0.5, 3, 2, 2, 2, 1, -2, 0];
    const data = writeArrays(join(dir, 'data'), { x: f32([4, 3], (i) => xs[i]!), y: f32([4, 3], (i) => (i % 3 === 0 ? 1 : 0)) });
    const train = await runCli(['train', spec, '--data', data, '--out', join(dir, 'run'), '--backend', backend, '--epochs', '2']);
    expect(train.stderr).toContain(`${spec}: warning[NN912]: the model has no trainable weights: training runs, as in Keras, but no weight changes except moving statistics\n`);
    expect(train.code).toBe(0);
    const predict = await runCli(['predict', join(dir, 'run'), '--data', join(dir, 'data'), '--out', join(dir, 'pred'), '--backend', backend]);
    expect(predict.code).toBe(0);
    // softmax by hand, row by row.
    const want = [0, 1, 2, 3].flatMap((r) => {
      const row = xs.slice(r * 3, r * 3 + 3).map(Math.exp);
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / sum);
    });
    npyValues(join(dir, 'pred', 'y.npy')).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
});
