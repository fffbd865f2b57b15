/**
 * Backend selection for training: `auto` tries the native tfjs-node (an optional dependency that
 * cannot install everywhere), then WebAssembly with SIMD, then the pure-JS cpu backend. A backend
 * counts only once one real op has run on it. tfjs's start-up chatter is kept off the console.
 */
import { EngineError } from '../../train/engine.js';
import type { Tf } from './env.js';
import { registerGapKernels } from './kernels/index.js';
import { loadTf, quietly } from './load.js';
import { importNative } from './native.js';
import { registerNnspecLayers } from './register.js';

export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';
export type BackendName = 'node' | 'wasm' | 'cpu';

export interface Backend {
  tf: Tf;
  name: BackendName;
  /** For the one line saying which backend runs, and run.json. */
  detail: string;
}

/** The user asked for a backend that cannot run here (exit 1, with the reason). */
export class BackendError extends EngineError {}

const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/** Runs 1 + 2 on the backend; a backend that cannot compute this is not usable. */
function prove(tf: Tf): boolean {
  return tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0] === 3);
}

async function activate(tf: Tf, name: BackendName): Promise<void> {
  const ok = await quietly(async () => {
    if (!(await tf.setBackend(TFJS_NAME[name]))) return false;
    await tf.ready();
    return prove(tf);
  });
  if (!ok) throw new BackendError(`the ${name} backend did not initialize`);
}

async function tryNode(tf: Tf): Promise<Backend> {
  try {
    // tfjs-node registers the 'tensorflow' backend with the same tfjs-core engine.
    await quietly(() => importNative());
  } catch (e) {
    throw new BackendError(firstLine(e));
  }
  await activate(tf, 'node');
  return { tf, name: 'node', detail: 'node (native TensorFlow)' };
}

async function tryWasm(tf: Tf): Promise<Backend> {
  try {
    await quietly(() => import('@tensorflow/tfjs-backend-wasm'));
  } catch (e) {
    throw new BackendError(`@tensorflow/tfjs-backend-wasm does not load (${firstLine(e)})`);
  }
  await activate(tf, 'wasm');
  // After the backend's import: importing it registers its own kernels over ours.
  registerGapKernels(tf, 'wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { tf, name: 'wasm', detail: `wasm (${simd ? 'SIMD' : 'no SIMD'})` };
}

async function tryCpu(tf: Tf): Promise<Backend> {
  await activate(tf, 'cpu');
  registerGapKernels(tf, 'cpu');
  return { tf, name: 'cpu', detail: 'cpu (pure JavaScript)' };
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0]!;
}

/** The backend to train on; `auto` falls through node → wasm → cpu, naming why each was skipped. */
export async function selectBackend(choice: BackendChoice): Promise<Backend & { skipped: string[] }> {
  const tf = await quietly(() => loadTf('cpu'));
  registerNnspecLayers(tf);
  if (choice === 'node') return { ...(await tryNode(tf)), skipped: [] };
  if (choice === 'wasm') return { ...(await tryWasm(tf)), skipped: [] };
  if (choice === 'cpu') return { ...(await tryCpu(tf)), skipped: [] };
  const skipped: string[] = [];
  for (const attempt of [tryNode, tryWasm]) {
    try {
      return { ...(await attempt(tf)), skipped };
    } catch (e) {
      skipped.push(firstLine(e));
    }
  }
  return { ...(await tryCpu(tf)), skipped };
}
