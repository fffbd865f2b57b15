/**
 * Epoch totals from batch stats (layout in train/engine.ts): losses are batch means
 * weighted by batch size, as Keras's loss tracker does; metric states are summed and turned into
 * values by train/metrics/state.ts, so an epoch's metric is the metric over all its samples.
 */
import { metricValues, statsSize } from './metrics/state.js';
import { metricKeys, type OutputPlan } from './objective.js';

export type Logs = Record<string, number>;

export class Accumulator {
  readonly sums: Float64Array;
  samples = 0;

  constructor(private readonly outputs: OutputPlan[], state?: { sums: number[]; samples: number }) {
    this.sums = new Float64Array(statsSize(outputs));
    if (state) {
      this.sums.set(state.sums);
      this.samples = state.samples;
    }
  }

  add(stats: ArrayLike<number>, batchSize: number): void {
    const losses = 1 + this.outputs.length;
    for (let i = 0; i < losses; i++) this.sums[i]! += stats[i]! * batchSize;
    for (let i = losses; i < this.sums.length; i++) this.sums[i]! += stats[i]!;
    this.samples += batchSize;
  }

  /** Keras's names: loss, <output>_loss (several outputs), metrics; `prefix` is 'val_' for validation. */
  logs(prefix = ''): Logs {
    const keys = metricKeys(this.outputs);
    const values: number[] = [];
    const losses = 1 + this.outputs.length;
    values.push(this.sums[0]! / this.samples);
    if (this.outputs.length > 1) for (let i = 1; i < losses; i++) values.push(this.sums[i]! / this.samples);
    values.push(...metricValues(this.outputs, this.sums, losses));
    const out: Logs = {};
    keys.forEach((k, i) => (out[prefix + k] = values[i]!));
    return out;
  }

  /** Each output's unweighted loss (reported in logs only when there are several outputs). */
  outputLosses(): number[] {
    return this.outputs.map((_, i) => this.sums[1 + i]! / this.samples);
  }

  toJSON(): { sums: number[]; samples: number } {
    return { sums: [...this.sums], samples: this.samples };
  }
}
