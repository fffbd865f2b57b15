/**
 * Classifier outputs and their class ids: which outputs are classifiers (by loss and shape), the
 * class a prediction picks (argmax over the classes; for one unit, above 0.5, or above 0 for
 * logits and hinge outputs), the class a target names (an id, a one-hot row, a 0/1 label), and
 * the confusion matrix over them (rows: true class, columns: predicted, as
 * tf.math.confusion_matrix and scikit-learn lay it out).
 */
import type { HostArray } from '../engine.js';
import type { OutputPlan } from '../objective.js';

const SINGLE_LABEL = new Set(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'categorical_focal_crossentropy', 'categorical_hinge']);
const BINARY = new Set(['binary_crossentropy', 'binary_focal_crossentropy', 'hinge', 'squared_hinge']);

/** The output's class count when it is a classifier (one class per sample), else undefined. */
export function classCount(o: OutputPlan): number | undefined {
  const c = o.shape.length === 1 ? o.shape[0] : undefined;
  if (typeof c !== 'number') return undefined;
  if (c === 1) return BINARY.has(o.loss) ? 2 : undefined;
  // Several sigmoid units are several yes/no labels, not one class.
  return SINGLE_LABEL.has(o.loss) ? c : undefined;
}

/** Where a single unit's prediction turns positive: 0.5 for a probability, 0 for a logit or a hinge margin. */
export function decisionThreshold(o: OutputPlan): number {
  return o.lossArgs?.from_logits || o.loss === 'hinge' || o.loss === 'squared_hinge' ? 0 : 0.5;
}

/** The predicted class of each row of `values` (rows × units). */
export function predictedClasses(o: OutputPlan, values: ArrayLike<number>, rows: number): Int32Array {
  const units = values.length / Math.max(rows, 1);
  const out = new Int32Array(rows);
  const threshold = decisionThreshold(o);
  for (let r = 0; r < rows; r++) {
    if (units === 1) {
      out[r] = values[r]! > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let c = 1; c < units; c++) if (values[r * units + c]! > values[r * units + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** The true class of each sample of a target: ids as given, argmax of one-hot rows, a 0/1 (or −1/1) label above its threshold. */
export function trueClasses(o: OutputPlan, target: HostArray): Int32Array {
  const rows = target.shape[0]!;
  if (o.loss === 'sparse_categorical_crossentropy') return Int32Array.from({ length: rows }, (_, r) => Number(target.values[r]));
  const units = target.values.length / Math.max(rows, 1);
  if (units > 1) return predictedClasses(o, target.values, rows);
  // Labels are 0/1 (hinge also −1/1): positive above the middle.
  return Int32Array.from({ length: rows }, (_, r) => (target.values[r]! > (o.loss === 'hinge' || o.loss === 'squared_hinge' ? 0 : 0.5) ? 1 : 0));
}

/** Counts of (true class, predicted class) pairs. */
export class ConfusionMatrix {
  readonly counts: number[][];
  constructor(readonly classes: number) {
    this.counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  }

  static of(counts: number[][]): ConfusionMatrix {
    const m = new ConfusionMatrix(counts.length);
    counts.forEach((row, t) => m.counts[t]!.splice(0, row.length, ...row));
    return m;
  }

  add(truth: ArrayLike<number>, predicted: ArrayLike<number>): void {
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i]!;
      // A label outside the classes (an ignore_class id, say) has no row.
      if (t >= 0 && t < this.classes) this.counts[t]![predicted[i]!]! += 1;
    }
  }

  /** Rows as text: a header of predicted classes, one row per true class, right-aligned. */
  render(indent = '  '): string[] {
    const width = Math.max(4, ...this.counts.flat().map((n) => String(n).length), String(this.classes - 1).length) + 1;
    const pad = (s: string | number) => String(s).padStart(width);
    const lines = [`${indent}${' '.repeat(width)}${this.counts.map((_, c) => pad(c)).join('')}`];
    this.counts.forEach((row, t) => lines.push(`${indent}${pad(t)}${row.map(pad).join('')}`));
    return lines;
  }
}
