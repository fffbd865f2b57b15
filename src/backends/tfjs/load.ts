/**
 * Loads TensorFlow.js on demand (validate and summary never get here) and keeps its banner
 * ("install the node backend ...") and other start-up chatter off nnspec's stdout.
 */
import type { Tf } from './env.js';
import { registerOrthogonal } from './orthogonal.js';

/** Runs fn with console.log/warn/info silenced (tfjs prints its banner and notices there). */
export async function quietly<T>(fn: () => Promise<T> | T): Promise<T> {
  const saved = { log: console.log, warn: console.warn, info: console.info };
  console.log = console.warn = console.info = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

let loaded: Tf | undefined;

/** The tfjs module with the cpu backend ready; other backends are selected by the training code. */
export async function loadTf(backend: 'cpu' = 'cpu'): Promise<Tf> {
  if (!loaded) loaded = await quietly(async () => (await import('@tensorflow/tfjs')) as unknown as Tf);
  const tf = loaded;
  await quietly(async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    await tf.ready();
  });
  registerOrthogonal(tf);
  return tf;
}
