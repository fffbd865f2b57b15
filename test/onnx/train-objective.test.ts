/**
 * The ONNX objective against the tfjs engine's losses and metrics (test/train/losses.test.ts checks
 * those against Keras's formulas): every loss and metric on the same targets and predictions, with
 * predictions at exactly 0 and 1 where Keras clips by epsilon; loss weights and penalties in the total.
 */
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { emitObjective, penaltyOf } from '../../src/backends/onnx/objective.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { lossFunction } from '../../src/backends/tfjs/losses.js';
import { metricFunction } from '../../src/backends/tfjs/metrics.js';
import { lossArgsOf, metricPlan, type CanonicalLoss, type CanonicalMetric, type OutputPlan } from '../../src/train/objective.js';
import { rngFor } from '../../src/train/random.js';
import { cpuTf } from '../train/helpers.js';

const B = 6;
const C = 4;

type Data = { y: Float32Array | Int32Array; yShape: number[]; p: Float32Array };

/** Targets and predictions each loss is meant for, with predictions at exactly 0 and 1 in places. */
function data(loss: CanonicalLoss, seed: number): Data {
  const rng = rngFor(seed, loss);
  const p = Float32Array.from({ length: B * C }, () => 0.02 + 0.96 * rng.next());
  p[1] = 0;
  p[C + 2] = 1;
  if (loss === 'sparse_categorical_crossentropy') return { y: Int32Array.from({ length: B }, () => rng.int(C)), yShape: [B, 1], p };
  if (['categorical_crossentropy', 'categorical_hinge', 'kl_divergence'].includes(loss)) {
    const y = new Float32Array(B * C);
    for (let b = 0; b < B; b++) y[b * C + rng.int(C)] = 1;
    return { y, yShape: [B, C], p };
  }
  if (['binary_crossentropy', 'hinge', 'squared_hinge', 'poisson'].includes(loss)) return { y: Float32Array.from({ length: B * C }, () => rng.int(2)), yShape: [B, C], p };
  const q = Float32Array.from({ length: B * C }, () => rng.normal() * 2);
  return { y: Float32Array.from({ length: B * C }, () => rng.normal() * 2), yShape: [B, C], p: q };
}

const LOSSES: CanonicalLoss[] = [
  'mean_squared_error', 'mean_absolute_error', 'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'huber', 'log_cosh',
  'kl_divergence', 'poisson', 'hinge', 'squared_hinge', 'categorical_hinge', 'cosine_similarity', 'categorical_crossentropy',
  'sparse_categorical_crossentropy', 'binary_crossentropy',
];

const METRICS_FOR: Record<string, CanonicalMetric[]> = {
  sparse_categorical_crossentropy: ['sparse_categorical_accuracy', 'sparse_categorical_crossentropy'],
  categorical_crossentropy: ['categorical_accuracy', 'categorical_crossentropy', 'mean_absolute_error'],
  binary_crossentropy: ['binary_accuracy', 'precision', 'recall', 'binary_crossentropy'],
  mean_squared_error: ['mean_absolute_error', 'mean_squared_error', 'mean_absolute_percentage_error'],
};

async function runObjective(outputs: OutputPlan[], ds: Data[], penalties: { l1: number; l2: number; values: Float32Array; shape: number[]; activity: boolean }[] = []) {
  const ort = loadOrt();
  const g = new OnnxGraph('objective');
  const preds = ds.map((d, i) => g.input(`p${i}`, [B, C]));
  const targets = ds.map((d, i) => g.input(`y${i}`, d.yShape, d.y instanceof Int32Array ? 'int32' : 'float32'));
  const pen = penalties.map((p, i) => ({ value: g.input(`w${i}`, p.shape), l1: p.l1, l2: p.l2, activity: p.activity }));
  const obj = emitObjective(g, outputs, preds, targets, { weights: pen.filter((p) => !p.activity), activity: pen.filter((p) => p.activity) });
  g.output(obj.stats, 'stats');
  const session = await createSession(g.toBytes(), { threads: 1 });
  const feeds: Record<string, unknown> = {};
  ds.forEach((d, i) => {
    feeds[`p${i}`] = new ort.Tensor('float32', d.p, [B, C]);
    feeds[`y${i}`] = d.y instanceof Int32Array ? new ort.Tensor('int32', d.y, d.yShape) : new ort.Tensor('float32', d.y, d.yShape);
  });
  penalties.forEach((p, i) => (feeds[`w${i}`] = new ort.Tensor('float32', p.values, p.shape)));
  const out = await session.run(feeds as never);
  await session.release();
  expect(obj.size).toBe(out.stats!.dims[0]);
  return Array.from(out.stats!.data as Float32Array);
}

