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

/**
 * One array to synthesize, made in row chunks: `rows(n)` draws the next n samples from the
 * generator, so writing chunk after chunk gives exactly the arrays `synthesize` returns whole,
 * and data of any size is written without being held in memory.
 */
export interface SynthStream {
  name: string;
  role: 'input' | 'target';
  dtype: 'float32' | 'int32';
  shape: number[];
  rows(n: number): Float32Array | Int32Array;
}

/** `graph` must have concrete shapes (see graphAtLength); every stream draws from `rng`, in order. */
export function synthStreams(graph: Graph, samples: number, rng: Rng): SynthStream[] {
  const out: SynthStream[] = [];
  for (const input of graph.inputs) {
    const spec = input.output!;
    const perSample = spec.shape.slice(1) as number[];
    const width = perSample.reduce((a, b) => a * b, 1);
    const shape = [samples, ...perSample];
    if (spec.dtype === 'int32') {
      const limit = embeddingLimit(graph, input.name) ?? 10;
      out.push({ name: input.name, role: 'input', dtype: 'int32', shape, rows: (k) => fillWith(new Int32Array(k * width), () => rng.int(limit)) });
    } else {
      out.push({ name: input.name, role: 'input', dtype: 'float32', shape, rows: (k) => fillWith(new Float32Array(k * width), () => rng.next() * 2 - 1) });
    }
  }
  graph.outputs.forEach((name, i) => {
    const perSample = graph.nodes.get(name)!.output!.shape.slice(1) as number[];
    out.push({ name, role: 'target', ...target(lossOf(graph, i), perSample, samples, rng) });
  });
  return out;
}

/** The whole arrays at once (small data: tests, the fuzzer). */
export function synthesize(graph: Graph, samples: number, rng: Rng): SynthArray[] {
  return synthStreams(graph, samples, rng).map((s) => ({ name: s.name, role: s.role, array: { dtype: s.dtype, shape: s.shape, data: s.rows(samples) } }));
}

function fillWith<T extends Float32Array | Int32Array>(data: T, f: () => number): T {
  for (let i = 0; i < data.length; i++) data[i] = f();
  return data;
}

type Target = Pick<SynthStream, 'dtype' | 'shape' | 'rows'>;

function target(loss: CanonicalLoss | undefined, perSample: number[], samples: number, rng: Rng): Target {
  const shape = [samples, ...perSample];
  const width = perSample.reduce((a, b) => a * b, 1);
  const classes = perSample[perSample.length - 1] ?? 1;
  const floats = (f: () => number): Target => ({ dtype: 'float32', shape, rows: (k) => fillWith(new Float32Array(k * width), f) });
  switch (loss) {
    case 'categorical_crossentropy':
    case 'kl_divergence':
    case 'categorical_hinge':
      return {
        dtype: 'float32',
        shape,
        rows: (k) => {
          const data = new Float32Array(k * width);
          for (let row = 0; row < data.length / classes; row++) data[row * classes + rng.int(classes)] = 1;
          return data;
        },
      };
    case 'sparse_categorical_crossentropy':
      return { dtype: 'int32', shape: shape.slice(0, -1), rows: (k) => fillWith(new Int32Array((k * width) / classes), () => rng.int(classes)) };
    case 'binary_crossentropy':
      return floats(() => rng.int(2));
    case 'hinge':
    case 'squared_hinge':
      return floats(() => rng.int(2) * 2 - 1);
    case 'poisson':
      return floats(() => rng.int(5));
    case 'mean_squared_logarithmic_error':
    case 'mean_absolute_percentage_error':
      return floats(() => 0.5 + rng.next());
    default:
      return floats(() => rng.normal());
  }
}
