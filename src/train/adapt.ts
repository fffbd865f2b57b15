/**
 * Keras's `Normalization.adapt` from the training data: a Normalization layer whose spec gives no
 * mean and variance gets the mean and variance of its input over every axis but the kept ones,
 * computed before the first epoch in one pass over the training samples, batch by batch (so the
 * streamed readers never hold the data set), and written into its non-trainable `mean`,
 * `variance` and `count` weights. Saved with the other weights, evaluate and predict apply them;
 * a resumed run reads them from its checkpoint instead.
 *
 * Each batch's moments are merged into the running ones exactly (Chan et al.'s pairwise update,
 * in float64), so the result is NumPy's `x.mean(axis)` and `x.var(axis)` (ddof 0) over all the
 * samples, whatever the batch size; Keras's own streaming loop gives the same up to rounding.
 */
import type { Graph, Layer } from '../compiler/graph.js';
import { keptAxes } from '../layers/preprocessing.js';
import { prefetching, type Batches } from './batches.js';
import type { NamedArray, TrainEngine } from './engine.js';

/** A Normalization layer to adapt, and the model inputs its call sites read. */
export interface AdaptTarget {
  layer: string;
  /** Indices into the model's inputs (and so into a batch's `inputs`). */
  inputs: number[];
  /** Kept axes of the input (axis 0 is the batch), ascending. */
  axes: number[];
  /** The statistics' shape: the kept axes' sizes. */
  dims: number[];
}

/** A Normalization that cannot be adapted, where and why. */
export interface AdaptProblem {
  layer: string;
  ptr: string;
  message: string;
  hint: string;
}

/** What was adapted, as the run reports it (console line and run.json). */
export interface Adapted {
  layer: string;
  /** Samples read, and values reduced into each statistic (samples × reduced sizes). */
  samples: number;
  count: number;
  mean: number[];
  variance: number[];
}

/** The Normalization layers without given statistics, each reading model inputs; or why one cannot be adapted. */
export function adaptTargets(graph: Graph, skip: (layer: string) => boolean = () => false): { targets: AdaptTarget[]; problems: AdaptProblem[] } {
  const targets: AdaptTarget[] = [];
  const problems: AdaptProblem[] = [];
  const inputIndex = new Map(graph.inputs.map((n, i) => [n.name, i]));
  for (const layer of graph.layers) {
    if (!needsAdapt(layer) || skip(layer.name)) continue;
    const inputs: number[] = [];
    const computed = layer.nodes.find((node) => !inputIndex.has(node.inputs[0]!));
    if (computed) {
      problems.push({
        layer: layer.name,
        ptr: computed.ptr,
        message: `Normalization '${layer.name}' has no mean and variance, so they are adapted from the training data; but its input '${computed.inputs[0]}' is computed by the model, and nnspec adapts from model inputs only`,
        hint: `give mean and variance (computed once, e.g. numpy's x.mean(axis) and x.var(axis)), or put '${layer.name}' directly on a model input`,
      });
      continue;
    }
    for (const node of layer.nodes) if (!inputs.includes(inputIndex.get(node.inputs[0]!)!)) inputs.push(inputIndex.get(node.inputs[0]!)!);
    const shape = graph.inputs[inputs[0]!]!.output!.shape;
    const kept = keptAxes(layer.config.axis as number | number[] | null, shape.length);
    if ('bad' in kept) continue; // infer reported it; the graph would not have compiled
    targets.push({ layer: layer.name, inputs, axes: kept.axes, dims: kept.axes.map((a) => shape[a] as number) });
  }
  return { targets, problems };
}

function needsAdapt(layer: Layer): boolean {
  return layer.kind.type === 'Normalization' && (layer.config.mean ?? null) === null;
}

/** Running per-index moments: count, mean and the sum of squared deviations (M2), in float64. */
export class Moments {
  count = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  private readonly batchSum: Float64Array;
  private readonly batchM2: Float64Array;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.batchSum = new Float64Array(size);
    this.batchM2 = new Float64Array(size);
  }

  /**
   * Adds values where value j belongs to statistic `key[j % key.length]` (key: one sample's
   * elements → statistic index). Every statistic gets the same number of values per sample.
   */
  add(values: ArrayLike<number>, key: Int32Array): void {
    const per = values.length / this.size;
    if (per === 0) return;
    const { batchSum: sum, batchM2: m2 } = this;
    sum.fill(0);
    m2.fill(0);
    for (let j = 0, k = 0; j < values.length; j++, k = k + 1 === key.length ? 0 : k + 1) sum[key[k]!]! += values[j]!;
    for (let s = 0; s < this.size; s++) sum[s] = sum[s]! / per; // now the batch's means
    for (let j = 0, k = 0; j < values.length; j++, k = k + 1 === key.length ? 0 : k + 1) {
      const d = values[j]! - sum[key[k]!]!;
      m2[key[k]!]! += d * d;
    }
    const total = this.count + per;
    for (let s = 0; s < this.size; s++) {
      const delta = sum[s]! - this.mean[s]!;
      this.mean[s] = this.mean[s]! + (delta * per) / total;
      this.m2[s] = this.m2[s]! + m2[s]! + (delta * delta * this.count * per) / total;
    }
    this.count = total;
  }

  /** Population variance (NumPy's ddof 0, as Keras's). */
  variance(): Float64Array {
    return this.m2.map((v) => (this.count > 0 ? v / this.count : 0));
  }
}

