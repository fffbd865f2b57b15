/**
 * Losses and metrics by Keras name against Keras 3's formulas computed here row by row (epsilon
 * 1e-7, probabilities renormalized and clipped, 0/1 hinge labels turned into -1/1), and Keras's
 * choice of accuracy by loss and output shape.
 */
import { describe, expect, it } from 'vitest';
import { lossFunction } from '../../src/backends/tfjs/losses.js';
import { metricFunction } from '../../src/backends/tfjs/metrics.js';
import { accuracyKind, metricPlan, type CanonicalLoss } from '../../src/train/objective.js';
import { cpuTf } from './helpers.js';

const EPS = 1e-7;
const Y = [[0, 1, 0], [1, 0, 0]];
const P = [[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]];
const R = [[1.5, -2, 0.25], [0, 3, -1]];
const Q = [[1, -1.5, 0.5], [0.5, 2, 0]];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = (f: (y: number[], p: number[]) => number, y = Y, p = P) => y.map((r, i) => f(r, p[i]!));
const clip = (v: number, lo = EPS, hi = 1 - EPS) => Math.min(hi, Math.max(lo, v));

const CASES: [CanonicalLoss, number[][], number[][], number[]][] = [
  ['mean_squared_error', R, Q, rows((y, p) => mean(y.map((v, j) => (p[j]! - v) ** 2)), R, Q)],
  ['mean_absolute_error', R, Q, rows((y, p) => mean(y.map((v, j) => Math.abs(p[j]! - v))), R, Q)],
  ['mean_absolute_percentage_error', R, Q, rows((y, p) => 100 * mean(y.map((v, j) => Math.abs((v - p[j]!) / Math.max(Math.abs(v), EPS)))), R, Q)],
  ['mean_squared_logarithmic_error', P, Y, rows((y, p) => mean(y.map((v, j) => (Math.log1p(Math.max(p[j]!, EPS)) - Math.log1p(Math.max(v, EPS))) ** 2)), P, Y)],
  ['huber', R, Q, rows((y, p) => mean(y.map((v, j) => { const e = p[j]! - v; return Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5; })), R, Q)],
  ['log_cosh', R, Q, rows((y, p) => mean(y.map((v, j) => Math.log(Math.cosh(p[j]! - v)))), R, Q)],
  ['kl_divergence', Y, P, rows((y, p) => y.reduce((a, v, j) => a + clip(v, EPS, 1) * Math.log(clip(v, EPS, 1) / clip(p[j]!, EPS, 1)), 0))],
  ['poisson', Y, P, rows((y, p) => mean(y.map((v, j) => p[j]! - v * Math.log(p[j]! + EPS))))],
  ['hinge', Y, Q, rows((y, p) => mean(y.map((v, j) => Math.max(1 - (2 * v - 1) * p[j]!, 0))), Y, Q)],
  ['squared_hinge', Y, Q, rows((y, p) => mean(y.map((v, j) => Math.max(1 - (2 * v - 1) * p[j]!, 0) ** 2)), Y, Q)],
  ['categorical_hinge', Y, Q, rows((y, p) => Math.max(Math.max(...y.map((v, j) => (1 - v) * p[j]!)) - y.reduce((a, v, j) => a + v * p[j]!, 0) + 1, 0), Y, Q)],
  ['cosine_similarity', R, Q, rows((y, p) => { const n = (x: number[]) => Math.sqrt(x.reduce((a, v) => a + v * v, 0)); return -y.reduce((a, v, j) => a + v * p[j]!, 0) / (n(y) * n(p)); }, R, Q)],
  ['categorical_crossentropy', Y, P, rows((y, p) => { const s = p.reduce((a, b) => a + b, 0); return -y.reduce((a, v, j) => a + v * Math.log(clip(p[j]! / s)), 0); })],
  ['binary_crossentropy', Y, P, rows((y, p) => mean(y.map((v, j) => -(v * Math.log(clip(p[j]!)) + (1 - v) * Math.log(1 - clip(p[j]!))))))],
];

describe('losses', () => {
  it.each(CASES)('%s', async (name, y, p, expected) => {
    const tf = await cpuTf();
    const values = lossFunction(tf, name)(tf.tensor2d(y), tf.tensor2d(p));
    expect(values.shape).toEqual([2]);
    // Relative: MAPE divides by epsilon where a label is 0, so its values are large.
    [...values.dataSync()].forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[i]!))));
  });

  it('sparse_categorical_crossentropy takes class ids, as (batch,) or (batch, 1)', async () => {
    const tf = await cpuTf();
    const expected = [-Math.log(0.7), -Math.log(0.5)];
    for (const ids of [tf.tensor1d([1, 0], 'int32'), tf.tensor2d([[1], [0]], [2, 1], 'int32')]) {
      [...lossFunction(tf, 'sparse_categorical_crossentropy')(ids, tf.tensor2d(P)).dataSync()].forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });
});

describe('metrics', () => {
  it('accuracies, precision and recall give numerator and denominator over a batch', async () => {
    const tf = await cpuTf();
    const ratio = async (kind: Parameters<typeof metricPlan>[0], y: ReturnType<typeof tf.tensor>, p: ReturnType<typeof tf.tensor>) => {
      const [num, den] = metricFunction(tf, metricPlan(kind, undefined, p.shape.slice(1)))(y, p);
      return [num.dataSync()[0], den.dataSync()[0]];
    };
    expect(await ratio('categorical_accuracy', tf.tensor2d(Y), tf.tensor2d(P))).toEqual([2, 2]);
    expect(await ratio('sparse_categorical_accuracy', tf.tensor1d([2, 0], 'int32'), tf.tensor2d(P))).toEqual([1, 2]);
    // binary: 0.7 > 0.5 counts as 1, 0.5 does not.
    expect(await ratio('binary_accuracy', tf.tensor2d([[1], [1], [0]]), tf.tensor2d([[0.7], [0.5], [0.2]]))).toEqual([2, 3]);
    expect(await ratio('precision', tf.tensor2d([[1], [0], [1], [0]]), tf.tensor2d([[0.9], [0.8], [0.1], [0.2]]))).toEqual([1, 2]);
    expect(await ratio('recall', tf.tensor2d([[1], [0], [1], [1]]), tf.tensor2d([[0.9], [0.8], [0.1], [0.7]]))).toEqual([2, 3]);
  });

  it("chooses Keras's accuracy by loss, then by the output's last dimension", () => {
    expect(accuracyKind('sparse_categorical_crossentropy', [10])).toBe('sparse_categorical_accuracy');
    expect(accuracyKind('binary_crossentropy', [3])).toBe('binary_accuracy');
    expect(accuracyKind('mean_squared_error', [1])).toBe('binary_accuracy');
    expect(accuracyKind('categorical_crossentropy', [10])).toBe('categorical_accuracy');
  });
});
