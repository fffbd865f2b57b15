/**
 * `nnspec synth`: random arrays of the right names, shapes, dtypes and ranges for a spec — the seed
 * chapter's dummy-data step. Integer inputs feeding an Embedding stay below its input_dim; targets
 * fit each output's loss (one-hot, class ids, 0/1, or floats).
 */
import type { Graph } from '../compiler/graph.js';
import { lossOf, type CanonicalLoss } from '../train/objective.js';
import type { Rng } from '../train/random.js';
import type { NdArray } from './array.js';
import { idReaders } from './ids.js';

export interface SynthArray {
  name: string;
  role: 'input' | 'target';
  array: NdArray;
}

/** The smallest bound on the ids an input holds (an Embedding's input_dim), if layers read it as ids. */
export function embeddingLimit(graph: Graph, inputName: string): number | undefined {
  const limits = idReaders(graph, inputName).map((r) => r.limit);
  return limits.length ? Math.min(...limits) : undefined;
}

/** `graph` must have concrete shapes (see graphAtLength). */
export function synthesize(graph: Graph, samples: number, rng: Rng): SynthArray[] {
  const out: SynthArray[] = [];
  for (const input of graph.inputs) {
    const spec = input.output!;
    const shape = [samples, ...(spec.shape.slice(1) as number[])];
    const n = shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'int32') {
      const limit = embeddingLimit(graph, input.name) ?? 10;
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = rng.int(limit);
      out.push({ name: input.name, role: 'input', array: { dtype: 'int32', shape, data } });
    } else {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = rng.next() * 2 - 1;
      out.push({ name: input.name, role: 'input', array: { dtype: 'float32', shape, data } });
    }
  }
  graph.outputs.forEach((name, i) => {
    const perSample = graph.nodes.get(name)!.output!.shape.slice(1) as number[];
    out.push({ name, role: 'target', array: target(lossOf(graph, i), perSample, samples, rng) });
  });
  return out;
}

function target(loss: CanonicalLoss | undefined, perSample: number[], samples: number, rng: Rng): NdArray {
  const shape = [samples, ...perSample];
  const n = shape.reduce((a, b) => a * b, 1);
  const classes = perSample[perSample.length - 1] ?? 1;
  switch (loss) {
    case 'categorical_crossentropy':
    case 'kl_divergence':
    case 'categorical_hinge': {
      const data = new Float32Array(n);
      for (let row = 0; row < n / classes; row++) data[row * classes + rng.int(classes)] = 1;
      return { dtype: 'float32', shape, data };
    }
    case 'sparse_categorical_crossentropy': {
      const data = new Int32Array(n / classes);
      for (let i = 0; i < data.length; i++) data[i] = rng.int(classes);
      return { dtype: 'int32', shape: shape.slice(0, -1), data };
    }
    case 'binary_crossentropy':
      return fill(shape, n, () => rng.int(2));
    case 'hinge':
    case 'squared_hinge':
      return fill(shape, n, () => rng.int(2) * 2 - 1);
    case 'poisson':
      return fill(shape, n, () => rng.int(5));
    case 'mean_squared_logarithmic_error':
    case 'mean_absolute_percentage_error':
      return fill(shape, n, () => 0.5 + rng.next());
    default:
      return fill(shape, n, () => rng.normal());
  }
}

function fill(shape: number[], n: number, f: () => number): NdArray {
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = f();
  return { dtype: 'float32', shape, data };
}
