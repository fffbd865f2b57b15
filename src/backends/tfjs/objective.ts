/**
 * The compiled objective: one forward pass gives every output's unweighted loss, the weighted
 * total (Σ wᵢ·lossᵢ plus regularization, the quantity minimized, as in Keras) and each metric's
 * numerator and denominator, packed in one tensor so a batch costs one read back from the backend.
 * tfjs's own fit/evaluate are not used: they ignore loss_weights and misreport multi-output
 * validation numbers (tfjs issue 5941).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { statsSize } from '../../train/metrics/state.js';
import type { OutputPlan } from '../../train/objective.js';
import type { Tf } from './env.js';
import { lossFunction, lossMask, reduceLoss, type LossFn } from './losses.js';
import { metricFunction, type MetricFn } from './metrics.js';

type T = tfTypes.Tensor;

/**
 * Layout of a stats vector: [total, loss of each output, then the state of each metric of each
 * output in order (train/metrics/state.ts)]. Batch means, except metric states, which are sums.
 * `weights` are the per-sample loss weights of each output (undefined where it has none).
 */
export interface Objective {
  size: number;
  /** One optimizer step's forward and backward pass; returns the batch's stats and the gradients. */
  gradients(inputs: T[], targets: T[], variables: tfTypes.Variable[], weights?: (T | undefined)[]): { stats: T; grads: tfTypes.NamedTensorMap };
  /** Stats of a batch in inference mode. */
  evaluate(inputs: T[], targets: T[], weights?: (T | undefined)[]): T;
}

/** An activity regularizer on a node's output (Keras: l1·Σ|x| + l2·Σx², divided by the batch size). */
export interface ActivityPenalty {
  node: string;
  l1: number;
  l2: number;
}

/**
 * `model` returns the spec's outputs followed by one output per activity penalty (tfjs cannot
 * apply activity regularizers itself).
 */
export function compileObjective(tf: Tf, model: tfTypes.LayersModel, outputs: OutputPlan[], penalties: ActivityPenalty[] = []): Objective {
  const losses: LossFn[] = outputs.map((o) => lossFunction(tf, o.loss, o.lossArgs));
  const metrics: MetricFn[][] = outputs.map((o) => o.metrics.map((m) => metricFunction(tf, m)));
  const weights = outputs.map((o) => o.weight);
  const size = statsSize(outputs);

  const forward = (inputs: T[], training: boolean): { preds: T[]; extra: T[] } => {
    const y = model.apply(inputs.length === 1 ? inputs[0]! : inputs, { training }) as T | T[];
    const all = Array.isArray(y) ? y : [y];
    return { preds: all.slice(0, outputs.length), extra: all.slice(outputs.length) };
  };

  const activity = (extra: T[]): T[] =>
    extra.map((x, i) => {
      const { l1, l2 } = penalties[i]!;
      let r = tf.scalar(0) as T;
      if (l1) r = tf.add(r, tf.mul(tf.sum(tf.abs(x)), l1));
      if (l2) r = tf.add(r, tf.mul(tf.sum(tf.square(x)), l2));
      return tf.div(r, x.shape[0]!);
    });

  /** The per-output losses and the total to minimize. */
  const objective = (preds: T[], targets: T[], extra: T[], sampleWeights: (T | undefined)[] = []): { total: T; perOutput: T[] } => {
    const perOutput = preds.map((p, i) => {
      const o = outputs[i]!;
      return reduceLoss(tf, losses[i]!(targets[i]!, p), sampleWeights[i], lossMask(tf, o.loss, o.lossArgs, targets[i]!, p));
    });
    let total = tf.mul(perOutput[0]!, weights[0]!) as T;
    for (let i = 1; i < perOutput.length; i++) total = tf.add(total, tf.mul(perOutput[i]!, weights[i]!));
    // Regularization penalties (kernel_regularizer, ...) count in the total, not in any output's loss.
    for (const r of model.calculateLosses()) total = tf.add(total, r);
    for (const r of activity(extra)) total = tf.add(total, r);
    return { total, perOutput };
  };

  const pack = (total: T, perOutput: T[], preds: T[], targets: T[]): T => {
    const parts: T[] = [total, ...perOutput];
    preds.forEach((p, i) => {
      for (const m of metrics[i]!) parts.push(...m(targets[i]!, p));
    });
    return tf.concat(parts.map((s) => tf.cast(tf.reshape(s, [-1]), 'float32')));
  };

  return {
    size,
    gradients(inputs, targets, variables, sampleWeights) {
      let stats: T | undefined;
      // No trainable weight (all frozen, or none at all): Keras warns and runs the step anyway
      // (moving statistics still move); tfjs's variableGrads refuses an empty list.
      if (variables.length === 0) {
        tf.tidy(() => {
          const { preds, extra } = forward(inputs, true);
          const { total, perOutput } = objective(preds, targets, extra, sampleWeights);
          stats = tf.keep(pack(total, perOutput, preds, targets));
        });
        return { stats: stats!, grads: {} };
      }
      const { value, grads } = tf.variableGrads(() => {
        const { preds, extra } = forward(inputs, true);
        const { total, perOutput } = objective(preds, targets, extra, sampleWeights);
        stats = tf.keep(pack(total, perOutput, preds, targets));
        return total as tfTypes.Scalar;
      }, variables);
      value.dispose();
      return { stats: stats!, grads };
    },
    evaluate(inputs, targets, sampleWeights) {
      return tf.tidy(() => {
        const { preds, extra } = forward(inputs, false);
        const { total, perOutput } = objective(preds, targets, extra, sampleWeights);
        return pack(total, perOutput, preds, targets);
      });
    },
  };
}