/** For one sample of `shape` (without the batch axis), each element's statistic index: its position on the kept axes, row-major. */
export function statisticKey(sampleShape: readonly number[], axes: readonly number[]): Int32Array {
  const n = sampleShape.reduce((a, b) => a * b, 1);
  const key = new Int32Array(n);
  const kept = axes.map((a) => a - 1);
  for (let e = 0; e < n; e++) {
    let rest = e;
    let k = 0;
    let stride = 1;
    const index = new Array<number>(sampleShape.length);
    for (let d = sampleShape.length - 1; d >= 0; d--) {
      index[d] = rest % sampleShape[d]!;
      rest = Math.floor(rest / sampleShape[d]!);
    }
    for (let i = kept.length - 1; i >= 0; i--) {
      k += index[kept[i]!]! * stride;
      stride *= sampleShape[kept[i]!]!;
    }
    key[e] = k;
  }
  return key;
}

/** The adapted statistics of every target over `indices` of `batches`, read `batchSize` samples at a time. */
export async function computeAdapted(targets: readonly AdaptTarget[], batches: Batches, indices: Int32Array, batchSize: number): Promise<Adapted[]> {
  const moments = targets.map((t) => new Moments(t.dims.reduce((a, b) => a * b, 1)));
  const keys = new Map<string, Int32Array>();
  const reader = prefetching(batches, indices, batchSize);
  for (let b = 0; b < Math.ceil(indices.length / batchSize); b++) {
    const batch = await reader.next();
    targets.forEach((t, i) => {
      for (const input of t.inputs) {
        const x = batch.inputs[input]!;
        const sample = x.shape.slice(1);
        const id = `${t.layer}:${sample.join('x')}`;
        if (!keys.has(id)) keys.set(id, statisticKey(sample, t.axes));
        moments[i]!.add(x.values, keys.get(id)!);
      }
    });
  }
  return targets.map((t, i) => {
    const m = moments[i]!;
    return { layer: t.layer, samples: indices.length, count: m.count, mean: Array.from(m.mean), variance: Array.from(m.variance()) };
  });
}

/** The adapted statistics as the layers' weights (`<layer>/mean`, `/variance`, `/count`), merged into `weights`. */
export function withAdapted(weights: readonly NamedArray[], adapted: readonly Adapted[], targets: readonly AdaptTarget[]): NamedArray[] {
  const given = new Map<string, Float32Array>();
  for (const a of adapted) {
    given.set(`${a.layer}/mean`, Float32Array.from(a.mean));
    given.set(`${a.layer}/variance`, Float32Array.from(a.variance));
    given.set(`${a.layer}/count`, Float32Array.of(a.count));
  }
  const out = weights.map((w) => (given.has(w.name) ? { ...w, values: given.get(w.name)! } : w));
  for (const name of given.keys()) {
    if (!out.some((w) => w.name === name)) throw new Error(`internal: the engine has no weight '${name}' to adapt (layers ${targets.map((t) => t.layer).join(', ')})`);
  }
  return out;
}

/** About how many bytes of input one read of the adapt pass takes (not the training batch: the pass only sums). */
export const ADAPT_READ_BYTES = 2 ** 20;

/**
 * Samples per read of the adapt pass: about ADAPT_READ_BYTES of model inputs (an unknown size
 * counted as 64), at least the training batch. Read a training batch (32) at a time, the pass is
 * bound by per-read overhead: 1M samples of 32 floats from a streamed .npy took 1.9-15 s at 32
 * and 0.3-1.5 s at 4,096-8,192 (a loaded 2-core machine); 64K-sample reads were no faster.
 */
export function adaptReadSize(graph: Graph, batchSize: number): number {
  const floats = graph.inputs.reduce((n, input) => n + input.output!.shape.slice(1).reduce<number>((a, d) => a * (d ?? 64), 1), 0);
  return Math.max(batchSize, Math.floor(ADAPT_READ_BYTES / Math.max(4, floats * 4)));
}

/** Adapts every target on the engine's model; what was adapted, for the run to report. */
export async function adaptModel(engine: TrainEngine, targets: readonly AdaptTarget[], batches: Batches, indices: Int32Array, batchSize: number): Promise<Adapted[]> {
  if (targets.length === 0) return [];
  const adapted = await computeAdapted(targets, batches, indices, batchSize);
  await engine.writeWeights(withAdapted(await engine.readWeights(), adapted, targets));
  return adapted;
}

/** One console line: which layers were adapted, on how many samples, and (when short) their statistics. */
export function adaptedLine(adapted: readonly Adapted[]): string {
  const short = (xs: number[]) => (xs.length <= 4 ? `[${xs.map((x) => Number(x.toPrecision(4))).join(', ')}]` : `${xs.length} values`);
  return `adapted ${adapted.map((a) => `Normalization '${a.layer}' (mean ${short(a.mean)}, variance ${short(a.variance)})`).join(', ')} from ${adapted[0]!.samples} training samples`;
}
