/**
 * The callbacks during `nnspec train`, end to end on the cpu engine with fixed seeds: early
 * stopping stops where Keras's rule says on the run's own val_loss sequence and keeps the best
 * epoch's weights when asked; ReduceLROnPlateau's rate reaches the engine and history.json; a
 * schedule's rate is in the history; --resume continues a fit with its callbacks' state, and a
 * new train after a stop starts patience afresh; a monitor the run cannot log is NN920 at its key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as cli } from '../../src/cli.js';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

const spec = (training: string) => `nnspec: 1
name: callbacks
inputs:
  x: {shape: [4]}
layers:
  hidden: {type: Dense, units: 16, activation: tanh}
  y: {type: Dense, units: 2, activation: softmax}
outputs: [y]
training:
${training}
`;
const BASE = '  loss: categorical_crossentropy\n  metrics: [acc]\n  batch_size: 8\n  seed: 5\n';

let dir: string;
let data: string;
const train = (specFile: string, out: string, ...extra: string[]) => runCli(['train', specFile, '--data', data, '--out', join(dir, out), '--backend', 'cpu', '--quiet', ...extra]);
const history = (out: string) => readJson<Record<string, number[]>>(join(dir, out, 'history.json'));
const weights = (out: string) => readFileSync(join(dir, out, 'weights.bin'));

beforeAll(() => {
  dir = tempDir('nnspec-callbacks-');
  // Random labels: the model overfits the 36 training samples, so val_loss falls and then rises.
  const rng = rngFor(11, 'callbacks');
  const labels = Array.from({ length: 48 }, () => (rng.normal() < 0 ? 0 : 1));
  data = writeArrays(join(dir, 'data'), { x: f32([48, 4], () => rng.normal()), y: f32([48, 2], (i) => (i % 2 === labels[Math.floor(i / 2)] ? 1 : 0)) });
});

/** Keras's rule written independently: the first epoch e > 0 at which the best epoch lies `patience` or more epochs back. */
function expectedStop(values: number[], patience: number): number | undefined {
  let best = 0;
  for (let e = 0; e < values.length; e++) {
    if (values[e]! < values[best]!) best = e;
    else if (e > 0 && e - best >= patience) return e;
  }
  return undefined;
}

describe('early_stopping', () => {
  it("stops at the epoch Keras's rule gives on the run's own val_loss, and restore_best_weights keeps the best epoch's weights", async () => {
    const adam = '  optimizer: {type: adam, learning_rate: 0.05}\n  validation_split: 0.25\n' + BASE;
    const plain = writeSpec(dir, spec(adam), 'plain.yaml');
    expect((await train(plain, 'long', '--epochs', '15')).code).toBe(0);
    const valLoss = history('long').val_loss!;
    const stopAt = expectedStop(valLoss, 2);
    expect(stopAt, `val_loss ${valLoss.join(', ')} never stops`).toBeDefined();
    expect(stopAt!).toBeLessThan(14);
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss.slice(0, stopAt! + 1)));

    const stopping = writeSpec(dir, spec(adam + '  callbacks:\n    early_stopping: {monitor: val_loss, patience: 2, restore_best_weights: true}\n'), 'stopping.yaml');
    const r = await train(stopping, 'stopped', '--epochs', '15');
    expect(r.code, r.stderr).toBe(0);
    expect(history('stopped').val_loss).toEqual(valLoss.slice(0, stopAt! + 1));
    expect(r.stderr).toContain(`early stopping: val_loss has not improved for 2 epochs (best ${valLoss[bestEpoch]!.toFixed(4)} at epoch ${bestEpoch + 1}; patience 2); stopped after epoch ${stopAt! + 1}`);
    expect(r.stderr).toContain(`restored the weights of epoch ${bestEpoch + 1}, the best val_loss`);
    expect(r.stderr).toContain(`saved ${join(dir, 'stopped', 'model.json')} (epoch ${bestEpoch + 1}'s weights, the best val_loss`);
    const info = readJson(join(dir, 'stopped', 'run.json'));
    expect(info).toMatchObject({ status: 'early_stopped', epochs_completed: stopAt! + 1, stopped: { epoch: stopAt! + 1, monitor: 'val_loss', patience: 2, best_epoch: bestEpoch + 1 }, kept: { epoch: bestEpoch + 1 } });

    // The best epoch's weights are those of the same seeded run stopped right after it.
    expect((await train(plain, 'best', '--epochs', String(bestEpoch + 1))).code).toBe(0);
    expect(weights('stopped').equals(weights('best'))).toBe(true);
    expect(weights('stopped').equals(weights('long'))).toBe(false);
  });
});

