/**
 * Where the engine is chosen: the one module that knows which engines exist. An engine is a
 * folder under backends/ that exports an EngineRuntime (train/engine.ts); adding one is that
 * folder plus a branch here. train, evaluate and predict reach engines only through this.
 */
import type { BackendChoice } from '../backends/tfjs/backend.js';
import { tfjsRuntime } from '../backends/tfjs/engine.js';
import { EngineError, type EngineRuntime } from '../train/engine.js';
import { reportProblem, type Io } from './io.js';

/** `--backend`: which runtime; every choice today is a TensorFlow.js backend. */
export type EngineChoice = BackendChoice;

/** The ready runtime, or undefined after printing why the choice cannot run here (exit 1). */
export async function startEngine(choice: EngineChoice, io: Io): Promise<EngineRuntime | undefined> {
  try {
    return await tfjsRuntime(choice);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    reportProblem(io, 'NN904', null, e.message);
    return undefined;
  }
}
