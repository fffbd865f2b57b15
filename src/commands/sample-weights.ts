/** `<output>.sample_weight.npy` in --data (data/sample-weights.ts) for train and evaluate. */
import { resolve } from 'node:path';
import type { OutputPlan } from '../train/objective.js';
import { readSampleWeights } from '../data/sample-weights.js';
import { reportProblem, reporterOf, type Io } from './io.js';

/**
 * Reads the data's sample weights and marks the outputs that have them (`weighted`, so an engine
 * builds its loss with a weight input) before the engine is created. Undefined after printing
 * every problem (exit 1).
 */
export function loadSampleWeights(outputs: OutputPlan[], path: string, samples: number, io: Io, action: string): (Float32Array | undefined)[] | undefined {
  const label = path.replace(/\/+$/, '');
  const { weights, problems } = readSampleWeights(resolve(io.cwd, path), label, outputs, samples);
  for (const p of problems) reportProblem(io, p.code, p.file, p.message);
  if (problems.length > 0) {
    reporterOf(io).note(`nnspec: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the sample weights in ${label}; ${action}`);
    return undefined;
  }
  outputs.forEach((o, i) => {
    if (weights[i]) o.weighted = true;
  });
  return weights;
}