function expectClose(actual: number, expected: number, what: string): void {
  const tol = 2e-6 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: onnx ${actual} vs tfjs ${expected}`);
}

describe('ONNX objective equals the tfjs engine', () => {
  it.each(LOSSES)('%s with its metrics', async (name) => {
    const tf = await cpuTf();
    const d = data(name, 1);
    const metrics = (METRICS_FOR[name] ?? []).map((kind) => metricPlan(kind, name, [C]));
    const stats = await runObjective([{ name: 'out', shape: [C], loss: name, lossArgs: lossArgsOf(name), weight: 1, metrics }], [d]);
    const y = tf.tensor(d.y, d.yShape, d.y instanceof Int32Array ? 'int32' : 'float32');
    const p = tf.tensor(d.p, [B, C]);
    const expected = tf.mean(lossFunction(tf, name)(y, p)).dataSync()[0]!;
    expect(Number.isFinite(expected)).toBe(true);
    expectClose(stats[0]!, expected, `${name} total`);
    expectClose(stats[1]!, expected, `${name} loss`);
    metrics.forEach((m, k) => {
      const [num, den] = metricFunction(tf, m)(y, p).map((t) => t.dataSync()[0]!);
      expectClose(stats[2 + 2 * k]!, num!, `${m.kind} numerator`);
      expectClose(stats[3 + 2 * k]!, den!, `${m.kind} denominator`);
    });
  });

  it('hinge keeps labels that are not all 0/1 as they are', async () => {
    const tf = await cpuTf();
    const d = data('hinge', 2);
    d.y = (d.y as Float32Array).map((v, i) => (i === 0 ? -1 : v));
    const stats = await runObjective([{ name: 'out', shape: [C], loss: 'hinge', lossArgs: lossArgsOf('hinge'), weight: 1, metrics: [] }], [d]);
    expectClose(stats[1]!, tf.mean(lossFunction(tf, 'hinge')(tf.tensor(d.y, d.yShape), tf.tensor(d.p, [B, C]))).dataSync()[0]!, 'hinge');
  });

  it('weights the outputs and adds weight and activity penalties to the total only', async () => {
    const d1 = data('mean_squared_error', 3);
    const d2 = data('binary_crossentropy', 4);
    const outputs: OutputPlan[] = [
      { name: 'a', shape: [C], loss: 'mean_squared_error', lossArgs: lossArgsOf('mse'), weight: 0.25, metrics: [] },
      { name: 'b', shape: [C], loss: 'binary_crossentropy', lossArgs: lossArgsOf('binary_crossentropy'), weight: 10, metrics: [metricPlan('acc', 'binary_crossentropy', [C])] },
    ];
    const w = Float32Array.of(0.5, -2, 3);
    const act = Float32Array.from({ length: B * 2 }, (_, i) => i - 5);
    const plain = await runObjective(outputs, [d1, d2]);
    const stats = await runObjective(outputs, [d1, d2], [
      { ...penaltyOf('l1_l2')!, values: w, shape: [3], activity: false },
      { ...penaltyOf({ type: 'l2', l2: 0.1 })!, values: act, shape: [B, 2], activity: true },
    ]);
    expectClose(plain[0]!, 0.25 * plain[1]! + 10 * plain[2]!, 'weighted total');
    const weightPenalty = 0.01 * (0.5 + 2 + 3) + 0.01 * (0.25 + 4 + 9);
    const activityPenalty = (0.1 * act.reduce((s, x) => s + x * x, 0)) / B;
    expectClose(stats[0]!, plain[0]! + weightPenalty + activityPenalty, 'total with penalties');
    expect(stats.slice(1)).toEqual(plain.slice(1));
  });
});
