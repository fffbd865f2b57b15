/** The spec as it reads after schema validation (format v1). */
import type { LossName, MetricName, OptimizerName } from './vocabulary.js';

export interface InputDecl {
  shape: (number | null)[];
  dtype?: 'float32' | 'int32';
  description?: string;
}

/** A layer's connections: a name, a list of names, or names by role (`{query: a, value: b}`). */
export type Connections = string | string[] | Record<string, string>;
export type LayerEntry = ({ type: string; inputs?: Connections } & Record<string, unknown>) | { shares: string; inputs?: Connections };

export type PerOutput<T> = T | T[] | Record<string, T>;

/** A loss or metric: its Keras name, or {type: name, ...its Keras arguments} (spec/objective-args.ts). */
export type LossEntry = LossName | ({ type: LossName } & Record<string, unknown>);
export type MetricEntry = MetricName | ({ type: MetricName; name?: string } & Record<string, unknown>);

/** A learning-rate schedule, `{type: cosine_decay, initial_learning_rate: ..., ...}` (spec/callbacks.ts). */
export type ScheduleSpec = { type: string } & Record<string, number | boolean | number[] | string | null>;

export interface CallbacksSpec {
  early_stopping?: Record<string, number | string | boolean | null>;
  reduce_lr_on_plateau?: Record<string, number | string>;
  model_checkpoint?: Record<string, number | string | boolean | null>;
  terminate_on_nan?: true | Record<string, never>;
}

export interface TrainingSpec {
  // The index signature admits `type` too, so an object literal such as {type: 'sgd', momentum: 0.9} type-checks.
  optimizer?: OptimizerName | ({ type: OptimizerName } & Record<string, OptimizerName | number | boolean | ScheduleSpec>);
  /** Keras callbacks by snake_case name (spec/callbacks.ts). */
  callbacks?: CallbacksSpec;
  loss?: PerOutput<LossEntry>;
  loss_weights?: number[] | Record<string, number>;
  metrics?: MetricEntry[] | Record<string, MetricEntry | MetricEntry[]>;
  /** Per output: class id → weight (Keras's class_weight). */
  class_weight?: Record<string, Record<string, number>>;
  batch_size?: number;
  epochs?: number;
  validation_split?: number;
  shuffle?: boolean;
  seed?: number;
}

export interface Spec {
  nnspec: 1;
  name: string;
  description?: string;
  inputs: Record<string, InputDecl>;
  layers: Record<string, LayerEntry>;
  outputs: string | string[];
  training?: TrainingSpec;
}
