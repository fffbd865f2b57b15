/**
 * When a run saves (keras.callbacks.ModelCheckpoint plus `--checkpoint`): a checkpoint (the
 * resume point: weights, optimizer slots, state) after every N epochs, after improving epochs
 * only (`best`), or only when the run ends; and whether the run's model.json is written at a
 * save (`save_best_only`: only when the monitored value improves, so the run keeps its best
 * epoch). Whatever the policy, a run that ends (done, stopped early, interrupted) saves.
 */
import type { Monitor } from './monitor.js';

export type CheckpointPolicy = { every: number } | { best: true } | { end: true };

export interface ModelCheckpointConfig {
  monitor: string;
  mode: 'auto' | 'min' | 'max';
  save_best_only: boolean;
  save_freq: 'epoch' | number;
  initial_value_threshold: number | null;
}

export interface ModelCheckpointState {
  best: number | null;
  /** The run's epoch (0-based) of `best`. */
  bestEpoch: number | null;
}

/** `--checkpoint every:N|best|end`; a string saying what is wrong otherwise. */
export function parseCheckpointPolicy(text: string): CheckpointPolicy | string {
  if (text === 'best') return { best: true };
  if (text === 'end') return { end: true };
  const m = /^every:(\d+)$/.exec(text);
  if (m && Number(m[1]) >= 1) return { every: Number(m[1]) };
  return `--checkpoint takes every:N (N >= 1), best or end; got '${text}'`;
}

export function describePolicy(p: CheckpointPolicy): string {
  return 'every' in p ? `every:${p.every}` : 'best' in p ? 'best' : 'end';
}

/**
 * Keras's _should_save_model for save_best_only at an epoch's end: true (and `best` updated)
 * when the monitored value improves on the best so far (or on initial_value_threshold).
 * A value the logs lack saves, as Keras does.
 */
export function improvedForCheckpoint(monitor: Monitor, state: ModelCheckpointState, logs: Record<string, number>, epoch: number): boolean {
  const current = monitor.value(logs);
  if (current === undefined) return true;
  if (!monitor.improves(current, state.best)) return false;
  state.best = current;
  state.bestEpoch = epoch;
  return true;
}

/** Whether the epoch that just ended (0-based `epoch`) is a checkpoint under the policy. */
export function checkpointDue(policy: CheckpointPolicy, epoch: number, improved: boolean): boolean {
  if ('every' in policy) return (epoch + 1) % policy.every === 0;
  if ('best' in policy) return improved;
  return false;
}
