/**
 * The training command line: backend selection and its one line, clean stdout, progress as a bar
 * on a terminal / plain lines / JSON lines, --validation-split (Keras: the last fraction),
 * early stopping, and usage errors.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from '../../src/backends/tfjs/backend.js';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, readJson, spawnCli, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: small
inputs:
  x: {shape: [3]}
layers:
  y: {type: Dense, units: 2, activation: softmax}
outputs: [y]
training: {optimizer: {type: sgd, learning_rate: 0.1}, loss: categorical_crossentropy, metrics: [acc], batch_size: 4}
`;

function setup(spec = SPEC, n = 40) {
  const dir = tempDir();
  const rng = rngFor(3, 'cli');
  const x = f32([n, 3], () => rng.normal());
  const y = f32([n, 2], (i) => ((x.data[Math.floor(i / 2) * 3]! > 0 ? 1 : 0) === i % 2 ? 1 : 0));
  return { dir, spec: writeSpec(dir, spec), data: writeArrays(join(dir, 'data'), { x, y }) };
}

describe('backends', () => {
  it('auto falls back to wasm without tfjs-node, saying why it was skipped; node alone is refused with the fix', async () => {
    const pkg = '@tensorflow/tfjs-node';
    const hasNode = await import(pkg).then(() => true, () => false);
    if (hasNode) return expect((await selectBackend('auto')).name).toBe('node');
    const auto = await selectBackend('auto');
    expect(auto.name).toBe('wasm');
    expect(auto.detail).toBe('wasm (SIMD)');
    expect(auto.skipped[0]).toMatch(/tfjs-node/);
    await expect(selectBackend('node')).rejects.toThrow(BackendError);
    await expect(selectBackend('node')).rejects.toThrow(/npm install --foreground-scripts @tensorflow\/tfjs-node@4\.22\.0` \(its install downloads libtensorflow/);
    const { dir, spec, data } = setup();
    const r = await runCli(['train', spec, '--data', data, '--out', join(dir, 'run'), '--backend', 'node']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nnspec: error\[NN904\]: @tensorflow\/tfjs-node is not installed/m);
  });

  it("keeps tfjs's banner and warnings off the output: stdout empty, one backend line on stderr", async () => {
    const { dir, spec, data } = setup();
    const child = spawnCli(['train', spec, '--data', data, '--out', join(dir, 'run'), '--backend', 'cpu', '--epochs', '2']);
    const { code } = await child.exit;
    expect(code).toBe(0);
    expect(child.stdout()).toBe('');
    expect(child.stderr().split('\n').filter((l) => l.startsWith('backend:'))).toEqual(['backend: cpu (pure JavaScript)']);
    expect(child.stderr()).not.toMatch(/Hi|tfjs-node|=====/);
  });
});

describe('progress', () => {
  it('draws a bar on a terminal, plain epoch lines otherwise, JSON lines with --json', async () => {
    const { dir, spec, data } = setup();
    const tty = await runCli(['train', spec, '--data', data, '--out', join(dir, 'a'), '--backend', 'cpu', '--epochs', '2'], { isTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/epoch 1\/2 \[=+>? *\] \d+\/10 +[\d,]+ samples\/s +ETA [\d.]+s +loss [\d.]+ +acc [\d.]+/);
    expect(tty.stderr).toContain('\r\x1b[2K');
    const plain = await runCli(['train', spec, '--data', data, '--out', join(dir, 'b'), '--backend', 'cpu', '--epochs', '2']);
    expect(plain.stderr).not.toContain('\r');
    expect(plain.stderr).toMatch(/^epoch 2\/2  loss [\d.]+  acc [\d.]+  \([\d.]+s, [\d,]+ samples\/s\)$/m);
    const quietTty = await runCli(['train', spec, '--data', data, '--out', join(dir, 'c'), '--backend', 'cpu', '--epochs', '2', '--quiet'], { isTTY: true });
    expect(quietTty.stderr).not.toContain('\r');
    const json = await runCli(['train', spec, '--data', data, '--out', join(dir, 'd'), '--backend', 'cpu', '--epochs', '2', '--json']);
    const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r.event === 'epoch').map((r) => r.epoch)).toEqual([1, 2]);
    expect(records.find((r) => r.event === 'epoch')).toMatchObject({ epochs: 2, loss: expect.any(Number), acc: expect.any(Number), samples_per_second: expect.any(Number) });
    expect(records[0]).toMatchObject({ event: 'note', backend: 'cpu' });
    expect(records[records.length - 1]).toMatchObject({ event: 'note', status: 'completed' });
  });
});

describe('validation and early stopping', () => {
  it('--validation-split holds out the last fraction, before shuffling, as Keras does', async () => {
    const { dir, spec, data } = setup();
    const run = join(dir, 'run');
    const r = await runCli(['train', spec, '--data', data, '--out', run, '--backend', 'cpu', '--epochs', '2', '--validation-split', '0.25', '--quiet']);
    expect(r.code).toBe(0);
    expect(readJson(join(run, 'run.json'))).toMatchObject({ samples: { train: 30, validation: 10 } });
    // The held-out samples are the last 10: evaluating the final model on exactly those gives val_*.
    const x = (await import('./helpers.js')).readArray(join(data, 'x.npy'));
    const y = (await import('./helpers.js')).readArray(join(data, 'y.npy'));
    const tail = writeArrays(join(dir, 'tail'), {
      x: { dtype: 'float32', shape: [10, 3], data: x.data.slice(90) },
      y: { dtype: 'float32', shape: [10, 2], data: y.data.slice(60) },
    });
    const e = JSON.parse((await runCli(['evaluate', run, '--data', tail, '--format', 'json', '--backend', 'cpu'])).stdout) as { logs: Record<string, number> };
    const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
    expect(history.val_loss![1]).toBeCloseTo(e.logs.loss!, 5);
    expect(history.val_acc![1]).toBeCloseTo(e.logs.acc!, 6);
  });

  it('--early-stopping stops after PATIENCE epochs without improvement', async () => {
    // A learning rate of 0 and no shuffling: every epoch's loss is exactly the first one's.
    const { dir, spec, data } = setup(SPEC.replace('learning_rate: 0.1', 'learning_rate: 0').replace('batch_size: 4', 'batch_size: 4, shuffle: false'));
    const run = join(dir, 'run');
    const r = await runCli(['train', spec, '--data', data, '--out', run, '--backend', 'cpu', '--epochs', '10', '--early-stopping', '2', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('early stopping: loss has not improved for 2 epochs');
    expect(readJson(join(run, 'run.json'))).toMatchObject({ status: 'early_stopped', epochs_completed: 3 });
  });
});

describe('evaluate and predict', () => {
  it('evaluate prints the loss and metrics as text; predict needs only the inputs and writes one .npy per output', async () => {
    const { dir, spec, data } = setup();
    const run = join(dir, 'run');
    expect((await runCli(['train', spec, '--data', data, '--out', run, '--backend', 'cpu', '--quiet'])).code).toBe(0);
    const e = await runCli(['evaluate', run, '--data', data, '--backend', 'cpu']);
    expect(e.code).toBe(0);
    // Then y's confusion matrix (2 classes): a header, the column ids, a row per true class.
    expect(e.stdout).toMatch(/^samples  40\nloss     [\d.]+\ny: categorical_crossentropy [\d.]+  acc [\d.]+\ny: confusion matrix \(rows: true class, columns: predicted class\)\n +0 +1\n +0 +\d+ +\d+\n +1 +\d+ +\d+\n$/);
    const inputsOnly = writeArrays(join(dir, 'inputs'), { x: f32([7, 3], (i) => i / 10) });
    const p = await runCli(['predict', run, '--data', inputsOnly, '--out', join(dir, 'pred'), '--backend', 'cpu']);
    expect(p.code).toBe(0);
    expect(p.stdout).toBe(`${join(dir, 'pred', 'y.npy')}  float32  (7, 2)\n`);
    const y = (await import('./helpers.js')).readArray(join(dir, 'pred', 'y.npy'));
    for (let i = 0; i < 7; i++) expect(y.data[2 * i]! + y.data[2 * i + 1]!).toBeCloseTo(1, 5);
    const missing = await runCli(['predict', run, '--data', join(dir, 'pred'), '--out', join(dir, 'pred2')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("has no file for the model's input 'x'");
    expect(missing.stderr).toContain('nothing was predicted');
  });
});

describe('usage', () => {
  it('exits 2 for bad flags', async () => {
    const { dir, spec, data } = setup();
    const out = join(dir, 'run');
    const cases = [
      ['--validation-split', '0.2', '--validation-data', data],
      ['--epochs', '0'],
      ['--batch-size', 'many'],
      ['--validation-split', '1'],
      ['--learning-rate', '-1'],
      ['--backend', 'gpu'],
    ];
    for (const extra of cases) {
      const r = await runCli(['train', spec, '--data', data, '--out', out, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
    }
    expect((await runCli(['train', spec, '--out', out])).code).toBe(2);
    expect((await runCli(['evaluate', join(dir, 'nope'), '--data', data])).code).toBe(2);
    expect((await runCli(['train', join(dir, 'missing.yaml'), '--data', data, '--out', out])).code).toBe(2);
  });

  it('exits 1 for a spec that cannot train: invalid, or without a loss', async () => {
    const { dir, data } = setup();
    const noLoss = writeSpec(dir, SPEC.replace(/training:.*\n/, ''), 'noloss.yaml');
    const r = await runCli(['train', noLoss, '--data', data, '--out', join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the spec gives no loss for output 'y'");
    const bad = writeSpec(dir, SPEC.replace('units: 2', 'units: two'), 'bad.yaml');
    expect((await runCli(['train', bad, '--data', data, '--out', join(dir, 'run2')])).code).toBe(1);
  });
});
