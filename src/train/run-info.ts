/**
 * run.json: what ran, on what, how long and how fast — enough to repeat or compare a run. Its
 * samples/s are honest: `samples_per_second` is the training loop's (steps, validation,
 * callbacks and saving included), `timing.samples_per_second.command` the whole command's
 * (process start to exit: loading, data checks, engine start-up), `steps` the engine's alone.
 */
import { join } from 'node:path';
import { packageVersion } from '../paths.js';
import type { Logs } from './accumulate.js';
import type { Adapted } from './adapt.js';
import { replaceFile } from './durable.js';
import type { RunState } from './state.js';

export const RUN_FILE = 'run.json';
export const SPEC_FILE = 'spec.yaml';

const NNSPEC_VERSION = packageVersion();

export interface RunInfo {
  status: 'running' | 'completed' | 'early_stopped' | 'interrupted' | 'diverged';
  message?: string;
  spec: string;
  data: string;
  validation_data?: string;
  backend: string;
  backend_detail: string;
  /** The engine's library version (run.json has `tfjs` for the TensorFlow.js engine). */
  tfjs?: string;
  /** ONNX Runtime's version and the threads it ran on (the onnx engine). */
  onnxruntime?: string;
  threads?: number;
  samples: { train: number; validation: number };
  started_at: string;
  /** This command's wall time so far (from process start when run as `nnspec`). */
  wall_seconds: number;
  /** This command's seconds before the loop: loading nnspec, reading spec and data, starting the engine, the first save. */
  phases?: { startup: number; spec_and_data: number; engine: number; first_save: number };
  /** Normalization statistics adapted from the training data before the first epoch (a new run). */
  adapted?: Adapted[];
}

/** Samples trained per second of the loop, of every command of the run, and of the engine's steps alone. */
export function rates(state: RunState, wallSeconds: number): { loop: number | null; command: number | null; steps: number | null } {
  const per = (s: number | undefined) => (s !== undefined && s > 0 ? round(state.samplesSeen / s) : null);
  return { loop: per(state.loopSeconds), command: per((state.commandSeconds ?? 0) + wallSeconds), steps: per(state.trainSeconds) };
}

/** `sync`: fsync too (the run's last save and its end). */
export function writeRunInfo(run: string, info: RunInfo, state: RunState, sync = true): void {
  const last: Logs | undefined = state.history[state.history.length - 1];
  const record = {
    nnspec: NNSPEC_VERSION,
    node: process.version,
    ...withoutPhases(info),
    seed: state.settings.seed,
    settings: state.settings,
    optimizer: state.optimizer,
    epochs_completed: state.epoch,
    ...(state.callbacks?.stopped ? { stopped: state.callbacks.stopped } : {}),
    ...(state.callbacks?.kept ? { kept: state.callbacks.kept } : {}),
    train_seconds: round(state.loopSeconds ?? state.trainSeconds),
    samples_per_second: rates(state, info.wall_seconds).loop,
    wall_seconds: round(info.wall_seconds),
    timing: {
      command_seconds: round((state.commandSeconds ?? 0) + info.wall_seconds),
      loop_seconds: round(state.loopSeconds ?? 0),
      step_seconds: round(state.trainSeconds),
      samples_trained: state.samplesSeen,
      samples_per_second: rates(state, info.wall_seconds),
      ...(info.phases ? { phases: Object.fromEntries(Object.entries(info.phases).map(([k, v]) => [k, round(v)])) } : {}),
    },
    ...(last ? { final: last } : {}),
  };
  replaceFile(join(run, RUN_FILE), JSON.stringify(record, null, 2) + '\n', sync);
}

function withoutPhases(info: RunInfo): Omit<RunInfo, 'phases'> {
  const { phases: _, ...rest } = info;
  return rest;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
