/**
 * Where the engine is chosen: the one module that knows which engines exist. An engine is a
 * folder under backends/ that exports an EngineRuntime (train/engine.ts); adding one is that
 * folder plus a branch here. train, evaluate and predict reach engines only through this.
 *
 * `auto` takes the ONNX engine first, when ONNX Runtime loads here and can run the model (every
 * layer, op and gradient it needs has a rule: checked by building the graph for a batch of the
 * data); otherwise TensorFlow.js (tfjs-node, then wasm, then cpu), saying why onnx was passed over.
 */
import type { BackendChoice } from '../backends/tfjs/backend.js';
import { tfjsRuntime } from '../backends/tfjs/engine.js';
import type { Device } from '../backends/onnx/runtime.js';
import { EngineError, type Batch, type EngineRuntime, type ModelPlan } from '../train/engine.js';
import { reportProblem, type Io } from './io.js';

/** `--backend`: the ONNX engine, or a TensorFlow.js backend. */
export type EngineChoice = BackendChoice | 'onnx';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'onnx', 'node', 'wasm', 'cpu'];

export interface EngineFlags {
  /** --threads (the onnx engine; default every core). */
  threads?: number;
  /** --device (the onnx engine). */
  device?: Device;
}

/** The model the engine will run and one batch of its data, so `auto` can check that onnx runs it. */
export interface EngineProbe {
  plan: ModelPlan;
  batch: Batch;
}

async function onnx(flags: EngineFlags, probe: EngineProbe | undefined): Promise<EngineRuntime> {
  const { onnxRuntime, onnxCannotRun } = await import('../backends/onnx/engine.js');
  const runtime = await onnxRuntime(flags);
  const why = probe ? await onnxCannotRun(probe.plan, probe.batch, flags) : undefined;
  if (why) throw new EngineError(`the onnx engine cannot run this model yet (${why})`);
  return runtime;
}

async function choose(choice: EngineChoice, flags: EngineFlags, probe: EngineProbe | undefined): Promise<EngineRuntime> {
  if (choice === 'onnx') return onnx(flags, probe);
  if (choice === 'auto') {
    let reason: string;
    try {
      return await onnx(flags, probe);
    } catch (e) {
      reason = e instanceof EngineError ? e.message : String((e as Error).message ?? e).split('\n')[0]!;
    }
    if (flags.device === 'cuda') throw new EngineError(`--device cuda needs the onnx engine: ${reason}`);
    const fallback = await tfjsRuntime('auto');
    return { ...fallback, skipped: [`onnx: ${reason}`, ...fallback.skipped] };
  }
  if (flags.device === 'cuda') throw new EngineError(`--device cuda runs on the onnx engine only; use --backend onnx or auto`);
  return tfjsRuntime(choice);
}

/** The ready runtime, or undefined after printing why the choice cannot run here (exit 1). */
export async function startEngine(choice: EngineChoice, io: Io, flags: EngineFlags = {}, probe?: EngineProbe): Promise<EngineRuntime | undefined> {
  try {
    return await choose(choice, flags, probe);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    reportProblem(io, 'NN904', null, e.message);
    return undefined;
  }
}
