/**
 * Evaluation over a whole data set in batches: per-output losses, the weighted total and the
 * metrics, accumulated exactly as training accumulates them (so evaluate on the training data
 * agrees with a hand computation, and with the last epoch when the weights are the same), and
 * confusion matrices of classifier outputs for `evaluate`.
 */
import { Accumulator } from './accumulate.js';
import { prefetching, range, type Batches } from './batches.js';
import type { TrainEngine } from './engine.js';
import { predictedClasses, trueClasses, type ConfusionMatrix } from './metrics/confusion.js';
import type { OutputPlan } from './objective.js';

/**
 * `confusion`: a matrix per classifier output (undefined for the others) to count each batch's
 * (true, predicted) classes in, from a second, predicting pass over the batch.
 */
export async function evaluateAll(engine: TrainEngine, outputs: OutputPlan[], data: Batches, indices: Int32Array, batchSize: number, confusion: (ConfusionMatrix | undefined)[] = []): Promise<Accumulator> {
  const acc = new Accumulator(outputs);
  const feed = prefetching(data, indices, batchSize);
  const counting = confusion.some((m) => m);
  for (let from = 0; from < indices.length; from += batchSize) {
    const batch = await feed.next();
    acc.add(await engine.evaluate(batch), batch.size);
    if (!counting) continue;
    const predictions = await engine.predict(batch);
    confusion.forEach((m, i) => m?.add(trueClasses(outputs[i]!, batch.targets[i]!), predictedClasses(outputs[i]!, predictions[i]!.values, batch.size)));
  }
  return acc;
}

/** Model outputs over the data, concatenated in sample order: one Float32Array per output. */
export async function predictAll(engine: TrainEngine, data: Batches, batchSize: number): Promise<{ values: Float32Array; shape: number[] }[]> {
  const chunks: Float32Array[][] = [];
  let shapes: number[][] = [];
  const n = data.samples;
  const feed = prefetching(data, range(0, n), batchSize);
  for (let from = 0; from < n; from += batchSize) {
    const outputs = await engine.predict(await feed.next());
    shapes = outputs.map((o) => o.shape.slice(1));
    outputs.forEach((o, i) => (chunks[i] ??= []).push(o.values as Float32Array));
  }
  return chunks.map((parts, i) => {
    const total = parts.reduce((s, p) => s + p.length, 0);
    const values = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      values.set(p, at);
      at += p.length;
    }
    return { values, shape: [n, ...shapes[i]!] };
  });
}
