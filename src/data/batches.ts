/**
 * Samples → batches. A batch gathers its samples' rows from each input's and target's source
 * (positioned reads of a streamed .npy, a copy from an array read whole) into fresh arrays in the
 * dtype the engine takes, so the data set itself never has to be in memory. `read` does the same
 * with the file reads in the background, which lets the loop fetch the next batch while the
 * current one trains.
 */
import type { Graph } from '../compiler/graph.js';
import type { Batches } from '../train/batches.js';
import type { Batch, HostArray } from '../train/engine.js';
import type { OutputPlan } from '../train/objective.js';
import type { TargetFit } from './check.js';
import type { DataSet } from './dataset.js';
import type { ArraySource, HostValues } from './source.js';

interface Column {
  source: ArraySource;
  /** Per-sample shape as the engine gets it. */
  shape: number[];
  dtype: 'float32' | 'int32';
}

function column(source: ArraySource, dtype: 'float32' | 'int32'): Column {
  return { source, shape: source.shape.slice(1), dtype };
}

/** Data already checked (checkData found no problems); `fits` says how each target meets its output. */
export function makeBatches(graph: Graph, outputs: OutputPlan[], data: DataSet, fits: Map<string, TargetFit> | undefined): Batches {
  const inputs = graph.inputs.map((n) => column(data.entries.get(n.name)!.array, n.output!.dtype === 'int32' ? 'int32' : 'float32'));
  const targets = fits
    ? outputs.map((o) => {
        const c = column(data.entries.get(o.name)!.array, o.loss === 'sparse_categorical_crossentropy' ? 'int32' : 'float32');
        if (fits.get(o.name) === 'expand') c.shape = [...c.shape, 1];
        return c;
      })
    : [];
  const samples = data.entries.get(graph.inputs[0]!.name)!.array.shape[0]!;
  const alloc = (c: Column, n: number): HostValues => (c.dtype === 'int32' ? new Int32Array(n * c.source.rowSize) : new Float32Array(n * c.source.rowSize));
  const host = (c: Column, values: HostValues, n: number): HostArray => ({ values, shape: [n, ...c.shape], dtype: c.dtype });
  const take = (c: Column, indices: ArrayLike<number>): HostArray => {
    const out = alloc(c, indices.length);
    c.source.gather(indices, out);
    return host(c, out, indices.length);
  };
  const takeAsync = async (c: Column, indices: ArrayLike<number>): Promise<HostArray> => {
    const out = alloc(c, indices.length);
    await c.source.gatherAsync(indices, out);
    return host(c, out, indices.length);
  };
  return {
    samples,
    batch: (indices) => ({ size: indices.length, inputs: inputs.map((c) => take(c, indices)), targets: targets.map((c) => take(c, indices)) }),
    read: async (indices): Promise<Batch> => {
      const [ins, outs] = await Promise.all([Promise.all(inputs.map((c) => takeAsync(c, indices))), Promise.all(targets.map((c) => takeAsync(c, indices)))]);
      return { size: indices.length, inputs: ins, targets: outs };
    },
  };
}
