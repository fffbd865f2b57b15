#!/usr/bin/env node
/**
 * Where a tfjs training step spends its time, kernel by kernel: one model of bench/train-models.mjs
 * (the seed specs and the conv benchmark model written with the tfjs layers API), nnspec's gap kernels
 * registered from the source tree (bundled on the fly, so no build is needed), a few training steps
 * (model.trainOnBatch) under tf.profile after one warm-up step, kernels timed in process CPU time.
 * Kernels our gap kernels call are counted in the gap kernel that called them.
 *
 *   node bench/train-profile.mjs [--model social_posts|conv|question_answering|...] [--backend wasm]
 *        [--batch 64] [--length 500] [--steps 3] [--top 25] [--rev GIT_REVISION (the gap kernels as they were)]
 */
import { loadGapKernels } from './gap-kernels.mjs';
import { handModel } from './train-models.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const name = arg('--model', 'social_posts');
const backendName = arg('--backend', 'wasm');
const batch = Number(arg('--batch', name === 'question_answering' ? 128 : 64));
const length = Number(arg('--length', name === 'social_posts' ? 500 : 100));
const steps = Number(arg('--steps', 3));
const top = Number(arg('--top', 25));

/** Random inputs and targets of the model's shapes (token ids below each Embedding's vocabulary). */
function randomBatch(tf, model) {
  const vocab = model.layers.filter((l) => l.getClassName() === 'Embedding').map((l) => l.getConfig().inputDim);
  const xs = model.inputs.map((input, i) => {
    const shape = input.shape.map((d) => (d === null ? length : d));
    shape[0] = batch;
    return input.dtype === 'int32' ? tf.randomUniform(shape, 0, vocab[i] ?? 2, 'int32') : tf.randomNormal(shape);
  });
  const ys = model.outputs.map((o) => {
    const units = o.shape[o.shape.length - 1];
    return units > 1 ? tf.oneHot(tf.randomUniform([batch], 0, units, 'int32'), units).toFloat() : tf.randomUniform([batch, 1], 0, 1).round();
  });
  return { xs, ys };
}

const saved = { log: console.log, warn: console.warn };
console.log = console.warn = () => {};
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(backendName);
await tf.ready();
const { registerGapKernels } = await loadGapKernels(arg('--rev'));
registerGapKernels(tf, backendName);
Object.assign(console, saved);
// Kernel times in process CPU time, not wall time (the machines are shared): the profiler asks the
// backend to time each kernel, and both backends here run kernels synchronously on this thread.
const cpuMs = () => {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1000;
};
tf.backend().time = async (f) => {
  const t0 = cpuMs();
  f();
  return { kernelMs: cpuMs() - t0 };
};

const hand = handModel(tf, name);
hand.model.compile({ optimizer: hand.optimizer, loss: hand.loss, ...(hand.lossWeights ? { lossWeights: hand.lossWeights } : {}) });
const { xs, ys } = randomBatch(tf, hand.model);
const one = (a) => (a.length === 1 ? a[0] : a);
await hand.model.trainOnBatch(one(xs), one(ys));

const byKernel = new Map();
const byShape = new Map();
let stepMs = 0;
for (let i = 0; i < steps; i++) {
  const t0 = cpuMs();
  const info = await tf.profile(() => hand.model.trainOnBatch(one(xs), one(ys)));
  stepMs += cpuMs() - t0;
  for (const k of info.kernels) {
    const add = (map, key) => {
      const e = map.get(key) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs;
      e.calls++;
      map.set(key, e);
    };
    add(byKernel, k.name);
    add(byShape, `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`);
  }
}
const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(`${name} on ${backendName}, batch ${batch}${xs[0].dtype === 'int32' ? `, length ${length}` : ''}: ${(stepMs / steps).toFixed(0)} ms/step (process CPU time) under the profiler, kernels ${(total / steps).toFixed(0)} ms/step, ${steps} steps after one warm-up`);
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, e] of [...map].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`${(e.ms / steps).toFixed(1).padStart(9)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${String(e.calls / steps).padStart(5)} calls  ${key}`);
  }
};
print('per kernel (ms per step, share, calls per step):', byKernel);
print('per kernel and input shapes:', byShape);
