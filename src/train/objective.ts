/**
 * What training optimizes and reports, per output, resolved from the spec's `training:` section:
 * the canonical loss, its weight, and the metrics by the names the user wrote. Plain data, no
 * tfjs, so `synth` and the data checks can use it too.
 */
import type { Graph } from '../compiler/graph.js';
import type { PerOutput } from '../spec/types.js';
import { LOSS_ALIASES, METRIC_ALIASES, type LossName, type MetricName } from '../spec/vocabulary.js';

export type CanonicalLoss = (typeof LOSS_ALIASES)[LossName];
export type CanonicalMetric = Exclude<(typeof METRIC_ALIASES)[MetricName], 'accuracy'>;

export interface MetricPlan {
  /** As written in the spec ('acc', 'mae'); reported as `<output>_<name>` when there are several outputs. */
  name: string;
  /** What is computed: 'accuracy' is resolved to binary/categorical/sparse as Keras does. */
  kind: CanonicalMetric;
}

export interface OutputPlan {
  name: string;
  /** The output's shape without the batch dimension. */
  shape: (number | null)[];
  loss: CanonicalLoss;
  weight: number;
  metrics: MetricPlan[];
}

function perOutput<T>(value: PerOutput<T> | undefined, outputs: string[], i: number): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value[i];
  if (typeof value === 'object') return (value as Record<string, T>)[outputs[i]!];
  return value as T;
}

/** Keras's choice for 'acc'/'accuracy': by the loss, then by the output's last dimension. */
export function accuracyKind(loss: CanonicalLoss | undefined, shape: (number | null)[]): CanonicalMetric {
  if (loss === 'sparse_categorical_crossentropy') return 'sparse_categorical_accuracy';
  if (loss === 'binary_crossentropy' || shape[shape.length - 1] === 1) return 'binary_accuracy';
  return 'categorical_accuracy';
}

/** The loss of each output (undefined where the spec gives none). */
export function lossOf(graph: Graph, i: number): CanonicalLoss | undefined {
  const written = perOutput(graph.training?.loss, graph.outputs, i);
  return written === undefined ? undefined : LOSS_ALIASES[written];
}

/** The objective, or the reason the spec cannot be trained as written. */
export function resolveObjective(graph: Graph): { outputs: OutputPlan[] } | { error: string } {
  const t = graph.training;
  const outputs: OutputPlan[] = [];
  for (let i = 0; i < graph.outputs.length; i++) {
    const name = graph.outputs[i]!;
    const shape = [...graph.nodes.get(name)!.output!.shape.slice(1)];
    const loss = lossOf(graph, i);
    if (!loss) return { error: `the spec gives no loss for output '${name}'; add \`training: {loss: ...}\` (for example categorical_crossentropy or mse)` };
    const weight = perOutput(t?.loss_weights as PerOutput<number> | undefined, graph.outputs, i) ?? 1;
    const metricsValue = t?.metrics;
    let written: MetricName[] = [];
    if (Array.isArray(metricsValue)) written = metricsValue;
    else if (metricsValue && typeof metricsValue === 'object') {
      const m = metricsValue[name];
      written = m === undefined ? [] : Array.isArray(m) ? m : [m];
    }
    const metrics = written.map((m): MetricPlan => {
      const canonical = METRIC_ALIASES[m];
      return { name: m, kind: canonical === 'accuracy' ? accuracyKind(loss, shape) : canonical };
    });
    outputs.push({ name, shape, loss, weight, metrics });
  }
  return { outputs };
}

/** Keras's history keys: `loss`, then per output `<o>_loss` (several outputs) and `<o>_<metric>`. */
export function metricKeys(outputs: OutputPlan[]): string[] {
  const several = outputs.length > 1;
  const keys = ['loss'];
  if (several) for (const o of outputs) keys.push(`${o.name}_loss`);
  for (const o of outputs) for (const m of o.metrics) keys.push(several ? `${o.name}_${m.name}` : m.name);
  return keys;
}
