/**
 * keras.callbacks.EarlyStopping as a state machine over epoch logs (keras/src/callbacks/
 * early_stopping.py): the wait counter grows each watched epoch and resets on an improvement
 * that also beats `baseline`; the run stops once wait >= patience, never at the fit's first
 * epoch. Epochs are counted from the start of the current fit (a resumed fit continues its
 * count; a new train after a stop starts afresh), as `epoch` is inside Keras's fit.
 */
import type { Monitor } from './monitor.js';

export interface EarlyStoppingConfig {
  monitor: string;
  min_delta: number;
  patience: number;
  mode: 'auto' | 'min' | 'max';
  baseline: number | null;
  restore_best_weights: boolean;
  start_from_epoch: number;
}

export interface EarlyStoppingState {
  wait: number;
  best: number | null;
  /** Absolute epoch index (0-based) of the best value. */
  bestEpoch: number | null;
}

export type EarlyStoppingStep = 'unwatched' | 'improved' | 'waiting' | 'stop';

export const freshEarlyStopping = (): EarlyStoppingState => ({ wait: 0, best: null, bestEpoch: null });

/**
 * One epoch's end. `fitEpoch` is the epoch's index inside the current fit (0 for its first);
 * `epoch` the run's. Mutates `state`.
 */
export function earlyStoppingStep(config: EarlyStoppingConfig, monitor: Monitor, state: EarlyStoppingState, logs: Record<string, number>, epoch: number, fitEpoch: number): EarlyStoppingStep {
  const current = monitor.value(logs);
  if (current === undefined || fitEpoch < config.start_from_epoch) return 'unwatched';
  state.wait += 1;
  if (monitor.improves(current, state.best)) {
    state.best = current;
    state.bestEpoch = epoch;
    if (config.baseline === null || monitor.improves(current, config.baseline)) state.wait = 0;
    return 'improved';
  }
  return state.wait >= config.patience && fitEpoch > 0 ? 'stop' : 'waiting';
}
