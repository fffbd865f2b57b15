/**
 * Per-sample loss weights of a batch, as Keras builds them: `class_weight` turned into a weight per
 * sample by its class (argmax of a one-hot row, else the rounded label, as Keras's
 * class_weight_to_sample_weights; a class the map does not name weighs 1), times the batch's
 * `sample_weight` rows where the data has them (Keras multiplies the two). Losses then reduce as
 * sum_over_batch_size: Σ loss·weight / batch size (backends' reduceLoss). Metrics are not weighted:
 * Keras weights only `weighted_metrics`.
 */
import type { Batch, HostArray } from './engine.js';
import type { OutputPlan } from './objective.js';

/** The class of each sample of a target: argmax over a last axis above 1, else the rounded value. */
export function targetClasses(target: HostArray): Int32Array {
  const n = target.shape[0]!;
  const row = target.values.length / Math.max(n, 1);
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (row > 1) {
      let best = 0;
      for (let c = 1; c < row; c++) if (target.values[s * row + c]! > target.values[s * row + best]!) best = c;
      out[s] = best;
    } else out[s] = Math.round(target.values[s]!);
  }
  return out;
}

/** Each output's weights for this batch (float32 [size]), undefined where the output is unweighted. */
export function lossWeights(outputs: readonly OutputPlan[], batch: Batch): (HostArray | undefined)[] {
  return outputs.map((o, i) => {
    const given = batch.sampleWeights?.[i];
    if (!o.classWeight && !given && !o.weighted) return undefined;
    const values = new Float32Array(batch.size).fill(1);
    if (given) values.set(given.values);
    const target = batch.targets[i];
    if (o.classWeight && target) {
      const classes = targetClasses(target);
      for (let s = 0; s < batch.size; s++) values[s]! *= o.classWeight[String(classes[s])] ?? 1;
    }
    return { values, shape: [batch.size], dtype: 'float32' };
  });
}
