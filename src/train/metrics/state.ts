/**
 * Metrics as Keras keeps them: each batch adds to a metric's state (sums and counts, confusion
 * counts at thresholds, per-class counts), and the metric's value is computed from the state
 * summed over the epoch, so an epoch's metric is the metric over all its samples (AUC from
 * confusion counts, not a mean of batch AUCs). Engines compute a batch's state in their own ops,
 * in the layout below; the host sums states and computes the result here, in float64, so both
 * engines report through the same arithmetic.
 *
 * Layouts (C = the output's last dimension, T = num_thresholds):
 *   mean metrics (accuracies, top-k, errors, crossentropies): [sum, count]
 *   precision: [tp, tp + fp]; recall: [tp, tp + fn]; true_positives and the other counts: [count]
 *   auc: [tp × T, fp × T, tn × T, fn × T] at thresholds aucThresholds(T)
 *   precision_at_recall and the other constrained metrics: the same at constraintThresholds(T)
 *   f1_score, fbeta_score: [tp × C, fp × C, fn × C, support × C]
 *   r2_score: [Σy × C, Σy² × C, Σ(y − ŷ)² × C, count]
 */
import type { MetricPlan } from '../objective.js';

const EPSILON = 1e-7;

function lastDim(shape: readonly (number | null)[]): number {
  return shape.length === 0 ? 1 : (shape[shape.length - 1] ?? 1);
}

/** Keras's AUC thresholds: evenly spaced in (0, 1), with −ε and 1 + ε at the ends. */
export function aucThresholds(n: number): number[] {
  const inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
  return [-EPSILON, ...inner, 1 + EPSILON];
}

/** Keras's thresholds of precision_at_recall and its kin (SensitivitySpecificityBase): 0, evenly spaced, 1. */
export function constraintThresholds(n: number): number[] {
  if (n === 1) return [0.5];
  return [0, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1];
}

/** The thresholds a metric counts confusion at, for the metrics that keep counts per threshold. */
export function metricThresholds(m: MetricPlan): number[] | undefined {
  if (m.kind === 'auc') return aucThresholds(m.args.num_thresholds!);
  if (m.kind in CONSTRAINED) return constraintThresholds(m.args.num_thresholds!);
  return undefined;
}

/** The constrained metrics: which rate is kept at its value, which is maximised (Keras's _find_max_under_constraint). */
const CONSTRAINED: Partial<Record<MetricPlan['kind'], { at: 'recall' | 'precision' | 'specificity' | 'sensitivity'; best: 'recall' | 'precision' | 'specificity' | 'sensitivity' }>> = {
  precision_at_recall: { at: 'recall', best: 'precision' },
  recall_at_precision: { at: 'precision', best: 'recall' },
  sensitivity_at_specificity: { at: 'specificity', best: 'sensitivity' },
  specificity_at_sensitivity: { at: 'sensitivity', best: 'specificity' },
};

/** How many numbers a metric's batch state holds. */
export function metricStateSize(m: MetricPlan, shape: readonly (number | null)[]): number {
  const thresholds = metricThresholds(m);
  if (thresholds) return 4 * thresholds.length;
  switch (m.kind) {
    case 'true_positives':
    case 'false_positives':
    case 'true_negatives':
    case 'false_negatives':
      return 1;
    case 'f1_score':
    case 'fbeta_score':
      return 4 * lastDim(shape);
    case 'r2_score':
      return 3 * lastDim(shape) + 1;
    default:
      return 2;
  }
}

/** Key suffixes: one value, or one per class (column) where Keras returns a vector: f1/fbeta without `average`, r2 without `class_aggregation`. */
export function metricKeySuffixes(m: MetricPlan, shape: readonly (number | null)[]): string[] {
  const perClass = ((m.kind === 'f1_score' || m.kind === 'fbeta_score') && m.args.average === null) || (m.kind === 'r2_score' && m.args.class_aggregation === null);
  if (perClass) return Array.from({ length: lastDim(shape) }, (_, c) => `_${c}`);
  return [''];
}

const noNan = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The metric's value(s) from its summed state. */
export function metricResult(m: MetricPlan, s: ArrayLike<number>): number[] {
  const constrained = CONSTRAINED[m.kind];
  if (constrained) return [maxUnderConstraint(s, constrained.at, constrained.best, m.args[constrained.at]!)];
  switch (m.kind) {
    case 'true_positives':
    case 'false_positives':
    case 'true_negatives':
    case 'false_negatives':
      return [s[0]!];
    case 'auc':
      return [auc(m, s)];
    case 'f1_score':
    case 'fbeta_score':
      return fbeta(m, s);
    case 'r2_score':
      return r2(m, s);
    case 'root_mean_squared_error':
      return [Math.sqrt(noNan(s[0]!, s[1]!))];
    default:
      return [noNan(s[0]!, s[1]!)];
  }
}

function auc(m: MetricPlan, s: ArrayLike<number>): number {
  const n = m.args.num_thresholds!;
  const at = (k: number) => Array.from({ length: n }, (_, i) => s[k * n + i]!);
  const [tp, fp, tn, fn] = [at(0), at(1), at(2), at(3)];
  if (m.args.curve === 'PR' && m.args.summation_method === 'interpolation') return interpolatePrAuc(tp, fp, fn);
  const recall = tp.map((t, i) => noNan(t, t + fn[i]!));
  let x: number[];
  let y: number[];
  if (m.args.curve === 'PR') {
    x = recall;
    y = tp.map((t, i) => noNan(t, t + fp[i]!));
  } else {
    x = fp.map((f, i) => noNan(f, f + tn[i]!));
    y = recall;
  }
  let sum = 0;
  for (let i = 0; i < n - 1; i++) {
    const h = m.args.summation_method === 'minoring' ? Math.min(y[i]!, y[i + 1]!) : m.args.summation_method === 'majoring' ? Math.max(y[i]!, y[i + 1]!) : (y[i]! + y[i + 1]!) / 2;
    sum += (x[i]! - x[i + 1]!) * h;
  }
  return sum;
}

