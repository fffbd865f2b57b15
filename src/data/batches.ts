/**
 * Samples → batches. Each input and target is kept as one flat typed array in the dtype the
 * engine will use; a batch copies its samples' rows into fresh arrays (cheap next to a training
 * step, and it keeps the full data set out of the engine's memory).
 */
import type { Graph } from '../compiler/graph.js';
import type { Batches } from '../train/batches.js';
import type { HostArray } from '../train/engine.js';
import type { OutputPlan } from '../train/objective.js';
import type { TargetFit } from './check.js';
import type { DataSet } from './dataset.js';

interface Column {
  values: Float32Array | Int32Array;
  /** Elements per sample. */
  width: number;
  /** Per-sample shape as the engine gets it. */
  shape: number[];
  dtype: 'float32' | 'int32';
}

function column(values: ArrayLike<number>, shape: readonly number[], dtype: 'float32' | 'int32'): Column {
  const converted = dtype === 'int32' ? (values instanceof Int32Array ? values : Int32Array.from(values)) : values instanceof Float32Array ? values : Float32Array.from(values);
  const perSample = shape.slice(1);
  return { values: converted, width: perSample.reduce((a, b) => a * b, 1), shape: perSample, dtype };
}

/** Data already checked (checkData found no problems); `fits` says how each target meets its output. */
export function makeBatches(graph: Graph, outputs: OutputPlan[], data: DataSet, fits: Map<string, TargetFit> | undefined): Batches {
  const inputs = graph.inputs.map((n) => {
    const a = data.entries.get(n.name)!.array;
    return column(a.data, a.shape, n.output!.dtype === 'int32' ? 'int32' : 'float32');
  });
  const targets = fits
    ? outputs.map((o) => {
        const a = data.entries.get(o.name)!.array;
        const c = column(a.data, a.shape, o.loss === 'sparse_categorical_crossentropy' ? 'int32' : 'float32');
        if (fits.get(o.name) === 'expand') c.shape = [...c.shape, 1];
        return c;
      })
    : [];
  const samples = data.entries.get(graph.inputs[0]!.name)!.array.shape[0]!;
  const take = (c: Column, indices: ArrayLike<number>): HostArray => {
    const n = indices.length;
    const out = c.dtype === 'int32' ? new Int32Array(n * c.width) : new Float32Array(n * c.width);
    for (let k = 0; k < n; k++) {
      const from = indices[k]! * c.width;
      out.set(c.values.subarray(from, from + c.width), k * c.width);
    }
    return { values: out, shape: [n, ...c.shape], dtype: c.dtype };
  };
  return {
    samples,
    batch: (indices) => ({ size: indices.length, inputs: inputs.map((c) => take(c, indices)), targets: targets.map((c) => take(c, indices)) }),
  };
}
