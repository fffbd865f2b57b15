/** train's data steps: read and check --data (and --validation-data), then split into batches. */
import { makeBatches } from '../data/batches.js';
import { withSampleWeights } from '../data/sample-weights.js';
import { loadSampleWeights } from './sample-weights.js';
import { range } from '../train/batches.js';
import type { Split } from '../train/loop.js';
import type { RunState, Settings } from '../train/state.js';
import type { ColumnMap } from '../data/table.js';
import { loadData, type LoadedData } from './data-arg.js';
import { reportProblem, reporterOf, type Io } from './io.js';
import { validationSplitProblems } from '../data/split-check.js';
import { dataDiagnostic } from './data-arg.js';
import { specDocumentOf } from './spec-file.js';
import type { SpecWithObjective } from './objective-spec.js';

export interface TrainingData {
  data: LoadedData;
  validationData?: LoadedData;
  /** What a resumed run must find unchanged. */
  hashes: RunState['hashes'];
  /** Per output, the data's sample weights (`<output>.sample_weight.npy`), and the validation data's. */
  weights: (Float32Array | undefined)[];
  validationWeights?: (Float32Array | undefined)[];
}

/** The checked data sets and their hashes, or undefined after printing every problem (exit 1). */
export async function loadTrainingData(spec: SpecWithObjective, paths: { data: string; validationData?: string; columns?: ColumnMap }, specHash: string, io: Io): Promise<TrainingData | undefined> {
  const columns = paths.columns ?? new Map();
  const data = await loadData(spec.graph, spec.outputs, paths.data, io, { hash: true, columns });
  if (!data) return undefined;
  const validationData = paths.validationData ? await loadData(spec.graph, spec.outputs, paths.validationData, io, { hash: true, columns }) : undefined;
  if (paths.validationData && !validationData) return undefined;
  // Read (and the outputs marked weighted) before the engine is built.
  const weights = loadSampleWeights(spec.outputs, paths.data, data.checked.samples, io, 'nothing was trained');
  if (!weights) return undefined;
  const validationWeights = paths.validationData && validationData ? loadSampleWeights(spec.outputs, paths.validationData, validationData.checked.samples, io, 'nothing was trained') : undefined;
  if (paths.validationData && !validationWeights) return undefined;
  const hashes = {
    spec: specHash,
    // From the check's own pass over the data (checkData with hash), not a second read.
    data: data.checked.hash!,
    ...(validationData ? { validation: validationData.checked.hash! } : {}),
  };
  return { data, ...(validationData ? { validationData } : {}), hashes, weights, ...(validationWeights ? { validationWeights } : {}) };
}

/**
 * The training samples and the validation samples: --validation-data, else Keras's
 * validation_split (the last fraction of the samples, before shuffling). Undefined after printing
 * why a split leaves either side empty (exit 1).
 */
export function splitData(spec: SpecWithObjective, sets: TrainingData, settings: Settings, io: Io): { train: Split; validation?: Split } | undefined {
  const { graph, outputs } = spec;
  const { data, validationData } = sets;
  const samples = data.checked.samples;
  const splitAt = Math.floor(samples * (1 - settings.validationSplit));
  if (splitAt < 1 || (settings.validationSplit > 0 && splitAt >= samples)) {
    reportProblem(io, 'NN907', null, `--validation-split ${settings.validationSplit} of ${samples} samples leaves ${splitAt} for training and ${samples - splitAt} for validation; both need at least one`);
    return undefined;
  }
  const trainBatches = withSampleWeights(makeBatches(graph, outputs, data.set, data.checked.fits), sets.weights);
  const train: Split = { batches: trainBatches, indices: range(0, splitAt) };
  if (validationData) {
    const batches = withSampleWeights(makeBatches(graph, outputs, validationData.set, validationData.checked.fits), sets.validationWeights ?? []);
    return { train, validation: { batches, indices: range(0, validationData.checked.samples) } };
  }
  if (splitAt >= samples) return { train };
  // Sorted labels, or a one-class validation part: warnings, the run goes on.
  const reporter = reporterOf(io);
  for (const p of validationSplitProblems(outputs, data.set, splitAt, samples, settings.validationSplit)) reporter.report(dataDiagnostic(p, specDocumentOf(graph)));
  return { train, validation: { batches: trainBatches, indices: range(splitAt, samples) } };
}
