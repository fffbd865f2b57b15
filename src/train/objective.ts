/**
 * What training optimizes and reports, per output, resolved from the spec's `training:` section:
 * the canonical loss with its Keras arguments, its weight, class weights, and the metrics by the
 * names the user wrote with their arguments. Plain data, no tfjs, so `synth` and the data checks
 * can use it too. How a metric's per-batch state is laid out and turned into numbers is in
 * train/metrics/.
 */
import type { Graph } from '../compiler/graph.js';
import { lossDefaults, metricDefaults, type CanonicalLossName, type CanonicalMetricName } from '../spec/objective-args.js';
import type { LossEntry, MetricEntry, PerOutput } from '../spec/types.js';
import { LOSS_ALIASES, METRIC_ALIASES } from '../spec/vocabulary.js';
import { metricKeySuffixes } from './metrics/state.js';

export type CanonicalLoss = CanonicalLossName;
export type CanonicalMetric = Exclude<CanonicalMetricName, 'accuracy'>;

/** Every loss argument nnspec knows, filled with Keras 3's defaults where the loss takes none. */
export interface LossArgs {
  from_logits: boolean;
  label_smoothing: number;
  ignore_class: number | null;
  alpha: number;
  gamma: number;
  apply_class_balancing: boolean;
  delta: number;
}

/** Every loss argument at Keras's default: a loss written by name alone, and a mean metric reusing a loss's formula. */
export const LOSS_ARG_DEFAULTS: LossArgs = { from_logits: false, label_smoothing: 0, ignore_class: null, alpha: 0.25, gamma: 2, apply_class_balancing: false, delta: 1 };

/** A metric's arguments (spec/objective-args.ts), its Keras defaults filled in. */
export interface MetricArgs {
  threshold?: number | null;
  thresholds?: number;
  k?: number;
  num_thresholds?: number;
  curve?: 'ROC' | 'PR';
  summation_method?: 'interpolation' | 'minoring' | 'majoring';
  from_logits?: boolean;
  label_smoothing?: number;
  average?: 'micro' | 'macro' | 'weighted' | null;
  beta?: number;
  class_aggregation?: 'uniform_average' | 'variance_weighted_average' | null;
  num_regressors?: number;
  class_id?: number | null;
  recall?: number;
  precision?: number;
  specificity?: number;
  sensitivity?: number;
}

export interface MetricPlan {
  /** As written in the spec ('acc', 'mae') or its `name:`; reported as `<output>_<name>` when there are several outputs. */
  name: string;
  /** What is computed: 'accuracy' is resolved to binary/categorical/sparse as Keras does. */
  kind: CanonicalMetric;
  args: MetricArgs;
}

export interface OutputPlan {
  name: string;
  /** The output's shape without the batch dimension. */
  shape: (number | null)[];
  loss: CanonicalLoss;
  lossArgs: LossArgs;
  weight: number;
  metrics: MetricPlan[];
  /** `class_weight` of this output: class id → weight (Keras: a missing class weighs 1). */
  classWeight?: Record<string, number>;
  /** Whether batches carry a per-sample loss weight for this output (class or sample weights). */
  weighted?: boolean;
}

function perOutput<T>(value: PerOutput<T> | undefined, outputs: string[], i: number, isItem: (v: unknown) => boolean = () => false): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value[i];
  if (typeof value === 'object' && !isItem(value)) return (value as Record<string, T>)[outputs[i]!];
  return value as T;
}

/** A loss or metric written as `{type: ...}` (not a map keyed by output name). */
const isTyped = (v: unknown): boolean => typeof v === 'object' && v !== null && 'type' in v;

/** Keras's choice for 'acc'/'accuracy': by the loss, then by the output's last dimension. */
export function accuracyKind(loss: CanonicalLoss | undefined, shape: (number | null)[]): CanonicalMetric {
  if (loss === 'sparse_categorical_crossentropy') return 'sparse_categorical_accuracy';
  if (loss === 'binary_crossentropy' || loss === 'binary_focal_crossentropy' || shape[shape.length - 1] === 1) return 'binary_accuracy';
  return 'categorical_accuracy';
}

