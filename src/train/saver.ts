/**
 * Saving a run: a checkpoint (weights, optimizer slots, state) written atomically, then the run's
 * top-level model.json + weights.bin, history and run.json, each replaced atomically.
 */
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/env.js';
import type { Optimizing } from '../backends/tfjs/optimizers.js';
import { saveModel, saveOptimizer } from '../backends/tfjs/save.js';
import { writeFileAtomic } from './atomic.js';
import { STATE_FILE, writeCheckpoint } from './checkpoint.js';
import { writeHistory } from './history.js';
import { writeRunInfo, type RunInfo } from './run-info.js';
import type { RunState } from './state.js';

export function saver(tf: Tf, run: string, model: tfTypes.LayersModel, optimizing: Optimizing, info: () => RunInfo): (state: RunState) => Promise<void> {
  return async (state) => {
    await writeCheckpoint(run, state.epoch, state.batch, async (dir) => {
      await saveModel(tf, model, dir);
      await saveOptimizer(tf, optimizing, dir);
      writeFileAtomic(join(dir, STATE_FILE), JSON.stringify(state));
    });
    await saveModel(tf, model, run);
    writeHistory(run, state.history);
    writeRunInfo(run, info(), state);
  };
}
