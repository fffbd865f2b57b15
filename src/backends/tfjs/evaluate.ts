/**
 * Evaluation over a whole data set in batches: per-output losses, the weighted total and the
 * metrics, accumulated exactly as training accumulates them (so evaluate on the training data
 * agrees with a hand computation, and with the last epoch when the weights are the same).
 */
import { Accumulator } from '../../train/accumulate.js';
import type { Batches } from '../../train/batches.js';
import type { OutputPlan } from '../../train/objective.js';
import type { Tf } from './env.js';
import type { Objective } from './objective.js';

export async function evaluateAll(tf: Tf, objective: Objective, outputs: OutputPlan[], data: Batches, indices: Int32Array, batchSize: number): Promise<Accumulator> {
  const acc = new Accumulator(outputs);
  for (let from = 0; from < indices.length; from += batchSize) {
    const idx = indices.subarray(from, Math.min(indices.length, from + batchSize));
    const { inputs, targets } = data.batch(tf, idx);
    const stats = objective.evaluate(inputs, targets);
    acc.add(await stats.data(), idx.length);
    tf.dispose([stats, ...inputs, ...targets]);
  }
  return acc;
}

/** Model outputs over the data, concatenated in sample order: one Float32Array per output. */
export async function predictAll(tf: Tf, model: import('@tensorflow/tfjs').LayersModel, data: Batches, batchSize: number): Promise<{ values: Float32Array; shape: number[] }[]> {
  const chunks: Float32Array[][] = [];
  let shapes: number[][] = [];
  const n = data.samples;
  for (let from = 0; from < n; from += batchSize) {
    const idx = new Int32Array(Math.min(n, from + batchSize) - from).map((_, i) => from + i);
    const inputs = data.inputs(tf, idx);
    const out = model.predictOnBatch(inputs.length === 1 ? inputs[0]! : inputs);
    const list = Array.isArray(out) ? out : [out];
    shapes = list.map((t) => t.shape.slice(1) as number[]);
    const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
    values.forEach((v, i) => (chunks[i] ??= []).push(v));
    tf.dispose([...inputs, ...list]);
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
