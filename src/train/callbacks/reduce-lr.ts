/**
 * keras.callbacks.ReduceLROnPlateau as a state machine (keras/src/callbacks/reduce_lr_on_plateau.py):
 * after `patience` epochs without improvement (and outside a cooldown) the learning rate is
 * multiplied by `factor`, never below `min_lr`; a reduction starts `cooldown` epochs in which
 * the wait counter stays 0. The rate is held as Keras's optimizer variable holds it, in float32.
 */
import type { Monitor } from './monitor.js';

export interface ReduceLrConfig {
  monitor: string;
  factor: number;
  patience: number;
  mode: 'auto' | 'min' | 'max';
  min_delta: number;
  cooldown: number;
  min_lr: number;
}

export interface ReduceLrState {
  wait: number;
  cooldownCounter: number;
  best: number | null;
}

export const freshReduceLr = (): ReduceLrState => ({ wait: 0, cooldownCounter: 0, best: null });

/** One epoch's end with the rate the epoch trained at: the new rate when it is reduced. Mutates `state`. */
export function reduceLrStep(config: ReduceLrConfig, monitor: Monitor, state: ReduceLrState, logs: Record<string, number>, learningRate: number): number | undefined {
  const current = monitor.value(logs);
  if (current === undefined) return undefined;
  if (state.cooldownCounter > 0) {
    state.cooldownCounter -= 1;
    state.wait = 0;
  }
  if (monitor.improves(current, state.best)) {
    state.best = current;
    state.wait = 0;
    return undefined;
  }
  if (state.cooldownCounter > 0) return undefined;
  state.wait += 1;
  if (state.wait < config.patience) return undefined;
  if (!(learningRate > Math.fround(config.min_lr))) return undefined;
  state.cooldownCounter = config.cooldown;
  state.wait = 0;
  return Math.fround(Math.max(learningRate * config.factor, config.min_lr));
}