/** The best `best` rate among thresholds where the `at` rate is at least `value` (0 when none is). */
function maxUnderConstraint(s: ArrayLike<number>, at: string, best: string, value: number): number {
  const n = s.length / 4;
  let out = 0;
  let found = false;
  for (let i = 0; i < n; i++) {
    const [tp, fp, tn, fn] = [s[i]!, s[n + i]!, s[2 * n + i]!, s[3 * n + i]!];
    const rates: Record<string, number> = { recall: noNan(tp, tp + fn), sensitivity: noNan(tp, tp + fn), precision: noNan(tp, tp + fp), specificity: noNan(tn, tn + fp) };
    if (rates[at]! >= value) {
      out = found ? Math.max(out, rates[best]!) : Math.max(0, rates[best]!);
      found = true;
    }
  }
  return out;
}

/** Davis & Goadrich's interpolation of precision between thresholds, as Keras's AUC(curve='PR'). */
function interpolatePrAuc(tp: number[], fp: number[], fn: number[]): number {
  let sum = 0;
  for (let i = 0; i < tp.length - 1; i++) {
    const dtp = tp[i]! - tp[i + 1]!;
    const pA = tp[i]! + fp[i]!;
    const pB = tp[i + 1]! + fp[i + 1]!;
    const slope = noNan(dtp, Math.max(pA - pB, 0));
    const intercept = tp[i + 1]! - slope * pB;
    const ratio = pA > 0 && pB > 0 ? noNan(pA, Math.max(pB, 0)) : 1;
    sum += noNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1]! + fn[i + 1]!, 0));
  }
  return sum;
}

function fbeta(m: MetricPlan, s: ArrayLike<number>): number[] {
  const c = s.length / 4;
  let tp = Array.from({ length: c }, (_, i) => s[i]!);
  let fp = Array.from({ length: c }, (_, i) => s[c + i]!);
  let fn = Array.from({ length: c }, (_, i) => s[2 * c + i]!);
  const support = Array.from({ length: c }, (_, i) => s[3 * c + i]!);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (m.args.average === 'micro') [tp, fp, fn] = [[sum(tp)], [sum(fp)], [sum(fn)]];
  const beta2 = (m.kind === 'fbeta_score' ? m.args.beta! : 1) ** 2;
  const scores = tp.map((t, i) => {
    const precision = t / (t + fp[i]! + EPSILON);
    const recall = t / (t + fn[i]! + EPSILON);
    return ((precision * recall) / (beta2 * precision + recall + EPSILON)) * (1 + beta2);
  });
  if (m.args.average === 'weighted') {
    const total = sum(support);
    return [sum(scores.map((f, i) => (f * support[i]!) / (total + EPSILON)))];
  }
  if (m.args.average === 'micro' || m.args.average === 'macro') return [sum(scores) / scores.length];
  return scores;
}

function r2(m: MetricPlan, s: ArrayLike<number>): number[] {
  const d = (s.length - 1) / 3;
  const count = s[3 * d]!;
  const raw: number[] = [];
  const totals: number[] = [];
  for (let j = 0; j < d; j++) {
    const sum = s[j]!;
    const total = s[d + j]! - sum * (sum / count);
    let score = 1 - s[2 * d + j]! / total;
    if (!Number.isFinite(score) && !Number.isNaN(score)) score = 0;
    raw.push(score);
    totals.push(total);
  }
  let r: number[];
  if (m.args.class_aggregation === 'variance_weighted_average') {
    r = [raw.reduce((a, v, j) => a + v * totals[j]!, 0) / totals.reduce((a, b) => a + b, 0)];
  } else if (m.args.class_aggregation === null) r = raw;
  else r = [raw.reduce((a, b) => a + b, 0) / d];
  const p = m.args.num_regressors ?? 0;
  // Keras's adjusted R²: 1 − (1 − r²)(n − 1)/(n − p − 1); with too few samples Keras warns and keeps r².
  if (p !== 0 && count - p - 1 > 0) r = r.map((v) => 1 - ((1 - v) * (count - 1)) / (count - p - 1));
  return r;
}

/** The stats vector's length: [total, each output's loss, each metric's state]. */
export function statsSize(outputs: readonly { shape: (number | null)[]; metrics: MetricPlan[] }[]): number {
  return 1 + outputs.length + outputs.reduce((n, o) => n + o.metrics.reduce((k, m) => k + metricStateSize(m, o.shape), 0), 0);
}

/** Every metric's value(s) in metricKeys order, from summed stats (metric states start at `from`). */
export function metricValues(outputs: readonly { shape: (number | null)[]; metrics: MetricPlan[] }[], sums: ArrayLike<number>, from: number): number[] {
  const values: number[] = [];
  let at = from;
  for (const o of outputs) {
    for (const m of o.metrics) {
      const size = metricStateSize(m, o.shape);
      values.push(...metricResult(m, Array.prototype.slice.call(sums, at, at + size) as number[]));
      at += size;
    }
  }
  return values;
}
