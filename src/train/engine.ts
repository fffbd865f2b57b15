/**
 * The seam between nnspec's run machinery (the loop, checkpoints, progress, run.json, evaluate
 * and predict) and an engine that executes the compiled model (TensorFlow.js in backends/tfjs/).
 * Only plain data crosses it: batches of host arrays in; stats, outputs, weights and optimizer
 * slots out. An engine lives in its own folder under backends/ and is chosen in
 * commands/engine.ts; nothing in train/ imports an engine.
 */
import type { Graph } from '../compiler/graph.js';
import type { OutputPlan } from './objective.js';
import type { OptimizerConfig } from './optimizer-config.js';
import type { Rng } from './random.js';

export type HostDType = 'float32' | 'int32';

/** A tensor's values in host memory, row-major. */
export interface HostArray {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: HostDType;
}

/** One batch: the model's inputs and the targets of its outputs, in model order. */
export interface Batch {
  size: number;
  inputs: HostArray[];
  /** Empty for predict. */
  targets: HostArray[];
  /** Per-sample loss weights of each output (class and sample weights), float32 [size]; undefined where unweighted. */
  sampleWeights?: (HostArray | undefined)[];
}

/** A weight or optimizer slot by its saved name (`<layer>/<weight>`, `<layer>/<weight>/<slot>`). */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface Slots {
  /** Optimizer steps taken (Keras's `iterations`). */
  iterations: number;
  /** Every slot of every trainable weight, named `<weight>/<slot>`; empty before the first step. */
  slots: NamedArray[];
}

/**
 * The model as the run's model.json describes it (the TensorFlow.js layers format is nnspec's
 * on-disk format whatever the engine), without the weights manifest.
 */
export interface ModelDescription {
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: unknown;
}

/**
 * A compiled model on an engine. Stats vectors have the layout Accumulator reads (train/accumulate.ts):
 * [total loss, each output's loss, (numerator, denominator) of each metric of each output].
 */
export interface TrainEngine {
  /**
   * One optimizer step on the batch, drawing dropout and noise from `rng`; returns the batch's
   * stats. The update is applied only when the total and every output's loss are finite.
   * `learningRate` is this step's (a schedule's value, or one ReduceLROnPlateau lowered); the
   * optimizer config's `learning_rate` when absent.
   */
  step(batch: Batch, rng: Rng, learningRate?: number): Promise<Float32Array>;
  /** Stats of a batch in inference mode. */
  evaluate(batch: Batch): Promise<Float32Array>;
  /** The model's outputs on a batch (inference mode), float32, in output order. */
  predict(batch: Batch): Promise<HostArray[]>;
  describe(): ModelDescription;
  /** Every weight (trainable or not) in Keras's weight order, named as model.json names them. */
  readWeights(): Promise<NamedArray[]>;
  /** Replaces every weight by name; throws when one is missing or does not fit. */
  writeWeights(weights: NamedArray[]): Promise<void>;
  readSlots(): Promise<Slots>;
  /** Restores slots saved by readSlots (every slot of every trainable weight must be present). */
  writeSlots(slots: Slots): Promise<void>;
  dispose(): void;
}

/** What a model is built from; without an optimizer the model can only evaluate and predict. */
export interface ModelPlan {
  graph: Graph;
  outputs: OutputPlan[];
  /** Seeds the initial weights (same seed, same weights). */
  seed: number;
  optimizer?: OptimizerConfig;
}

/** An engine ready to build models: the runtime is loaded and has proved it can compute. */
export interface EngineRuntime {
  /** run.json's `backend` and the one line saying what runs. */
  name: string;
  detail: string;
  /** Why preferred runtimes were passed over (`auto`). */
  skipped: string[];
  /** Library versions recorded in run.json (for example {tfjs: '4.22.0'}). */
  versions: Record<string, string>;
  /** Compute threads the engine uses, where it has a setting (recorded in run.json). */
  threads?: number;
  create(plan: ModelPlan): TrainEngine;
}

/** The user asked for an engine or backend that cannot run here (exit 1, with the reason). */
export class EngineError extends Error {}
