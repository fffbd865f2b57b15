/**
 * The callbacks' state machines against sequences traced by hand with Keras 3's rules
 * (keras/src/callbacks/early_stopping.py, reduce_lr_on_plateau.py, model_checkpoint.py,
 * monitor_callback.py): which epoch stops, when the rate falls, which epochs save.
 */
import { describe, expect, it } from 'vitest';
import { earlyStoppingStep, freshEarlyStopping, type EarlyStoppingConfig } from '../../src/train/callbacks/early-stopping.js';
import { checkpointDue, improvedForCheckpoint, parseCheckpointPolicy } from '../../src/train/callbacks/model-checkpoint.js';
import { directionOf, Monitor } from '../../src/train/callbacks/monitor.js';
import { callbackSettings, monitorProblems } from '../../src/train/callbacks/plan.js';
import { freshReduceLr, reduceLrStep, type ReduceLrConfig } from '../../src/train/callbacks/reduce-lr.js';
import type { OutputPlan } from '../../src/train/objective.js';

const ES: EarlyStoppingConfig = { monitor: 'val_loss', min_delta: 0, patience: 0, mode: 'auto', baseline: null, restore_best_weights: false, start_from_epoch: 0 };

/** Runs early stopping over a sequence; returns each epoch's step up to and including the stop. */
function earlyStopping(values: number[], over: Partial<EarlyStoppingConfig> = {}, direction: 'min' | 'max' = 'min') {
  const config = { ...ES, ...over };
  const monitor = new Monitor(config.monitor, direction, config.min_delta);
  const state = freshEarlyStopping();
  const steps: string[] = [];
  for (const [epoch, v] of values.entries()) {
    const s = earlyStoppingStep(config, monitor, state, { [config.monitor]: v }, epoch, epoch);
    steps.push(s);
    if (s === 'stop') break;
  }
  return { steps, state };
}

describe('early_stopping', () => {
  it('patience 2: stops at the second epoch in a row without improvement, counting from the best', () => {
    const { steps, state } = earlyStopping([1.0, 0.8, 0.85, 0.9, 0.7], { patience: 2 });
    expect(steps).toEqual(['improved', 'improved', 'waiting', 'stop']);
    expect(state).toEqual({ wait: 2, best: 0.8, bestEpoch: 1 });
  });

  it('patience 0 never stops at the first epoch, and stops at the first epoch that does not improve', () => {
    expect(earlyStopping([1.0, 0.9, 0.9, 0.5]).steps).toEqual(['improved', 'improved', 'stop']);
    expect(earlyStopping([1.0]).steps).toEqual(['improved']);
  });

  it('min_delta: an improvement smaller than min_delta is none', () => {
    expect(earlyStopping([1.0, 0.95, 0.92, 0.5], { patience: 2, min_delta: 0.1 }).steps).toEqual(['improved', 'waiting', 'stop']);
    // Exactly min_delta better is not strictly better either (Keras: less(current + delta, best)).
    expect(earlyStopping([1.0, 0.875], { patience: 0, min_delta: 0.125 }).steps).toEqual(['improved', 'stop']);
  });

  it('mode max: higher is better', () => {
    expect(earlyStopping([0.5, 0.6, 0.55, 0.6], { monitor: 'val_acc', patience: 2 }, 'max').steps).toEqual(['improved', 'improved', 'waiting', 'stop']);
  });

  it('baseline: improving epochs that do not beat it keep counting, and the stop comes at the next epoch that does not improve', () => {
    const { steps, state } = earlyStopping([1.0, 0.9, 0.95], { patience: 2, baseline: 0.5 });
    expect(steps).toEqual(['improved', 'improved', 'stop']);
    expect(state.wait).toBe(3);
    // Once the baseline is beaten, the counter resets as usual.
    expect(earlyStopping([1.0, 0.4, 0.45, 0.45], { patience: 2, baseline: 0.5 }).steps).toEqual(['improved', 'improved', 'waiting', 'stop']);
  });

  it('start_from_epoch: the first epochs are not watched at all', () => {
    const { steps, state } = earlyStopping([0.1, 0.2, 1.0, 1.1, 1.2], { patience: 1, start_from_epoch: 2 });
    expect(steps).toEqual(['unwatched', 'unwatched', 'improved', 'stop']);
    expect(state.best).toBe(1.0);
  });

  it('a value the logs lack is not watched', () => {
    const state = freshEarlyStopping();
    expect(earlyStoppingStep(ES, new Monitor('val_loss', 'min'), state, { loss: 1 }, 3, 3)).toBe('unwatched');
    expect(state.wait).toBe(0);
  });
});

