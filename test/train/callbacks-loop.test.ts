/**
 * The loop's saves and rates with a scripted engine (each epoch's loss given, weights counted):
 * which epochs checkpoint and write the model under each policy, save_freq's mid-epoch
 * checkpoints, restore_best_weights putting back the weights read at the best epoch, and a
 * schedule's rate handed to every step.
 */
import { describe, expect, it } from 'vitest';
import type { CallbackSettings } from '../../src/train/callbacks/plan.js';
import { trainLoop } from '../../src/train/loop.js';
import type { SaveRequest } from '../../src/train/saver.js';
import type { RunState } from '../../src/train/state.js';

const OUTPUTS = [{ name: 'y', shape: [1], loss: 'mean_squared_error', weight: 1, metrics: [] }] as never;

/** Runs the loop for `losses.length` epochs of `batches` batches; epoch e's every batch has loss losses[e]. */
async function run(losses: number[], callbacks: CallbackSettings, opts: { batches?: number; optimizer?: unknown } = {}) {
  const batches = opts.batches ?? 2;
  let steps = 0;
  let weightVersion = 0;
  const rates: number[] = [];
  const written: number[] = [];
  const engine = {
    async step(_b: unknown, _r: unknown, lr: number) {
      rates.push(lr);
      const loss = losses[Math.floor(steps++ / batches)]!;
      weightVersion = steps;
      return Float32Array.of(loss, loss);
    },
    async readWeights() {
      return [{ name: 'w', shape: [1], values: Float32Array.of(weightVersion) }];
    },
    async writeWeights(w: { values: Float32Array }[]) {
      written.push(w[0]!.values[0]!);
    },
  };
  const saves: ({ epoch: number; batch: number } & Omit<SaveRequest, 'best'> & { best?: number })[] = [];
  const state: RunState = { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, settings: { epochs: losses.length, batchSize: 1, seed: 1, shuffle: false, validationSplit: 0, callbacks }, optimizer: opts.optimizer ?? { type: 'sgd', learning_rate: 0.01 }, hashes: { spec: '', data: '' } };
  const outcome = await trainLoop({
    engine: engine as never,
    outputs: OUTPUTS,
    train: { batches: { batch: (idx: ArrayLike<number>) => ({ size: idx.length, inputs: [], targets: [] }) } as never, indices: Int32Array.from({ length: batches }, (_, i) => i) },
    state,
    progress: { epochStart() {}, batch() {}, epochEnd() {}, note() {} },
    interrupt: { requested: false, dispose() {} },
    save: async (s, req) => {
      const { best, ...rest } = req!;
      saves.push({ epoch: s.epoch, batch: s.batch, ...rest, ...(best ? { best: best[0]!.values[0]! } : {}) });
    },
  });
  return { outcome, saves, state, rates, written };
}

const at = (saves: { epoch: number; batch: number }[]) => saves.map((s) => `${s.epoch}.${s.batch}`);

describe('saving under each policy', () => {
  it('every:2 checkpoints (and writes the model) after epochs 2 and 4 and at the end; the others only log', async () => {
    const { saves } = await run([5, 4, 3, 2, 1], { checkpoint: { every: 2 } });
    expect(saves.map((s) => [s.epoch, s.checkpoint, s.model, s.final])).toEqual([[1, false, false, false], [2, true, true, false], [3, false, false, false], [4, true, true, false], [5, true, true, true]]);
  });

  it('save_best_only: the model at improving epochs only, the end a checkpoint without the model; run.json kept = the best epoch', async () => {
    const mc = { monitor: 'loss', mode: 'auto' as const, save_best_only: true, save_freq: 'epoch' as const, initial_value_threshold: null };
    const { saves, state } = await run([3, 2, 2.5, 1, 1.5], { checkpoint: { best: true }, model_checkpoint: mc });
    expect(saves.filter((s) => s.model).map((s) => s.epoch)).toEqual([1, 2, 4]);
    expect(saves.at(-1)).toMatchObject({ epoch: 5, checkpoint: true, model: false, final: true });
    expect(state.callbacks?.kept).toEqual({ epoch: 4, reason: 'save_best_only: the best loss (1.0000)' });
  });

  it('save_freq: 2 checkpoints every 2 batches, counted across epochs, without the model', async () => {
    const mc = { monitor: 'loss', mode: 'auto' as const, save_best_only: false, save_freq: 2, initial_value_threshold: null };
    const { saves } = await run([3, 2], { checkpoint: { end: true }, model_checkpoint: mc }, { batches: 5 });
    // Epoch 1: after batches 2 and 4; the 5th and epoch 2's first make 2 again: after epoch 2's batch 1 and 3; then the end.
    expect(at(saves)).toEqual(['0.2', '0.4', '1.0', '1.1', '1.3', '2.0']);
    expect(saves.filter((s) => s.batch > 0).every((s) => s.checkpoint && !s.model)).toBe(true);
    expect(saves[2]).toMatchObject({ checkpoint: false, model: false });
  });
});

describe('early_stopping in the loop', () => {
  const es = { monitor: 'loss', min_delta: 0, patience: 2, mode: 'auto' as const, baseline: null, restore_best_weights: true, start_from_epoch: 0 };

  it('stops after the patience runs out and puts back the weights read at the best epoch; the checkpoints carry them until the end', async () => {
    const { outcome, saves, written, state } = await run([3, 2, 2.5, 2.6, 1], { checkpoint: { every: 1 }, early_stopping: es });
    expect(outcome.status).toBe('early_stopped');
    expect(saves.map((s) => s.epoch)).toEqual([1, 2, 3, 4]);
    // Two batches an epoch: the best epoch (2) ended after step 4.
    expect(written).toEqual([4]);
    expect(saves.map((s) => s.best)).toEqual([2, 4, 4, undefined]);
    expect(state.callbacks?.stopped).toMatchObject({ epoch: 4, monitor: 'loss', best: 2, best_epoch: 2, patience: 2 });
    expect(state.callbacks?.kept).toMatchObject({ epoch: 2 });
  });

  it('no restore when the best epoch is the last', async () => {
    const { outcome, written, state } = await run([3, 2, 1], { checkpoint: { every: 1 }, early_stopping: es });
    expect(outcome.status).toBe('completed');
    expect(written).toEqual([]);
    expect(state.callbacks?.kept).toBeUndefined();
  });
});

describe('learning rates in the loop', () => {
  it("a schedule's rate at each step (Keras's iterations before the update), and in the logs at each epoch's end", async () => {
    const optimizer = { type: 'sgd', learning_rate: { type: 'piecewise_constant_decay', boundaries: [3], values: [0.1, 0.01] } };
    const { rates, state } = await run([1, 1, 1], { checkpoint: { every: 1 } }, { optimizer });
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.1, 0.01, 0.01]);
    expect(state.history.map((h) => h.learning_rate)).toEqual([0.1, 0.01, 0.01].map(Math.fround));
    expect(state.iterations).toBe(6);
  });

  it('reduce_lr_on_plateau: the reduced rate is every later step\'s', async () => {
    const rl = { monitor: 'loss', factor: 0.5, patience: 1, mode: 'auto' as const, min_delta: 0, cooldown: 0, min_lr: 0 };
    const { rates } = await run([1, 1, 0.5], { checkpoint: { every: 1 }, reduce_lr_on_plateau: rl }, { optimizer: { type: 'sgd', learning_rate: 0.25 } });
    expect(rates).toEqual([0.25, 0.25, 0.25, 0.25, 0.125, 0.125]);
  });
});
