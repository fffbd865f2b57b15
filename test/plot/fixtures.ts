/** Run directories for the plot tests, written by hand (no training): a spec, a history and run.json. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

export const HISTORY = {
  loss: [2.36, 2.28, 2.24, 2.2, 2.17],
  accuracy: [0.11, 0.16, 0.18, 0.19, 0.23],
  val_loss: [2.361, 2.359, 2.35, 2.3589, 2.3607],
  val_accuracy: [0.1, 0.1, 0.1, 0.1, 0.075],
  learning_rate: [0.01, 0.005, 0.001, 0.0005, 0.0001],
};

/** A run of specs/sequential_mlp.yaml with `history` (history.json) and a run.json. */
export function writeRun(dir: string, history: Record<string, (number | null)[]> | string = HISTORY, spec = join(ROOT, 'specs/sequential_mlp.yaml')): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(spec, join(dir, 'spec.yaml'));
  writeFileSync(join(dir, 'history.json'), typeof history === 'string' ? history : JSON.stringify(history));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ status: 'completed', epochs_completed: 5, samples: { train: 160, validation: 40 }, backend_detail: 'cpu (pure JavaScript)', wall_seconds: 1.2, train_seconds: 0.4 }));
  return dir;
}
