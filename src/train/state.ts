/**
 * What a checkpoint remembers besides weights and optimizer slots: where the run is (epoch and
 * batch), the partial epoch's totals, the history so far, early-stopping counters, and what the
 * run was started with — the settings a resumed run must keep and hashes of the spec and data
 * it must not have changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logs } from './accumulate.js';
import type { CallbackSettings, CallbackState } from './callbacks/plan.js';
import { STATE_FILE } from './checkpoint.js';

export interface Settings {
  epochs: number;
  batchSize: number;
  seed: number;
  shuffle: boolean;
  /** Keras semantics: the last fraction of the samples, before shuffling. */
  validationSplit: number;
  earlyStopping?: number;
  /** The callbacks (spec and flags, Keras's defaults filled in) and the checkpoint policy. */
  callbacks?: CallbackSettings;
  /** Block shuffle (`--shuffle-block`): samples move in blocks of this many consecutive ones. */
  shuffleBlock?: number;
}

export interface RunState {
  version: 1;
  /** Completed epochs; the epoch to run next (0-based). */
  epoch: number;
  /** Batches already done in `epoch`. */
  batch: number;
  partial?: { sums: number[]; samples: number };
  history: Logs[];
  /** Before callbacks: the --early-stopping counters of older checkpoints (read, no longer written). */
  best?: number;
  wait: number;
  /** The callbacks' counters (best values, wait, cooldown), restored on --resume. */
  callbacks?: CallbackState;
  /** The learning rate ReduceLROnPlateau (or --learning-rate on resume) set; the optimizer's otherwise. */
  learningRate?: number;
  /** Optimizer steps taken (Keras's iterations): a schedule's step. */
  iterations?: number;
  /** Seconds inside engine steps and samples trained on, over the whole run (resumes included). */
  trainSeconds: number;
  samplesSeen: number;
  /** Wall seconds of the training loop (steps, validation, callbacks, saving), over the whole run. */
  loopSeconds?: number;
  /** Wall seconds of earlier `nnspec train` commands of this run (process start to exit). */
  commandSeconds?: number;
  settings: Settings;
  optimizer: unknown;
  hashes: { spec: string; data: string; validation?: string };
}

export function readState(checkpointDir: string): RunState {
  return JSON.parse(readFileSync(join(checkpointDir, STATE_FILE), 'utf8')) as RunState;
}
