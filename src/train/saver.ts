/**
 * Saving a run: the run's top-level model.json + weights.bin, history and run.json, each replaced
 * atomically, then a checkpoint (weights, optimizer slots, state) written atomically. In that
 * order, a run killed between the two resumes from the previous checkpoint and writes the
 * top-level files again; the other order left a run killed after its last checkpoint with the
 * previous epoch's model.json/weights.bin and nothing to resume (found by scripts/kill-test.mjs).
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { STATE_FILE, writeCheckpoint } from './checkpoint.js';
import type { TrainEngine } from './engine.js';
import { writeHistory } from './history.js';
import { writeModelFiles, writeOptimizerFiles } from './run-files.js';
import { writeRunInfo, type RunInfo } from './run-info.js';
import type { RunState } from './state.js';

export function saver(engine: TrainEngine, run: string, info: () => RunInfo): (state: RunState) => Promise<void> {
  return async (state) => {
    const model = engine.describe();
    const weights = await engine.readWeights();
    const slots = await engine.readSlots();
    writeModelFiles(run, model, weights);
    writeHistory(run, state.history);
    writeRunInfo(run, info(), state);
    await writeCheckpoint(run, state.epoch, state.batch, async (dir) => {
      writeModelFiles(dir, model, weights);
      writeOptimizerFiles(dir, state.optimizer, slots);
      writeFileAtomic(join(dir, STATE_FILE), JSON.stringify(state));
    });
  };
}
