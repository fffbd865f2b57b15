/**
 * Large embedding tables without passing them through `session.run` every step (a 50,000×256
 * table costs 27–45 ms per step just to go in and out). The table stays in host memory; each
 * batch's ids are renumbered to the rows they touch (row 0 always first, so `mask_zero`'s id == 0
 * test still holds); the table goes into the graph without a copy (ONNX Runtime reads host
 * memory), the graph gathers those rows and computes their gradient, new values and new slots,
 * and the engine writes the rows back into the table.
 *
 * Semantics: the same as Keras's dense update, which the tfjs engine applies to every row every
 * step. This is only used with optimizers under which a zero gradient leaves the weight as it is
 * and only scales each slot by a constant (SGD without momentum, RMSprop without momentum,
 * Adagrad, Adadelta: `idleDecay` in ./optimizers.ts). A row the batches skip for k steps gets its
 * slots multiplied by decayᵏ when it is next fed (or when the slots are saved), which equals k
 * dense steps up to float rounding. Optimizers whose zero-gradient step still moves the weight
 * (Adam and its kin, momentum: the update uses the decayed slots) keep the table in the graph
 * (dense), so their numbers stay exactly Keras's; TensorFlow's sparse "lazy Adam" is not used.
 *
 * A table qualifies when it is an Embedding's trainable table of at least SPARSE_MIN_ELEMENTS,
 * without a regularizer (an L1/L2 penalty has a gradient on every row), and each of its layer's
 * calls reads a model input that nothing else reads.
 */
import type { Graph, Layer } from '../../compiler/graph.js';
import type { Batch } from '../../train/engine.js';
import { penaltyOf } from './objective.js';
import type { OnnxOptimizer } from './optimizers.js';

/** 1M floats (4 MB): below this, passing the table through the graph costs about a millisecond. */
export const SPARSE_MIN_ELEMENTS = 1 << 20;

export interface SparseTable {
  /** The weight as the graph and checkpoints name it (`embedded_posts/embeddings`). */
  weight: string;
  layer: Layer;
  rows: number;
  width: number;
  /** Indices of the model inputs whose ids index this table. */
  inputs: number[];
  /** Per row, the step its slots were last brought up to date. */
  current: Int32Array;
}

export function sparseTables(graph: Graph, optimizer: OnnxOptimizer | undefined, minElements = SPARSE_MIN_ELEMENTS): SparseTable[] {
  if (!optimizer?.idleDecay) return [];
  const consumers = new Map<string, Set<Layer | undefined>>();
  for (const node of graph.order) for (const i of node.inputs) (consumers.get(i) ?? consumers.set(i, new Set()).get(i)!).add(node.layer);
  const out: SparseTable[] = [];
  for (const layer of graph.layers) {
    if (layer.config.type !== 'Embedding' || layer.config.trainable === false) continue;
    if (penaltyOf(layer.config.embeddings_regularizer as never)) continue;
    const table = layer.weights?.find((w) => w.name === 'embeddings');
    if (!table || !table.trainable || table.shape[0]! * table.shape[1]! < minElements) continue;
    const inputs: number[] = [];
    let ok = true;
    for (const node of layer.nodes) {
      const index = graph.inputs.findIndex((n) => n.name === node.inputs[0]);
      const readers = consumers.get(node.inputs[0]!);
      if (index < 0 || graph.outputs.includes(node.inputs[0]!) || [...(readers ?? [])].some((l) => l !== layer)) ok = false;
      else if (!inputs.includes(index)) inputs.push(index);
    }
    if (!ok) continue;
    out.push({ weight: `${layer.name}/embeddings`, layer, rows: table.shape[0]!, width: table.shape[1]!, inputs, current: new Int32Array(table.shape[0]!) });
  }
  return out;
}

/** Row counts fed per batch: powers of two and 1.5× them, so a run needs few distinct graphs. */
export function bucket(n: number, max: number): number {
  let p = 1;
  while (p < n) {
    if (p >= 2 && p * 1.5 >= n) return Math.min(p * 1.5, max);
    p *= 2;
  }
  return Math.min(p, max);
}

export interface Gathered {
  /** Rows fed, in order (rows[0] = 0); the first `used` are real, the rest padding. */
  rows: Int32Array;
  used: number;
  /** The batch with this table's ids renumbered to positions in `rows`. */
  batch: Batch;
}

/** The rows a batch touches and the batch with its ids renumbered. */
export function gatherRows(table: SparseTable, batch: Batch, position: Int32Array): Gathered {
  const rows: number[] = [0];
  position[0] = 0;
  const inputs = [...batch.inputs];
  for (const i of table.inputs) {
    const ids = batch.inputs[i]!.values;
    const local = new Int32Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      // Ids outside the table fail in the graph as they would in the tfjs engine.
      const id = Math.trunc(ids[k]!);
      if (id < 0 || id >= table.rows) throw new Error(`the ids of input ${i} hold ${id}, outside the embedding's ${table.rows} rows`);
      let p = position[id]!;
      if (p < 0) {
        p = rows.length;
        position[id] = p;
        rows.push(id);
      }
      local[k] = p;
    }
    inputs[i] = { values: local, shape: batch.inputs[i]!.shape, dtype: 'int32' };
  }
  for (const r of rows) position[r] = -1;
  const fed = new Int32Array(bucket(rows.length, table.rows));
  fed.set(rows);
  return { rows: fed, used: rows.length, batch: { ...batch, inputs } };
}

/** Writes the first `used` rows of `part` back into the table at `rows`. */
export function putRows(values: Float32Array, width: number, rows: Int32Array, used: number, part: Float32Array): void {
  for (let k = 0; k < used; k++) values.set(part.subarray(k * width, (k + 1) * width), rows[k]! * width);
}

/**
 * Brings slot rows up to step `step`: each row last current at step s is scaled by decay^(step - s).
 * `rows` undefined: every row.
 */
export function catchUp(table: SparseTable, slots: Float32Array[], decay: readonly number[], step: number, rows?: Int32Array, used = 0): void {
  const w = table.width;
  const visit = (r: number) => {
    const k = step - table.current[r]!;
    if (k <= 0) return;
    slots.forEach((s, i) => {
      const f = decay[i]! ** k;
      if (f === 1) return;
      const row = s.subarray(r * w, (r + 1) * w);
      for (let j = 0; j < w; j++) row[j]! *= f;
    });
    table.current[r] = step;
  };
  if (rows) for (let k = 0; k < used; k++) visit(rows[k]!);
  else for (let r = 0; r < table.rows; r++) visit(r);
}
