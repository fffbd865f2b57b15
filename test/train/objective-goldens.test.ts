/**
 * Losses (with Keras's arguments, sample weights and ignore_class) and metrics (with their
 * arguments, accumulated over uneven batches) on both engines against NumPy float64 goldens made
 * from Keras 3's definitions by scripts/loss-metric-goldens.py (test/fixtures/objective/goldens.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { emitObjective, SAMPLE_WEIGHT } from '../../src/backends/onnx/objective.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { lossFunction, lossMask, reduceLoss } from '../../src/backends/tfjs/losses.js';
import { metricFunction } from '../../src/backends/tfjs/metrics.js';
import { metricResult, metricStateSize } from '../../src/train/metrics/state.js';
import { lossArgsOf, lossOf, metricPlan, type MetricPlan, type OutputPlan } from '../../src/train/objective.js';
import type { LossEntry, MetricEntry } from '../../src/spec/types.js';
import { LOSS_ALIASES } from '../../src/spec/vocabulary.js';
import { ROOT } from '../helpers.js';
import { cpuTf } from './helpers.js';

interface Arrays {
  y: number[];
  yShape: number[];
  yDtype: 'float32' | 'int32';
  p: number[];
  pShape: number[];
}
type LossCase = Arrays & { entry: LossEntry; weights?: number[]; expected: number };
type MetricCase = Arrays & { entry: MetricEntry; split: number[]; expected: number[] };

const GOLDENS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/objective/goldens.json'), 'utf8')) as { losses: LossCase[]; metrics: MetricCase[] };
const label = (e: unknown) => (typeof e === 'string' ? e : JSON.stringify(e));
const lossCases = GOLDENS.losses.map((c) => [label(c.entry), c] as const);
const metricCases = GOLDENS.metrics.map((c) => [label(c.entry), c] as const);

function expectClose(actual: number, expected: number, what: string): void {
  const tol = 2e-5 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected) <= tol ? 'close' : `${what}: ${actual}, expected ${expected}`).toBe('close');
}

function planOf(c: LossCase): OutputPlan {
  const name = typeof c.entry === 'string' ? c.entry : c.entry.type;
  return { name: 'out', shape: c.pShape.slice(1), loss: LOSS_ALIASES[name], lossArgs: lossArgsOf(c.entry), weight: 1, metrics: [], weighted: c.weights !== undefined };
}

/** A metric case's rows [from, to) of y and p. */
function rows(c: Arrays, from: number, to: number) {
  const yRow = c.yShape.slice(1).reduce((a, b) => a * b, 1);
  const pRow = c.pShape.slice(1).reduce((a, b) => a * b, 1);
  return { y: c.y.slice(from * yRow, to * yRow), yShape: [to - from, ...c.yShape.slice(1)], p: c.p.slice(from * pRow, to * pRow), pShape: [to - from, ...c.pShape.slice(1)] };
}

async function onnxStats(outputs: OutputPlan[], c: Arrays & { yDtype: 'float32' | 'int32' }, weights?: number[]): Promise<number[]> {
  const ort = loadOrt();
  const g = new OnnxGraph('objective');
  const pred = g.input('p', c.pShape);
  const target = g.input('y', c.yShape, c.yDtype);
  const obj = emitObjective(g, outputs, [pred], [target], { weights: [], activity: [] });
  g.output(obj.stats, 'stats');
  const session = await createSession(g.toBytes(), { threads: 1 });
  const feeds: Record<string, unknown> = {
    p: new ort.Tensor('float32', Float32Array.from(c.p), c.pShape),
    y: c.yDtype === 'int32' ? new ort.Tensor('int32', Int32Array.from(c.y), c.yShape) : new ort.Tensor('float32', Float32Array.from(c.y), c.yShape),
  };
  if (weights) feeds[SAMPLE_WEIGHT('out')] = new ort.Tensor('float32', Float32Array.from(weights), [weights.length]);
  const out = await session.run(feeds as never);
  await session.release();
  return Array.from(out.stats!.data as Float32Array);
}

let tf: typeof tfTypes;
beforeAll(async () => {
  tf = await cpuTf();
});

const tensors = (c: Arrays) => ({ y: tf.tensor(c.y, c.yShape, c.yDtype), p: tf.tensor(c.p, c.pShape) });

describe('losses with Keras arguments and sample weights = NumPy goldens', () => {
  it.each(lossCases)('tfjs: %s', (_, c) => {
    const plan = planOf(c);
    const { y, p } = tensors(c);
    const w = c.weights ? tf.tensor1d(c.weights) : undefined;
    const value = reduceLoss(tf, lossFunction(tf, plan.loss, plan.lossArgs)(y, p), w, lossMask(tf, plan.loss, plan.lossArgs, y, p)).dataSync()[0]!;
    expectClose(value, c.expected, 'tfjs');
  });

  it.each(lossCases)('onnx: %s', async (_, c) => {
    const stats = await onnxStats([planOf(c)], c, c.weights);
    expectClose(stats[0]!, c.expected, 'onnx total');
    expectClose(stats[1]!, c.expected, 'onnx loss');
  });
});

/** The metric over all rows, from states summed over the case's uneven batches. */
async function accumulate(m: MetricPlan, c: MetricCase, state: (part: ReturnType<typeof rows>) => Promise<number[]>): Promise<number[]> {
  const size = metricStateSize(m, c.pShape.slice(1));
  const sums = new Float64Array(size);
  let from = 0;
  for (const n of c.split) {
    const s = await state(rows(c, from, from + n));
    expect(s.length).toBe(size);
    s.forEach((v, i) => (sums[i] += v));
    from += n;
  }
  return metricResult(m, sums);
}

describe('metrics with Keras arguments, over uneven batches = NumPy goldens', () => {
  const planFor = (c: MetricCase) => metricPlan(c.entry, undefined, c.pShape.slice(1));

  it.each(metricCases)('tfjs: %s', async (_, c) => {
    const m = planFor(c);
    const values = await accumulate(m, c, async (part) => {
      const { y, p } = tensors({ ...part, yDtype: c.yDtype });
      return metricFunction(tf, m)(y, p).flatMap((t) => [...t.reshape([-1]).dataSync()]);
    });
    expect(values.length).toBe(c.expected.length);
    values.forEach((v, i) => expectClose(v, c.expected[i]!, `tfjs ${i}`));
  });

  it.each(metricCases)('onnx: %s', async (_, c) => {
    const m = planFor(c);
    const plan: OutputPlan = { name: 'out', shape: c.pShape.slice(1), loss: 'mean_squared_error', lossArgs: lossArgsOf('mse'), weight: 1, metrics: [m] };
    // The sparse metrics take int32 ids: the objective gives them as the loss would.
    if (c.yDtype === 'int32') Object.assign(plan, { loss: 'sparse_categorical_crossentropy', lossArgs: lossArgsOf('sparse_categorical_crossentropy') });
    const values = await accumulate(m, c, async (part) => (await onnxStats([plan], { ...part, yDtype: c.yDtype })).slice(2));
    values.forEach((v, i) => expectClose(v, c.expected[i]!, `onnx ${i}`));
  });
});

it('the loss of an entry is its canonical name with its arguments over Keras defaults', () => {
  expect(lossArgsOf({ type: 'binary_crossentropy', from_logits: true } as LossEntry)).toMatchObject({ from_logits: true, label_smoothing: 0 });
  expect(lossOf({ outputs: ['o'], training: { loss: { type: 'binary_focal_crossentropy', gamma: 1 } } } as never, 0)).toBe('binary_focal_crossentropy');
});
