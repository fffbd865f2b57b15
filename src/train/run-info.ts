/** run.json: what ran, on what, how long and how fast — enough to repeat or compare a run. */
import { join } from 'node:path';
import { packageVersion } from '../paths.js';
import type { Logs } from './accumulate.js';
import { writeFileAtomic } from './atomic.js';
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
  wall_seconds: number;
}

export function writeRunInfo(run: string, info: RunInfo, state: RunState): void {
  const last: Logs | undefined = state.history[state.history.length - 1];
  const record = {
    nnspec: NNSPEC_VERSION,
    node: process.version,
    ...info,
    seed: state.settings.seed,
    settings: state.settings,
    optimizer: state.optimizer,
    epochs_completed: state.epoch,
    train_seconds: round(state.trainSeconds),
    samples_per_second: state.trainSeconds > 0 ? round(state.samplesSeen / state.trainSeconds) : null,
    wall_seconds: round(info.wall_seconds),
    ...(last ? { final: last } : {}),
  };
  writeFileAtomic(join(run, RUN_FILE), JSON.stringify(record, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
