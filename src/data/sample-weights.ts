/**
 * Per-sample loss weights from the data (Keras's `sample_weight` of `fit` and `evaluate`): a file
 * `<output>.sample_weight.npy` (or .json, .csv) beside the output's targets in the data
 * directory, or an entry `<output>.sample_weight` in an .npz, holding one non-negative number per
 * sample (shape (samples,) or (samples, 1)). An output without one is unweighted; class_weight,
 * where given, multiplies it (train/loss-weights.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Batches } from '../train/batches.js';
import type { Batch } from '../train/engine.js';
import type { OutputPlan } from '../train/objective.js';
import { shapeText, sizeOf } from './array.js';
import { DataError, type DataCode } from './errors.js';
import { readNpz } from './npz.js';
import { readArrayFile } from './read.js';

export const SAMPLE_WEIGHT_SUFFIX = '.sample_weight';
const EXTENSIONS = ['.npy', '.json', '.csv'];

export interface SampleWeightProblem {
  code: DataCode;
  file: string;
  message: string;
}

/** The output a file or .npz entry name gives sample weights for, or undefined when it is no sample-weight name. */
export function sampleWeightOutput(name: string): string | undefined {
  const ext = extname(name);
  const stem = EXTENSIONS.includes(ext.toLowerCase()) ? name.slice(0, -ext.length) : name;
  return stem.endsWith(SAMPLE_WEIGHT_SUFFIX) && stem.length > SAMPLE_WEIGHT_SUFFIX.length ? stem.slice(0, -SAMPLE_WEIGHT_SUFFIX.length) : undefined;
}

/**
 * The sample weights of each output (undefined where the data gives none) and every problem:
 * a weight file for a name that is no output, a count other than `samples`, a negative or
 * non-finite weight.
 */
export function readSampleWeights(source: string, label: string, outputs: readonly OutputPlan[], samples: number): { weights: (Float32Array | undefined)[]; problems: SampleWeightProblem[] } {
  const weights: (Float32Array | undefined)[] = outputs.map(() => undefined);
  const problems: SampleWeightProblem[] = [];
  const names = outputs.map((o) => o.name);
  const found: [string, string, () => { shape: readonly number[]; data: ArrayLike<number | bigint | boolean> }][] = [];
  try {
    if (statSync(source).isFile()) {
      if (extname(source).toLowerCase() !== '.npz') return { weights, problems };
      for (const [entry, array] of readNpz(source, label)) {
        const output = sampleWeightOutput(entry);
        if (output !== undefined) found.push([output, `${label}:${entry}`, () => array]);
      }
    } else {
      for (const entry of readdirSync(source).sort()) {
        const output = sampleWeightOutput(entry);
        if (output === undefined || !EXTENSIONS.includes(extname(entry).toLowerCase())) continue;
        found.push([output, join(label, entry), () => readArrayFile(join(source, entry), join(label, entry))]);
      }
    }
  } catch (e) {
    if (e instanceof DataError) problems.push({ code: e.code, file: e.file, message: e.detail });
    return { weights, problems };
  }
  for (const [output, file, read] of found) {
    const i = names.indexOf(output);
    if (i < 0) {
      problems.push({ code: 'NN831', file, message: `holds sample weights for '${output}', which is not a model output (outputs: ${names.join(', ')}); name it <output>${SAMPLE_WEIGHT_SUFFIX}.npy` });
      continue;
    }
    if (weights[i]) {
      problems.push({ code: 'NN831', file, message: `is a second sample-weight file for output '${output}'; keep one` });
      continue;
    }
    let array;
    try {
      array = read();
    } catch (e) {
      if (e instanceof DataError) problems.push({ code: e.code, file: e.file, message: e.detail });
      else throw e;
      continue;
    }
    const shape = array.shape;
    const flat = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
    if (!flat || shape[0] !== samples) {
      problems.push({ code: 'NN831', file, message: `has shape ${shapeText(shape)}; sample weights of output '${output}' need one number per sample: (${samples},) or (${samples}, 1)` });
      continue;
    }
    const values = new Float32Array(sizeOf(shape));
    let bad = -1;
    for (let s = 0; s < values.length; s++) {
      const v = Number(array.data[s]);
      values[s] = v;
      if (bad < 0 && !(Number.isFinite(v) && v >= 0)) bad = s;
    }
    if (bad >= 0) {
      problems.push({ code: 'NN831', file, message: `has ${values[bad]} at sample ${bad}; a sample weight is a finite number, 0 or more (0 leaves the sample out of the loss)` });
      continue;
    }
    weights[i] = values;
  }
  return { weights, problems };
}

/** The batches with each output's sample weights attached (rows gathered by sample index). */
export function withSampleWeights(batches: Batches, weights: readonly (Float32Array | undefined)[]): Batches {
  if (!weights.some((w) => w)) return batches;
  const attach = (b: Batch, indices: ArrayLike<number>): Batch => ({
    ...b,
    sampleWeights: weights.map((w) => (w ? { values: Float32Array.from({ length: indices.length }, (_, k) => w[indices[k]!]!), shape: [indices.length], dtype: 'float32' as const } : undefined)),
  });
  return {
    samples: batches.samples,
    batch: (indices) => attach(batches.batch(indices), indices),
    ...(batches.read ? { read: async (indices: ArrayLike<number>) => attach(await batches.read!(indices), indices) } : {}),
  };
}
