/** Opening a finished (or interrupted) run directory for evaluate and predict. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackendError, selectBackend, type Backend, type BackendChoice } from '../backends/tfjs/backend.js';
import { MODEL_FILE, loadWeightsInto } from '../backends/tfjs/save.js';
import type { Graph } from '../compiler/graph.js';
import { resolveObjective, type OutputPlan } from '../train/objective.js';
import { SPEC_FILE } from '../train/run-info.js';
import { seededModel, type SeededModel } from '../train/session.js';
import { UsageError, type Io } from './io.js';
import { loadSpec } from './spec-file.js';

export interface OpenedRun {
  graph: Graph;
  outputs: OutputPlan[];
}

/** The run's spec and objective, or undefined after printing why (exit 1). */
export function openRun(run: string, io: Io): OpenedRun | undefined {
  const dir = resolve(io.cwd, run);
  for (const f of [SPEC_FILE, MODEL_FILE]) {
    if (!existsSync(join(dir, f))) throw new UsageError(`${run} is not a training run: it has no ${f} (train one with \`nnspec train SPEC --data DIR --out ${run}\`)`);
  }
  const spec = loadSpec(join(run, SPEC_FILE), io);
  if (!spec) return undefined;
  const objective = resolveObjective(spec.graph);
  if ('error' in objective) {
    io.stderr.write(`nnspec: ${join(run, SPEC_FILE)}: ${objective.error}\n`);
    return undefined;
  }
  return { graph: spec.graph, outputs: objective.outputs };
}

/** The backend and the run's trained model on it, or undefined after printing why. */
export async function loadRunModel(run: string, graph: Graph, choice: BackendChoice, io: Io): Promise<{ backend: Backend; built: SeededModel } | undefined> {
  let backend: Backend;
  try {
    backend = await selectBackend(choice);
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    io.stderr.write(`nnspec: ${e.message}\n`);
    return undefined;
  }
  const built = seededModel(backend.tf, graph, 0);
  try {
    loadWeightsInto(backend.tf, built.model, resolve(io.cwd, run));
  } catch (e) {
    io.stderr.write(`nnspec: ${join(run, MODEL_FILE)}: the saved weights do not fit the run's spec (${(e as Error).message.split('\n')[0]})\n`);
    return undefined;
  }
  return { backend, built };
}