const RL: ReduceLrConfig = { monitor: 'val_loss', factor: 0.5, patience: 2, mode: 'auto', min_delta: 1e-4, cooldown: 1, min_lr: 0 };

function reduceLr(values: number[], over: Partial<ReduceLrConfig> = {}, lr0 = 0.1): number[] {
  const config = { ...RL, ...over };
  const monitor = new Monitor(config.monitor, 'min', config.min_delta);
  const state = freshReduceLr();
  let lr = Math.fround(lr0);
  return values.map((v) => (lr = reduceLrStep(config, monitor, state, { val_loss: v }, lr) ?? lr));
}

describe('reduce_lr_on_plateau', () => {
  it('patience 2, cooldown 1 on a flat loss: reduces at epochs 3 and 5 (1-based), the epoch after a reduction cools down', () => {
    const f = Math.fround;
    expect(reduceLr([1, 1, 1, 1, 1, 1])).toEqual([f(0.1), f(0.1), f(f(0.1) * 0.5), f(f(0.1) * 0.5), f(f(f(0.1) * 0.5) * 0.5), f(f(f(0.1) * 0.5) * 0.5)]);
  });

  it('cooldown 2, patience 1: no reduction and no waiting while cooling down', () => {
    const lrs = reduceLr([1, 1, 1, 1, 1, 1], { patience: 1, cooldown: 2 });
    const reducedAt = lrs.flatMap((lr, i) => (lr !== (i === 0 ? Math.fround(0.1) : lrs[i - 1]) ? [i] : []));
    expect(reducedAt).toEqual([1, 3, 5]);
  });

  it('an improvement larger than min_delta resets the wait; a smaller one does not', () => {
    expect(reduceLr([1, 0.9, 0.8, 0.7], { cooldown: 0 }).every((lr) => lr === Math.fround(0.1))).toBe(true);
    expect(reduceLr([1, 0.99995, 0.9999], { cooldown: 0 }).at(-1)).toBe(Math.fround(0.05));
  });

  it('never below min_lr, and not reduced once at min_lr', () => {
    expect(reduceLr([1, 1, 1, 1, 1, 1, 1], { factor: 0.1, min_lr: 0.05, cooldown: 0 })).toEqual([0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05].map(Math.fround));
  });
});

describe('model_checkpoint and the checkpoint policy', () => {
  it('save_best_only saves the improving epochs only, from initial_value_threshold when given', () => {
    const monitor = new Monitor('val_loss', 'min');
    const state = { best: null as number | null, bestEpoch: null as number | null };
    expect([1, 0.8, 0.9, 0.7, 0.7].map((v, e) => improvedForCheckpoint(monitor, state, { val_loss: v }, e))).toEqual([true, true, false, true, false]);
    expect(state).toEqual({ best: 0.7, bestEpoch: 3 });
    const threshold = { best: 0.75 as number | null, bestEpoch: null };
    expect([1, 0.8, 0.7].map((v, e) => improvedForCheckpoint(monitor, threshold, { val_loss: v }, e))).toEqual([false, false, true]);
  });

  it('--checkpoint every:N | best | end', () => {
    expect(parseCheckpointPolicy('every:3')).toEqual({ every: 3 });
    expect(parseCheckpointPolicy('best')).toEqual({ best: true });
    expect(parseCheckpointPolicy('end')).toEqual({ end: true });
    for (const bad of ['every:0', 'every', 'sometimes', 'every:-1']) expect(parseCheckpointPolicy(bad)).toMatch(/^--checkpoint takes every:N/);
    expect([0, 1, 2, 3, 4, 5].map((e) => checkpointDue({ every: 3 }, e, false))).toEqual([false, false, true, false, false, true]);
    expect(checkpointDue({ best: true }, 4, true)).toBe(true);
    expect(checkpointDue({ best: true }, 4, false)).toBe(false);
    expect(checkpointDue({ end: true }, 4, true)).toBe(false);
  });
});

