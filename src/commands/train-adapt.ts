/**
 * train's adapt step for a new run: Normalization layers whose spec gives no mean and variance
 * get them from the training samples (src/train/adapt.ts) before the first checkpoint, so the
 * run's saved weights carry them to evaluate and predict. A resumed run reads them from its
 * checkpoint instead; a block use's `weights: RUN` brings its own.
 */
import { adaptedLine, adaptModel, adaptReadSize, adaptTargets, type Adapted } from '../train/adapt.js';
import type { TrainEngine } from '../train/engine.js';
import type { Split } from '../train/loop.js';
import { reporterOf, type Io } from './io.js';
import type { SpecWithObjective } from './objective-spec.js';
import { specDiagnostic } from './spec-file.js';

/** What was adapted (empty: nothing to adapt), or undefined after reporting why a layer cannot be (NN914, exit 1). */
export async function adaptNewRun(engine: TrainEngine, spec: SpecWithObjective, train: Split, batchSize: number, io: Io): Promise<Adapted[] | undefined> {
  const fromRuns = (spec.graph.instances ?? []).filter((i) => i.weights !== undefined).flatMap((i) => i.layers);
  const { targets, problems } = adaptTargets(spec.graph, (layer) => fromRuns.includes(layer));
  for (const p of problems) reporterOf(io).report(specDiagnostic(spec.graph, spec.file, 'NN914', p.message, p.ptr, p.hint));
  if (problems.length > 0) return undefined;
  const adapted = await adaptModel(engine, targets, train.batches, train.indices, adaptReadSize(spec.graph, batchSize));
  if (adapted.length > 0) io.stderr.write(`${adaptedLine(adapted)}\n`);
  return adapted;
}
