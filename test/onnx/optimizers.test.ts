/**
 * The ONNX optimizers against the tfjs engine's (which test/train/optimizers.test.ts checks against
 * Keras 3's formulas): same weights and gradients in, same weights and slots out, step by step,
 * with the same slot names; and the idle-row decay that lazy table updates rely on.
 */
import { describe, expect, it } from 'vitest';
import { OnnxGraph, type Value } from '../../src/backends/onnx/graph.js';
import { onnxOptimizer } from '../../src/backends/onnx/optimizers.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { makeOptimizer } from '../../src/backends/tfjs/optimizers.js';
import { optimizerConfig, type OptimizerConfig } from '../../src/train/optimizer-config.js';
import { rngFor } from '../../src/train/random.js';
import type { TrainingSpec } from '../../src/spec/types.js';
import { cpuTf } from '../train/helpers.js';

const SHAPE = [3, 5];
const SIZE = 15;
const STEPS = 5;

const CASES: TrainingSpec['optimizer'][] = [
  'sgd',
  { type: 'sgd', learning_rate: 0.1, momentum: 0.9 },
  { type: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true },
  'rmsprop',
  { type: 'rmsprop', learning_rate: 0.01, momentum: 0.5 },
  { type: 'rmsprop', learning_rate: 0.01, centered: true },
  { type: 'rmsprop', learning_rate: 0.01, momentum: 0.5, centered: true },
  'adam',
  { type: 'adam', learning_rate: 0.05, amsgrad: true },
  'adamw',
  { type: 'adamw', learning_rate: 0.05, weight_decay: 0.1, amsgrad: true },
  'adagrad',
  { type: 'adadelta', learning_rate: 1 },
  'adamax',
  { type: 'adam', learning_rate: 0.05, clipnorm: 0.5 },
  { type: 'rmsprop', clipvalue: 0.2 },
  { type: 'sgd', learning_rate: 0.5, clipnorm: 0.3, clipvalue: 0.1 },
];

/** One step as an ONNX model: weight, gradient, slots and scalars in; weight and slots out. */
async function stepSession(config: OptimizerConfig) {
  const opt = onnxOptimizer(config);
  const g = new OnnxGraph('step');
  const w = g.input('w', SHAPE);
  const grad = g.input('grad', SHAPE);
  const slots = opt.slots.map((s) => g.input(`w/${s.name}`, SHAPE));
  const scalars = opt.scalars.map((s) => g.input(s, []));
  const out = opt.emit(g, w, grad, slots, scalars);
  g.output(out.weight, 'w:next');
  out.slots.forEach((s: Value, i) => g.output(s, `w/${opt.slots[i]!.name}:next`));
  const session = await createSession(g.toBytes(), { threads: 1 });
  return { opt, session };
}

function close(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-6 * Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) throw new Error(`${what}[${i}]: onnx ${actual[i]} vs tfjs ${expected[i]}`);
  }
}

describe('ONNX optimizers equal the tfjs engine step by step', () => {
  it.each(CASES.map((c) => [typeof c === 'string' ? c : JSON.stringify(c), c] as const))('%s', async (_name, spec) => {
    const tf = await cpuTf();
    const ort = loadOrt();
    const config = optimizerConfig(spec);
    const rng = rngFor(1, 'optimizer-test');
    const start = Float32Array.from({ length: SIZE }, () => rng.normal());
    const grads = Array.from({ length: STEPS }, (_, s) => Float32Array.from({ length: SIZE }, (_, i) => (i === 3 ? 0 : rng.normal() * (s + 1) * 0.3)));

    const ref = makeOptimizer(tf, config);
    const v = tf.variable(tf.tensor(start, SHAPE));
    const { opt, session } = await stepSession(config);
    let w: Float32Array = start;
    let slots: Float32Array[] = opt.slots.map((s) => new Float32Array(SIZE).fill(s.init));
    for (let t = 1; t <= STEPS; t++) {
      const gt = tf.tensor(grads[t - 1]!, SHAPE);
      // The learning rate changes every step (as a schedule moves it): both engines take it per step.
      const lr = (config.learning_rate as number) / t;
      ref.apply({ [v.name]: gt }, [v], ['w'], lr);
      gt.dispose();
      const feeds: Record<string, unknown> = { w: new ort.Tensor('float32', w, SHAPE), grad: new ort.Tensor('float32', grads[t - 1]!, SHAPE) };
      opt.slots.forEach((s, i) => (feeds[`w/${s.name}`] = new ort.Tensor('float32', slots[i]!, SHAPE)));
      opt.scalarValues(t, lr).forEach((x, i) => (feeds[opt.scalars[i]!] = new ort.Tensor('float32', Float32Array.of(x), [])));
      const out = await session.run(feeds as never);
      w = out['w:next']!.data as Float32Array;
      slots = opt.slots.map((s) => out[`w/${s.name}:next`]!.data as Float32Array);
      close(w, v.dataSync() as Float32Array, `step ${t} weight`);
      const refSlots = ref.slots();
      expect(refSlots.map((s) => s.name)).toEqual(opt.slots.map((s) => `w/${s.name}`));
      refSlots.forEach((s, i) => close(slots[i]!, s.tensor.dataSync() as Float32Array, `step ${t} ${s.name}`));
    }
    v.dispose();
    ref.dispose();
    await session.release();
  });

  it('a zero gradient scales the slots by idleDecay and leaves the weight, where the optimizer says so', async () => {
    const ort = loadOrt();
    for (const spec of ['sgd', 'rmsprop', { type: 'rmsprop', centered: true }, 'adagrad', 'adadelta', 'adam', { type: 'sgd', momentum: 0.9 }] as TrainingSpec['optimizer'][]) {
      const config = optimizerConfig(spec);
      const { opt, session } = await stepSession(config);
      const w = Float32Array.from({ length: SIZE }, (_, i) => i - 7);
      // Valid slot states (centered RMSprop needs velocity ≥ average²).
      const slots = opt.slots.map((_, k) => Float32Array.from({ length: SIZE }, (_, i) => (k === 0 ? 0.1 + i : 0.01 * i)));
      const feeds: Record<string, unknown> = { w: new ort.Tensor('float32', w, SHAPE), grad: new ort.Tensor('float32', new Float32Array(SIZE), SHAPE) };
      opt.slots.forEach((s, i) => (feeds[`w/${s.name}`] = new ort.Tensor('float32', slots[i]!, SHAPE)));
      opt.scalarValues(3, config.learning_rate as number).forEach((x, i) => (feeds[opt.scalars[i]!] = new ort.Tensor('float32', Float32Array.of(x), [])));
      const out = await session.run(feeds as never);
      const moved = (out['w:next']!.data as Float32Array).some((x, i) => x !== w[i]);
      if (!opt.idleDecay) {
        expect(moved, `${config.type} moves idle weights`).toBe(true);
        continue;
      }
      expect(moved, `${config.type} moved an idle weight`).toBe(false);
      opt.slots.forEach((s, k) => close(out[`w/${s.name}:next`]!.data as Float32Array, slots[k]!.map((x) => x * opt.idleDecay![k]!), s.name));
      await session.release();
    }
  });
});