describe('learning rates', () => {
  it('reduce_lr_on_plateau: the rate it sets trains the next epoch and is in history.json', async () => {
    const sgd = '  optimizer: {type: sgd, learning_rate: 0.1}\n' + BASE;
    const plain = writeSpec(dir, spec(sgd), 'sgd.yaml');
    // min_delta 10: no epoch after the first counts as an improvement; patience 1 reduces at every epoch from the second.
    const reducing = writeSpec(dir, spec(sgd + '  callbacks:\n    reduce_lr_on_plateau: {monitor: loss, factor: 0.5, patience: 1, min_delta: 10}\n'), 'reducing.yaml');
    expect((await train(plain, 'constant', '--epochs', '4')).code).toBe(0);
    const r = await train(reducing, 'reduced', '--epochs', '4');
    expect(r.code, r.stderr).toBe(0);
    const f = Math.fround;
    expect(history('reduced').learning_rate).toEqual([f(0.1), f(0.1), f(f(0.1) * 0.5), f(f(f(0.1) * 0.5) * 0.5)]);
    expect(r.stderr).toContain('reduce_lr_on_plateau: loss has not improved for 1 epoch; learning rate 0.1000 -> 0.0500');
    // Same steps until the first reduction (after epoch 2), different after.
    const [a, b] = [history('constant').loss!, history('reduced').loss!];
    expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
    expect(b[2]).not.toBe(a[2]);
    expect(history('constant').learning_rate).toBeUndefined();
  });

  it('reduce_lr_on_plateau on the onnx engine: the same rates, and the same losses as tfjs cpu to 1e-5', async () => {
    const sgd = '  optimizer: {type: sgd, learning_rate: 0.1}\n' + BASE;
    const reducing = writeSpec(dir, spec(sgd + '  callbacks:\n    reduce_lr_on_plateau: {monitor: loss, factor: 0.5, patience: 1, min_delta: 10}\n'), 'reducing-onnx.yaml');
    const r = await runCli(['train', reducing, '--data', data, '--out', join(dir, 'reduced-onnx'), '--backend', 'onnx', '--quiet', '--epochs', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(history('reduced-onnx').learning_rate).toEqual(history('reduced').learning_rate);
    history('reduced-onnx').loss!.forEach((l, i) => expect(l).toBeCloseTo(history('reduced').loss![i]!, 5));
    // The constant-rate run on onnx parts from it after the first reduction.
    expect(Math.abs(history('reduced-onnx').loss![3]! - history('constant').loss![3]!)).toBeGreaterThan(1e-4);
  });

  it("a schedule's rate at each epoch's end is in history.json", async () => {
    const scheduled = writeSpec(dir, spec('  optimizer: {type: sgd, learning_rate: {type: exponential_decay, initial_learning_rate: 0.1, decay_steps: 6, decay_rate: 0.5}}\n' + BASE), 'scheduled.yaml');
    const r = await train(scheduled, 'scheduled', '--epochs', '3');
    expect(r.code, r.stderr).toBe(0);
    // 48 samples in batches of 8: 6 steps an epoch; after epoch e, 6(e+1) steps taken.
    expect(history('scheduled').learning_rate).toEqual([0.05, 0.025, 0.0125].map(Math.fround));
  });

  it('--resume may set a new constant learning rate (a new fit, as after model.optimizer.learning_rate = x); a schedule cannot be replaced', async () => {
    const r = await train(join(dir, 'sgd.yaml'), 'constant', '--epochs', '5', '--resume', '--learning-rate', '0.05');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('learning rate 0.0500');
    expect(history('constant').learning_rate).toEqual([null, null, null, null, Math.fround(0.05)]);
    const scheduled = await train(join(dir, 'scheduled.yaml'), 'scheduled', '--epochs', '4', '--resume', '--learning-rate', '0.05');
    expect(scheduled.code).toBe(1);
    expect(scheduled.stderr).toContain("cannot resume the run: the optimizer's learning rate is a schedule; --learning-rate cannot replace it on resume");
  });
});

describe('--resume and callbacks', () => {
  const CALLBACKS = '  callbacks:\n    early_stopping: {monitor: loss, min_delta: 10, patience: 3, restore_best_weights: true}\n    reduce_lr_on_plateau: {monitor: loss, factor: 0.5, patience: 1, min_delta: 10}\n';
  let file: string;
  beforeAll(() => {
    file = writeSpec(dir, spec('  optimizer: {type: adam, learning_rate: 0.02}\n' + BASE + CALLBACKS), 'resume.yaml');
  });

  it("an interrupted fit resumes with its callbacks' state (wait, best, best weights, learning rate): the same run as straight through", async () => {
    const straight = await train(file, 'straight', '--epochs', '10');
    expect(straight.code, straight.stderr).toBe(0);
    // Epoch 1 improves (the first value); 2, 3 and 4 do not (min_delta 10): stopped after epoch 4.
    expect(readJson(join(dir, 'straight', 'run.json'))).toMatchObject({ status: 'early_stopped', epochs_completed: 4, kept: { epoch: 1 } });

    // The same run, interrupted during epoch 3 (after the wait counter reached 1 and the rate fell once).
    let stderr = '';
    let sent = false;
    const io = {
      stdout: { write: () => true, isTTY: false },
      stderr: {
        write: (s: string) => {
          stderr += s;
          if (!sent && /epoch 2\/10/.test(stderr)) {
            sent = true;
            process.emit('SIGINT');
          }
          return true;
        },
        isTTY: false,
      },
      env: {},
      cwd: dir,
    };
    const code = await cli(['train', file, '--data', data, '--out', join(dir, 'split'), '--backend', 'cpu', '--quiet', '--epochs', '10'], io);
    expect(code, stderr).toBe(130);
    expect(readJson(join(dir, 'split', 'checkpoint.json'))).toMatchObject({ epoch: 2, batch: 1 });
    const resumed = await train(file, 'split', '--epochs', '10', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('a new fit');
    expect(history('split')).toEqual(history('straight'));
    expect(weights('split').equals(weights('straight'))).toBe(true);
    expect(readJson(join(dir, 'split', 'run.json'))).toMatchObject({ status: 'early_stopped', epochs_completed: 4, kept: { epoch: 1 } });
  });

  it('a new train after an early stop starts patience afresh and keeps the reduced learning rate', async () => {
    const again = await train(file, 'straight', '--epochs', '20', '--resume');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('a new fit: early stopping and reduce_lr_on_plateau start afresh');
    // Epoch 5 is the new fit's first (an improvement by definition); 6, 7, 8 are not: stopped after 8.
    expect(readJson(join(dir, 'straight', 'run.json'))).toMatchObject({ status: 'early_stopped', epochs_completed: 8, stopped: { epoch: 8 }, kept: { epoch: 5 } });
    const lr = history('straight').learning_rate!;
    expect(lr).toHaveLength(8);
    expect(lr[4]).toBe(Math.fround(lr[3]! * 0.5));
    expect(lr[5]).toBe(lr[4]);
  });
});

describe('NN920', () => {
  it('a val_* monitor without validation data stops the run before training, at the monitor key', async () => {
    const file = writeSpec(dir, spec('  optimizer: adam\n' + BASE + '  callbacks:\n    early_stopping: {patience: 2}\n    model_checkpoint:\n      monitor: val_acc\n      save_best_only: true\n'), 'nn920.yaml');
    const r = await train(file, 'nn920');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[NN920]: early_stopping monitors \'val_loss\', but the run has no validation data, so it never logs it');
    expect(r.stderr).toContain('error[NN920]: model_checkpoint monitors \'val_acc\', but the run has no validation data');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = (needle: string) => `${lines.findIndex((l) => l.includes(needle)) + 1}:${lines.find((l) => l.includes(needle))!.indexOf(needle.trim()) + 1}`;
    expect(r.stderr).toContain(`nn920.yaml:${at('early_stopping:')}`);
    expect(r.stderr).toContain(`nn920.yaml:${at('  monitor: val_acc')}`);
    expect(r.stderr).not.toContain('epoch 1/');
    // With validation data the same spec trains.
    expect((await train(file, 'nn920-ok', '--validation-split', '0.25')).code).toBe(0);
  });
});

describe('--checkpoint', () => {
  it('every:N writes checkpoints every N epochs and at the end; best keeps the best epoch as the model; a bad policy is a usage error', async () => {
    const file = writeSpec(dir, spec('  optimizer: {type: adam, learning_rate: 0.05}\n  validation_split: 0.25\n' + BASE), 'policy.yaml');
    const every = await train(file, 'every3', '--epochs', '4', '--checkpoint', 'every:3');
    expect(every.code, every.stderr).toBe(0);
    expect(readJson(join(dir, 'every3', 'checkpoint.json'))).toMatchObject({ epoch: 4 });
    expect(readJson(join(dir, 'every3', 'run.json'))).toMatchObject({ settings: { callbacks: { checkpoint: { every: 3 } } } });
    // The run's weights are the last checkpoint's.
    expect(weights('every3').equals(readFileSync(join(dir, 'every3', readJson<{ dir: string }>(join(dir, 'every3', 'checkpoint.json')).dir, 'weights.bin')))).toBe(true);

    const best = await train(file, 'best-policy', '--epochs', '15', '--checkpoint', 'best');
    expect(best.code, best.stderr).toBe(0);
    const valLoss = history('best-policy').val_loss!;
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss));
    expect(best.stderr).toContain(`kept the weights of epoch ${bestEpoch + 1} (save_best_only)`);
    expect(readJson(join(dir, 'best-policy', 'run.json'))).toMatchObject({ status: 'completed', epochs_completed: 15, kept: { epoch: bestEpoch + 1 } });
    expect((await train(file, 'to-best', '--epochs', String(bestEpoch + 1))).code).toBe(0);
    expect(weights('best-policy').equals(weights('to-best'))).toBe(true);

    const bad = await train(file, 'bad', '--checkpoint', 'every:0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--checkpoint takes every:N (N >= 1), best or end; got 'every:0'");
  });

  it('run.json reports samples/s of the loop and of the whole command', async () => {
    const info = readJson<{ samples_per_second: number; timing: { samples_per_second: { loop: number; command: number; steps: number }; loop_seconds: number; command_seconds: number; step_seconds: number; phases: Record<string, number> } }>(join(dir, 'every3', 'run.json'));
    const t = info.timing;
    expect(info.samples_per_second).toBe(t.samples_per_second.loop);
    expect(t.step_seconds).toBeLessThanOrEqual(t.loop_seconds);
    expect(t.loop_seconds).toBeLessThanOrEqual(t.command_seconds);
    expect(t.samples_per_second.command).toBeLessThanOrEqual(t.samples_per_second.loop);
    expect(t.samples_per_second.loop).toBeLessThanOrEqual(t.samples_per_second.steps);
    // The time before the loop, by phase (start-up is 0 in-process); with the loop, within the command's.
    expect(Object.keys(t.phases)).toEqual(['startup', 'spec_and_data', 'engine', 'first_save']);
    expect(Object.values(t.phases).every((v) => v >= 0)).toBe(true);
    expect(Object.values(t.phases).reduce((a, b) => a + b, 0) + t.loop_seconds).toBeLessThanOrEqual(t.command_seconds + 0.002);
  });
});
