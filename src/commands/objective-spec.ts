/** The first step of train, evaluate and predict: the compiled spec and what it trains for. */
import type { OutputPlan } from '../train/objective.js';
import { resolveObjective } from '../train/objective.js';
import { reporterOf, type Io } from './io.js';
import { loadSpec, specDiagnostic, type LoadedSpec } from './spec-file.js';

export interface SpecWithObjective extends LoadedSpec {
  outputs: OutputPlan[];
}

/** The spec and its objective, or undefined after printing why it cannot be trained (exit 1). */
export function loadObjective(file: string, io: Io): SpecWithObjective | undefined {
  const spec = loadSpec(file, io);
  if (!spec) return undefined;
  const objective = resolveObjective(spec.graph);
  if ('error' in objective) {
    reporterOf(io).report(specDiagnostic(spec.graph, file, 'NN906', objective.error, spec.graph.training ? '/training' : '/outputs'));
    return undefined;
  }
  return { ...spec, outputs: objective.outputs };
}