/** The loss entry of each output as written (a name or `{type, ...}`), or undefined. */
export function lossEntryOf(graph: Graph, i: number): LossEntry | undefined {
  return perOutput(graph.training?.loss, graph.outputs, i, isTyped);
}

/** The loss of each output (undefined where the spec gives none). */
export function lossOf(graph: Graph, i: number): CanonicalLoss | undefined {
  const written = lossEntryOf(graph, i);
  if (written === undefined) return undefined;
  return LOSS_ALIASES[typeof written === 'string' ? written : written.type];
}

/** The loss's arguments as written over Keras's defaults. */
export function lossArgsOf(entry: LossEntry): LossArgs {
  const canonical = LOSS_ALIASES[typeof entry === 'string' ? entry : entry.type];
  const written = typeof entry === 'string' ? {} : Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'type'));
  return { ...LOSS_ARG_DEFAULTS, ...(lossDefaults(canonical) as Partial<LossArgs>), ...(written as Partial<LossArgs>) };
}

/** The mean metrics that reuse a loss's formula (with the loss's default arguments), by metric kind. */
export const METRIC_LOSS: Partial<Record<MetricPlan['kind'], CanonicalLoss>> = {
  mean_absolute_error: 'mean_absolute_error',
  mean_squared_error: 'mean_squared_error',
  root_mean_squared_error: 'mean_squared_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  log_cosh_error: 'log_cosh',
  kl_divergence: 'kl_divergence',
  poisson: 'poisson',
  hinge: 'hinge',
  squared_hinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge',
  binary_crossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
};

/** One metric entry resolved: its key, kind and arguments. */
export function metricPlan(entry: MetricEntry, loss: CanonicalLoss | undefined, shape: (number | null)[]): MetricPlan {
  const written = typeof entry === 'string' ? entry : entry.type;
  const canonical = METRIC_ALIASES[written];
  const kind = canonical === 'accuracy' ? accuracyKind(loss, shape) : canonical;
  const args = typeof entry === 'string' ? {} : Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'type' && k !== 'name'));
  const name = typeof entry === 'object' && typeof entry.name === 'string' ? entry.name : written;
  return { name, kind, args: { ...(metricDefaults(kind) as MetricArgs), ...(args as MetricArgs) } };
}

/** The objective, or the reason the spec cannot be trained as written. */
export function resolveObjective(graph: Graph): { outputs: OutputPlan[] } | { error: string } {
  const t = graph.training;
  const outputs: OutputPlan[] = [];
  for (let i = 0; i < graph.outputs.length; i++) {
    const name = graph.outputs[i]!;
    const shape = [...graph.nodes.get(name)!.output!.shape.slice(1)];
    const entry = lossEntryOf(graph, i);
    const loss = lossOf(graph, i);
    if (!loss || !entry) return { error: `the spec gives no loss for output '${name}'; add \`training: {loss: ...}\` (for example categorical_crossentropy or mse)` };
    const weight = perOutput(t?.loss_weights as PerOutput<number> | undefined, graph.outputs, i) ?? 1;
    const metricsValue = t?.metrics;
    let written: MetricEntry[] = [];
    if (Array.isArray(metricsValue)) written = metricsValue;
    else if (metricsValue && typeof metricsValue === 'object') {
      const m = metricsValue[name];
      written = m === undefined ? [] : Array.isArray(m) ? m : [m];
    }
    const metrics = written.map((m) => metricPlan(m, loss, shape));
    const classWeights = t?.class_weight?.[name];
    const plan: OutputPlan = { name, shape, loss, lossArgs: lossArgsOf(entry), weight, metrics };
    if (classWeights) {
      plan.classWeight = { ...classWeights };
      plan.weighted = true;
    }
    outputs.push(plan);
  }
  return { outputs };
}

/** Keras's history keys: `loss`, then per output `<o>_loss` (several outputs) and `<o>_<metric>`. */
export function metricKeys(outputs: OutputPlan[]): string[] {
  const several = outputs.length > 1;
  const keys = ['loss'];
  if (several) for (const o of outputs) keys.push(`${o.name}_loss`);
  for (const o of outputs) {
    for (const m of o.metrics) for (const suffix of metricKeySuffixes(m, o.shape)) keys.push(`${several ? `${o.name}_` : ''}${m.name}${suffix}`);
  }
  return keys;
}
