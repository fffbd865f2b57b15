/**
 * Saving a run. A checkpoint's files (weights, optimizer slots, state, and restore_best_weights'
 * best weights) are staged in a temporary directory; the run's top-level model.json + weights.bin
 * are then hard links to the staged files (no byte written twice), and only after that does the
 * checkpoint become the run's current one. In that order, a run killed between the two resumes
 * from the previous checkpoint and writes the top-level files again; the other order left a run
 * killed after its last checkpoint with the previous epoch's model.json/weights.bin and nothing
 * to resume (found by scripts/kill-test.mjs). history.* and run.json are replaced at every save
 * by rename, and fsynced only at the run's last save.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stageCheckpoint, STATE_FILE, writeCheckpoint } from './checkpoint.js';
import { replaceByLink, writeFileSynced } from './durable.js';
import type { NamedArray, TrainEngine } from './engine.js';
import { writeHistory } from './history.js';
import { MODEL_FILE, WEIGHTS_FILE, writeModelFiles, writeOptimizerFiles } from './run-files.js';
import { writeRunInfo, type RunInfo } from './run-info.js';
import type { RunState } from './state.js';

/** restore_best_weights' weights inside a checkpoint, as model.json + weights.bin. */
export const BEST_DIR = 'best';

export interface SaveRequest {
  /** Write a checkpoint (the resume point: weights, optimizer slots, state). */
  checkpoint: boolean;
  /** Make the run's model.json/weights.bin this checkpoint's weights (needs `checkpoint`). */
  model: boolean;
  /** The run's last save: every file fsynced. */
  final: boolean;
  /** restore_best_weights' best weights so far, kept in the checkpoint for a resumed fit. */
  best?: NamedArray[];
}

export type Save = (state: RunState, request?: SaveRequest) => Promise<void>;

const EVERYTHING: SaveRequest = { checkpoint: true, model: true, final: false };

export function saver(engine: TrainEngine, run: string, info: () => RunInfo): Save {
  return async (state, request = EVERYTHING) => {
    if (request.checkpoint) {
      const model = engine.describe();
      const weights = await engine.readWeights();
      const slots = await engine.readSlots();
      const staged = await stageCheckpoint(run, state.epoch, state.batch, async (dir) => {
        writeModelFiles(dir, model, weights, writeFileSynced);
        writeOptimizerFiles(dir, state.optimizer, slots, writeFileSynced);
        if (request.best) {
          const best = join(dir, BEST_DIR);
          mkdirSync(best);
          writeModelFiles(best, model, request.best, writeFileSynced);
        }
        // A resumed run adds its own command time to what the earlier commands took until this save.
        writeFileSynced(join(dir, STATE_FILE), JSON.stringify({ ...state, commandSeconds: (state.commandSeconds ?? 0) + info().wall_seconds }));
      });
      if (request.model) {
        replaceByLink(join(staged.dir, WEIGHTS_FILE), join(run, WEIGHTS_FILE));
        replaceByLink(join(staged.dir, MODEL_FILE), join(run, MODEL_FILE));
      }
      writeHistory(run, state.history, request.final);
      writeRunInfo(run, info(), state, request.final);
      await writeCheckpoint(run, state.epoch, state.batch, staged);
      return;
    }
    writeHistory(run, state.history, request.final);
    writeRunInfo(run, info(), state, request.final);
  };
}