const OUTPUTS = [{ name: 'y', shape: [3], loss: 'categorical_crossentropy', weight: 1, metrics: [{ name: 'acc', kind: 'categorical_accuracy', args: {} }, { name: 'mae', kind: 'mean_absolute_error', args: {} }] }] as unknown as OutputPlan[];
const TWO = [
  { name: 'kind', shape: [3], loss: 'categorical_crossentropy', weight: 1, metrics: [{ name: 'accuracy', kind: 'categorical_accuracy', args: {} }] },
  { name: 'size', shape: [1], loss: 'mean_squared_error', weight: 1, metrics: [{ name: 'mae', kind: 'mean_absolute_error', args: {} }] },
] as unknown as OutputPlan[];

describe('monitors', () => {
  it('mode auto as Keras: losses down, accuracies up, errors down; several outputs by <output>_<name>', () => {
    expect(directionOf('val_loss', 'auto', OUTPUTS)).toBe('min');
    expect(directionOf('val_acc', 'auto', OUTPUTS)).toBe('max');
    expect(directionOf('mae', 'auto', OUTPUTS)).toBe('min');
    expect(directionOf('val_acc', 'min', OUTPUTS)).toBe('min');
    expect(directionOf('val_kind_accuracy', 'auto', TWO)).toBe('max');
    expect(directionOf('size_loss', 'auto', TWO)).toBe('min');
    expect(directionOf('val_size_mae', 'auto', TWO)).toBe('min');
    expect(directionOf('precision', 'auto', OUTPUTS)).toBeUndefined();
  });

  it('val_* without validation data, or a key the run does not log, is a problem located at the monitor (or the callback)', () => {
    const spec = { early_stopping: { patience: 3 }, reduce_lr_on_plateau: { monitor: 'val_acc' }, model_checkpoint: { monitor: 'val_f1', save_best_only: true } };
    const settings = callbackSettings(spec, {}, false);
    const problems = monitorProblems(settings, spec, OUTPUTS, false);
    expect(problems).toEqual([
      { pointer: '/training/callbacks/early_stopping', message: "early_stopping monitors 'val_loss', but the run has no validation data, so it never logs it", hint: expect.stringContaining("or monitor 'loss'") },
      { pointer: '/training/callbacks/reduce_lr_on_plateau/monitor', message: "reduce_lr_on_plateau monitors 'val_acc', but the run has no validation data, so it never logs it", hint: expect.any(String) },
      { pointer: '/training/callbacks/model_checkpoint/monitor', message: "model_checkpoint monitors 'val_f1', which the run does not log (it logs loss, acc, mae)", hint: expect.any(String) },
    ]);
    expect(monitorProblems(callbackSettings(spec, {}, true), spec, OUTPUTS, true).map((p) => p.pointer)).toEqual(['/training/callbacks/model_checkpoint/monitor']);
  });

  it('--early-stopping without the spec watches val_loss with validation data, else loss; with the spec it sets patience only', () => {
    expect(callbackSettings(undefined, { earlyStopping: 4 }, false).early_stopping).toMatchObject({ monitor: 'loss', patience: 4, min_delta: 0, restore_best_weights: false });
    expect(callbackSettings(undefined, { earlyStopping: 4 }, true).early_stopping).toMatchObject({ monitor: 'val_loss', patience: 4 });
    expect(callbackSettings({ early_stopping: { monitor: 'val_acc', patience: 9, restore_best_weights: true } }, { earlyStopping: 1 }, true).early_stopping).toMatchObject({ monitor: 'val_acc', patience: 1, restore_best_weights: true });
    expect(callbackSettings({ model_checkpoint: { save_best_only: true } }, {}, true).checkpoint).toEqual({ best: true });
    expect(callbackSettings(undefined, { checkpoint: { best: true } }, false).model_checkpoint).toMatchObject({ monitor: 'loss', save_best_only: true });
    expect(callbackSettings(undefined, {}, false)).toEqual({ checkpoint: { every: 1 } });
  });
});
