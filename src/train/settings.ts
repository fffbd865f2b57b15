/**
 * A run's settings: the spec's `training:` section gives the defaults and flags override them;
 * a resumed run keeps what it started with (only --epochs, --early-stopping, --checkpoint and a
 * constant --learning-rate may change) and is refused when its spec or data changed.
 */
import type { TrainingSpec } from '../spec/types.js';
import { callbackSettings } from './callbacks/plan.js';
import type { CheckpointPolicy } from './callbacks/model-checkpoint.js';
import { freshSeed } from './random.js';
import type { RunState, Settings } from './state.js';

export interface SettingFlags {
  data: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  earlyStopping?: number;
  validationSplit?: number;
  validationData?: string;
  shuffleBlock?: number;
  /** --checkpoint every:N|best|end. */
  checkpoint?: CheckpointPolicy;
}

export function newSettings(t: TrainingSpec, flags: SettingFlags): Settings {
  const validationSplit = flags.validationData ? 0 : flags.validationSplit ?? t.validation_split ?? 0;
  return {
    epochs: flags.epochs ?? t.epochs ?? 1,
    batchSize: flags.batchSize ?? t.batch_size ?? 32,
    seed: flags.seed ?? t.seed ?? freshSeed(),
    shuffle: t.shuffle ?? true,
    validationSplit,
    ...(flags.earlyStopping !== undefined ? { earlyStopping: flags.earlyStopping } : {}),
    callbacks: callbackSettings(t.callbacks, flags, validationSplit > 0 || flags.validationData !== undefined),
    ...(flags.shuffleBlock !== undefined ? { shuffleBlock: flags.shuffleBlock } : {}),
  };
}

/** The resumed run's settings; its callbacks again from the (unchanged) spec with this command's flags. */
export function resumedSettings(saved: Settings, flags: SettingFlags, t: TrainingSpec = {}): Settings {
  const settings = { ...saved, epochs: flags.epochs ?? saved.epochs };
  if (flags.earlyStopping !== undefined) settings.earlyStopping = flags.earlyStopping;
  const flagsNow = { ...flags, earlyStopping: settings.earlyStopping, checkpoint: flags.checkpoint ?? saved.callbacks?.checkpoint };
  settings.callbacks = callbackSettings(t.callbacks, flagsNow, saved.validationSplit > 0 || flags.validationData !== undefined);
  return settings;
}

/** Why a run cannot be resumed with this spec, data and flags, if it cannot. */
export function resumeConflict(state: RunState, hashes: RunState['hashes'], flags: SettingFlags): string | undefined {
  if (state.hashes.spec !== hashes.spec) return 'the spec changed since the run started (the spec it was trained with is in the run as spec.yaml); start a new run with another --out';
  if (state.hashes.data !== hashes.data) return `the data in ${flags.data} changed since the run started; start a new run with another --out`;
  if (state.hashes.validation !== hashes.validation) return 'the validation data changed since the run started';
  const s = state.settings;
  if (flags.batchSize !== undefined && flags.batchSize !== s.batchSize) return `the run uses --batch-size ${s.batchSize}; it cannot change on resume`;
  if (flags.seed !== undefined && flags.seed !== s.seed) return `the run uses --seed ${s.seed}; it cannot change on resume`;
  if (flags.shuffleBlock !== s.shuffleBlock && flags.shuffleBlock !== undefined) return `the run ${s.shuffleBlock ? `uses --shuffle-block ${s.shuffleBlock}` : 'shuffles exactly'}; it cannot change on resume`;
  if (flags.validationSplit !== undefined && flags.validationSplit !== s.validationSplit) return `the run uses --validation-split ${s.validationSplit}; it cannot change on resume`;
  const lr = (state.optimizer as { learning_rate?: unknown }).learning_rate;
  if (flags.learningRate !== undefined && typeof lr !== 'number') return 'the optimizer\'s learning rate is a schedule; --learning-rate cannot replace it on resume (start a new run)';
  if ((flags.epochs ?? s.epochs) <= state.epoch && state.batch === 0) return `the run already completed ${state.epoch} epoch${state.epoch === 1 ? '' : 's'}; pass a larger --epochs to train further`;
  return undefined;
}
