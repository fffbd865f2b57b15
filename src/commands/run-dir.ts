/** Run directories: opening a finished (or interrupted) run, with its engine and data, for evaluate and predict. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeBatches } from '../data/batches.js';
import { range, type Batches } from '../train/batches.js';
import type { Batch, EngineRuntime, TrainEngine } from '../train/engine.js';
import { MODEL_FILE, readModelWeights } from '../train/run-files.js';
import { SPEC_FILE } from '../train/run-info.js';
import { loadData } from './data-arg.js';
import { startEngine, type EngineChoice, type EngineFlags } from './engine.js';
import { reportProblem, UsageError, type Io } from './io.js';
import { loadObjective, type SpecWithObjective } from './objective-spec.js';
import { refuseStateful } from './stateful.js';

/** The run's spec and objective, or undefined after printing why (exit 1). */
export function openRun(run: string, io: Io, command: 'evaluate' | 'predict'): SpecWithObjective | undefined {
  const dir = resolve(io.cwd, run);
  for (const f of [SPEC_FILE, MODEL_FILE]) {
    if (!existsSync(join(dir, f))) throw new UsageError(`${run} is not a training run: it has no ${f} (train one with \`nnspec train SPEC --data DIR --out ${run}\`)`, 'NN900');
  }
  const spec = loadObjective(join(run, SPEC_FILE), io);
  // A run trained before train refused stateful layers, or written by hand.
  if (spec && refuseStateful(spec.graph, join(run, SPEC_FILE), io, command)) return undefined;
  return spec;
}

/** The line saying which engine runs, and why `auto` passed over the others. */
export function engineLine(runtime: EngineRuntime): string {
  return `backend: ${runtime.detail}${runtime.skipped.length ? ` (${runtime.skipped.join('; ')})` : ''}\n`;
}

/** The engine with the run's trained weights, or undefined after printing why. `first` lets `auto` check that onnx runs the model. */
export async function loadRunEngine(run: string, opened: SpecWithObjective, choice: EngineChoice, io: Io, flags: EngineFlags = {}, first?: Batch): Promise<{ runtime: EngineRuntime; engine: TrainEngine } | undefined> {
  const probe = first ? { plan: { graph: opened.graph, outputs: opened.outputs, seed: 0 }, batch: first } : undefined;
  const runtime = await startEngine(choice, io, flags, probe);
  if (!runtime) return undefined;
  let weights: ReturnType<typeof readModelWeights>;
  try {
    weights = readModelWeights(resolve(io.cwd, run));
  } catch (e) {
    // A damaged or truncated model.json or weights.bin: the run cannot be read, whatever the spec.
    reportProblem(io, 'NN909', join(run, MODEL_FILE), `the run's weights cannot be read (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
  const engine = runtime.create({ graph: opened.graph, outputs: opened.outputs, seed: 0 });
  try {
    await engine.writeWeights(weights);
  } catch (e) {
    engine.dispose();
    reportProblem(io, 'NN903', join(run, MODEL_FILE), `the saved weights do not fit the run's spec (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
  return { runtime, engine };
}

export interface RunDataOptions extends EngineFlags {
  data: string;
  batchSize?: number;
  backend?: EngineChoice;
}

export interface RunOnData {
  spec: SpecWithObjective;
  batches: Batches;
  batchSize: number;
  engine: TrainEngine;
}

/**
 * The first steps of evaluate and predict: the run, the checked data as batches, and the engine
 * with the run's weights (its line written to stderr). Undefined after printing why (exit 1).
 */
export async function openRunOnData(run: string, opts: RunDataOptions, io: Io, use: { withTargets: boolean; action: string }): Promise<RunOnData | undefined> {
  const spec = openRun(run, io, use.withTargets ? 'evaluate' : 'predict');
  if (!spec) return undefined;
  const { graph, outputs } = spec;
  const data = await loadData(graph, outputs, opts.data, io, use);
  if (!data) return undefined;
  const batches = makeBatches(graph, outputs, data.set, use.withTargets ? data.checked.fits : undefined);
  const batchSize = opts.batchSize ?? 32;
  const loaded = await loadRunEngine(run, spec, opts.backend ?? 'auto', io, opts, batches.batch(range(0, Math.min(batchSize, batches.samples))));
  if (!loaded) return undefined;
  io.stderr.write(engineLine(loaded.runtime));
  return { spec, batches, batchSize, engine: loaded.engine };
}
