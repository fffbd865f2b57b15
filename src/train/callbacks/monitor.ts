/**
 * What a callback watches: a key of the epoch's logs, whether lower or higher is better, and
 * Keras's improvement rule (MonitorCallback._is_improvement): `current ∓ min_delta` must beat
 * the reference strictly; no reference yet is always an improvement.
 */
import { metricKeys, type OutputPlan } from '../objective.js';

export type Mode = 'auto' | 'min' | 'max';
export type Direction = 'min' | 'max';

/** Keras metrics whose `_direction` is "up"; every other metric nnspec computes is an error or a loss. */
const HIGHER_IS_BETTER = /accuracy|^precision|^recall|^auc|f1_score|fbeta_score|r2_score|cosine_similarity/;

/** The keys of the epoch logs a run writes: loss, <output>_loss, metrics, and their val_ twins. */
export function loggedKeys(outputs: OutputPlan[], validation: boolean): string[] {
  const keys = metricKeys(outputs);
  return validation ? [...keys, ...keys.map((k) => `val_${k}`)] : keys;
}

/**
 * mode: auto as Keras resolves it: losses are minimised, a metric goes the way its Keras class
 * says; undefined when the key is not one the run logs (Keras raises then).
 */
export function directionOf(monitor: string, mode: Mode, outputs: OutputPlan[]): Direction | undefined {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (name === 'loss' || (outputs.length > 1 && outputs.some((o) => name === `${o.name}_loss`))) return 'min';
  const several = outputs.length > 1;
  let found: { length: number; kind: string } | undefined;
  for (const o of outputs) {
    for (const m of o.metrics) {
      const base = `${several ? `${o.name}_` : ''}${m.name}`;
      if ((name === base || name.startsWith(`${base}_`)) && base.length > (found?.length ?? -1) && metricKeys(outputs).includes(name)) found = { length: base.length, kind: m.kind };
    }
  }
  if (!found) return undefined;
  return HIGHER_IS_BETTER.test(found.kind) ? 'max' : 'min';
}

export class Monitor {
  constructor(
    readonly key: string,
    readonly direction: Direction,
    readonly minDelta = 0,
  ) {}

  /** Keras: monitor_op(current - min_delta, reference), min_delta negated when lower is better. */
  improves(current: number, reference: number | null | undefined): boolean {
    if (reference === null || reference === undefined) return true;
    const d = Math.abs(this.minDelta);
    return this.direction === 'min' ? current + d < reference : current - d > reference;
  }

  value(logs: Record<string, number>): number | undefined {
    const v = logs[this.key];
    return typeof v === 'number' ? v : undefined;
  }
}
