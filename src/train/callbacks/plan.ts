/**
 * A run's callbacks, settled before training: the spec's `training.callbacks` with Keras's
 * defaults, the flags that override them (--early-stopping PATIENCE, --checkpoint), and the
 * monitors checked against the keys the run will log (NN920 where a monitor can never appear).
 */
import { CALLBACK_ARGUMENTS } from '../../spec/callbacks.js';
import type { CallbacksSpec } from '../../spec/types.js';
import type { OutputPlan } from '../objective.js';
import type { EarlyStoppingConfig, EarlyStoppingState } from './early-stopping.js';
import type { CheckpointPolicy, ModelCheckpointConfig, ModelCheckpointState } from './model-checkpoint.js';
import { directionOf, loggedKeys, Monitor } from './monitor.js';
import type { ReduceLrConfig, ReduceLrState } from './reduce-lr.js';

/** What run.json's settings record and a resumed run keeps. */
export interface CallbackSettings {
  early_stopping?: EarlyStoppingConfig;
  reduce_lr_on_plateau?: ReduceLrConfig;
  model_checkpoint?: ModelCheckpointConfig;
  /** When checkpoints are written (`--checkpoint`; default every:1, or best with save_best_only). */
  checkpoint: CheckpointPolicy;
}

/** The callbacks' counters, saved in every checkpoint (Keras's BackupAndRestore keeps a fit going). */
export interface CallbackState {
  /** The run's epoch at which the current fit began (a new train after a stop begins a new fit). */
  fitStart: number;
  earlyStopping?: EarlyStoppingState;
  reduceLr?: ReduceLrState;
  modelCheckpoint?: ModelCheckpointState;
  /** Batches since the last save, for save_freq: N. */
  batchesSinceSave?: number;
  /** Why and when the last fit stopped early (run.json's `stopped`). */
  stopped?: StopReason;
  /** The epoch (1-based) whose weights the run's model.json holds, and why (run.json's `kept`). */
  kept?: { epoch: number; reason: string };
}

export interface StopReason {
  /** 1-based, as the console counts. */
  epoch: number;
  monitor: string;
  patience: number;
  best: number | null;
  best_epoch: number | null;
  message: string;
}

export interface CallbackFlags {
  /** --early-stopping PATIENCE. */
  earlyStopping?: number;
  checkpoint?: CheckpointPolicy;
}

function withDefaults<T>(name: string, given: Record<string, unknown> | undefined): T {
  const defaults = Object.fromEntries(Object.entries(CALLBACK_ARGUMENTS[name]!).map(([k, v]) => [k, v.default ?? null]));
  return { ...defaults, ...(given ?? {}) } as T;
}

/**
 * The run's callbacks from the spec and the flags. Without the spec's callback, --early-stopping
 * watches val_loss when there is validation data, else loss (so it works on any run); --checkpoint
 * best likewise.
 */
export function callbackSettings(spec: CallbacksSpec | undefined, flags: CallbackFlags, validation: boolean): CallbackSettings {
  const fallback = validation ? 'val_loss' : 'loss';
  const out: CallbackSettings = { checkpoint: flags.checkpoint ?? { every: 1 } };
  if (spec?.early_stopping || flags.earlyStopping !== undefined) {
    const es = withDefaults<EarlyStoppingConfig>('early_stopping', spec?.early_stopping ?? { monitor: fallback });
    if (flags.earlyStopping !== undefined) es.patience = flags.earlyStopping;
    out.early_stopping = es;
  }
  if (spec?.reduce_lr_on_plateau) out.reduce_lr_on_plateau = withDefaults<ReduceLrConfig>('reduce_lr_on_plateau', spec.reduce_lr_on_plateau);
  const best = flags.checkpoint !== undefined && 'best' in flags.checkpoint;
  if (spec?.model_checkpoint || best) {
    const mc = withDefaults<ModelCheckpointConfig>('model_checkpoint', spec?.model_checkpoint ?? { monitor: fallback });
    if (best) mc.save_best_only = true;
    out.model_checkpoint = mc;
    if (flags.checkpoint === undefined && mc.save_best_only) out.checkpoint = { best: true };
  }
  return out;
}

/** A monitor that cannot work, with the spec pointer to report it at (NN920). */
export interface MonitorProblem {
  pointer: string;
  message: string;
  hint: string;
}

const NAMES = ['early_stopping', 'reduce_lr_on_plateau', 'model_checkpoint'] as const;

/** Every callback whose monitor this run can never log (known before training). */
export function monitorProblems(settings: CallbackSettings, spec: CallbacksSpec | undefined, outputs: OutputPlan[], validation: boolean): MonitorProblem[] {
  const keys = loggedKeys(outputs, validation);
  const problems: MonitorProblem[] = [];
  for (const name of NAMES) {
    const c = settings[name];
    if (!c) continue;
    const written = spec?.[name] as Record<string, unknown> | undefined;
    const pointer = written && 'monitor' in written ? `/training/callbacks/${name}/monitor` : `/training/callbacks/${name}`;
    if (!keys.includes(c.monitor)) {
      const noValidation = c.monitor.startsWith('val_') && !validation && keys.includes(c.monitor.slice(4));
      problems.push(noValidation
        ? { pointer, message: `${name} monitors '${c.monitor}', but the run has no validation data, so it never logs it`, hint: `give --validation-split F or --validation-data DIR (or training.validation_split), or monitor '${c.monitor.slice(4)}'` }
        : { pointer, message: `${name} monitors '${c.monitor}', which the run does not log (it logs ${keys.join(', ')})`, hint: 'monitor one of the logged keys: loss, a compiled metric, or their val_ forms' });
    } else if (directionOf(c.monitor, c.mode, outputs) === undefined) {
      problems.push({ pointer, message: `${name} cannot tell whether '${c.monitor}' should go up or down (mode: auto)`, hint: 'give mode: min or mode: max' });
    }
  }
  return problems;
}

/** The monitor of a settled callback (its direction checked by monitorProblems). */
export function monitorOf(c: { monitor: string; mode: 'auto' | 'min' | 'max'; min_delta?: number }, outputs: OutputPlan[]): Monitor {
  return new Monitor(c.monitor, directionOf(c.monitor, c.mode, outputs) ?? 'min', c.min_delta ?? 0);
}
