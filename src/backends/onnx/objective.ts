/**
 * The objective as ONNX ops: each output's loss with Keras 3's formulas (epsilon 1e-7, clipping,
 * hinge labels converted from 0/1) reduced as Keras's sum_over_batch_size, the weighted total
 * (Σ wᵢ·lossᵢ plus weight and activity regularization, the quantity minimized) and each metric's
 * state (train/metrics/state.ts), packed into one float32 vector per batch, the layout
 * train/accumulate.ts reads: [total, loss of each output, the state of each metric]. Loss
 * arguments (from_logits, label_smoothing, ignore_class, focal, delta) and per-sample weights
 * (a graph input per weighted output, SAMPLE_WEIGHT) as Keras 3 applies them.
 * Formulas and operation order follow the tfjs engine (src/backends/tfjs/losses.ts, metrics.ts,
 * objective.ts), the reference this engine is tested against.
 */
import type { Layer } from '../../compiler/graph.js';
import type { Regularizer } from '../../layers/params.js';
import { metricThresholds } from '../../train/metrics/state.js';
import type { CanonicalLoss, LossArgs, MetricPlan, OutputPlan } from '../../train/objective.js';
import { LOSS_ARG_DEFAULTS, METRIC_LOSS } from '../../train/objective.js';
import type { OnnxGraph, Value } from './graph.js';

export const EPSILON = 1e-7;

/** The graph input carrying an output's per-sample loss weights (class and sample weights), float32 [batch]. */
export const SAMPLE_WEIGHT = (output: string) => `sample_weight:${output}`;

/** An L1/L2 penalty on a value: l1·Σ|x| + l2·Σx² (divided by the batch size for activity). */
export interface Penalty {
  value: Value;
  l1: number;
  l2: number;
}

export interface ObjectiveGraph {
  /** The scalar to minimize. */
  total: Value;
  /** float32 [size]: the batch's stats. */
  stats: Value;
  size: number;
}

/** Keras's L1L2 arguments of a spec regularizer (l1/l2 default 0.01, as tfjs and Keras 3). */
export function penaltyOf(reg: Regularizer | null | undefined): { l1: number; l2: number } | undefined {
  if (reg === null || reg === undefined) return undefined;
  const spec: { type: string; l1?: number; l2?: number } = typeof reg === 'string' ? { type: reg } : reg;
  const l1 = spec.type === 'l2' ? 0 : spec.l1 ?? 0.01;
  const l2 = spec.type === 'l1' ? 0 : spec.l2 ?? 0.01;
  return l1 === 0 && l2 === 0 ? undefined : { l1, l2 };
}

/** The config argument that regularizes a weight, by the weight's Keras name. */
const REGULARIZER_ARG: Record<string, string> = {
  kernel: 'kernel_regularizer',
  bias: 'bias_regularizer',
  recurrent_kernel: 'recurrent_regularizer',
  embeddings: 'embeddings_regularizer',
  depthwise_kernel: 'depthwise_regularizer',
  pointwise_kernel: 'pointwise_regularizer',
  gamma: 'gamma_regularizer',
  beta: 'beta_regularizer',
  alpha: 'alpha_regularizer',
};

/**
 * The penalty on a layer's weight `name` (`kernel`, or `forward_lstm/kernel` inside a wrapper,
 * whose inner layer's arguments apply), if its layer regularizes it.
 */
export function weightPenalty(layer: Layer, name: string): { l1: number; l2: number } | undefined {
  const short = name.split('/').pop()!;
  const arg = REGULARIZER_ARG[short];
  if (!arg) return undefined;
  let config = layer.config as Record<string, unknown>;
  while (!(arg in config) && config.layer && typeof config.layer === 'object') config = config.layer as Record<string, unknown>;
  return penaltyOf(config[arg] as Regularizer | null | undefined);
}

type Ops = ReturnType<typeof ops>;

/** Small helpers over the graph builder, so the formulas read like the tfjs ones. */
function ops(g: OnnxGraph) {
  const s = (x: number) => g.scalar(x);
  const o = {
    add: (a: Value, b: Value) => g.op1('Add', [a, b]),
    sub: (a: Value, b: Value) => g.op1('Sub', [a, b]),
    mul: (a: Value, b: Value) => g.op1('Mul', [a, b]),
    div: (a: Value, b: Value) => g.op1('Div', [a, b]),
    neg: (a: Value) => g.op1('Neg', [a]),
    abs: (a: Value) => g.op1('Abs', [a]),
    log: (a: Value) => g.op1('Log', [a]),
    sqrt: (a: Value) => g.op1('Sqrt', [a]),
    square: (a: Value) => g.op1('Mul', [a, a]),
    relu: (a: Value) => g.op1('Relu', [a]),
    max: (a: Value, b: Value) => g.op1('Max', [a, b]),
    clip: (a: Value, lo: number, hi: number) => g.op1('Clip', [a, s(lo), s(hi)]),
    /** Over the last axis; keepdims as asked. */
    sumLast: (a: Value, keep = false) => g.op1('ReduceSum', [a, g.ints([-1])], { keepdims: keep ? 1 : 0 }),
    meanLast: (a: Value) => g.op1('ReduceMean', [a, g.ints([-1])], { keepdims: 0 }),
    maxLast: (a: Value, keep = false) => g.op1('ReduceMax', [a, g.ints([-1])], { keepdims: keep ? 1 : 0 }),
    /** Over the first axis (rows), to a vector. */
    sumRows: (a: Value) => g.op1('ReduceSum', [a, g.ints([0])], { keepdims: 0 }),
    /** Over everything, to a scalar. */
    sumAll: (a: Value) => g.op1('ReduceSum', [a], { keepdims: 0 }),
    meanAll: (a: Value) => g.op1('ReduceMean', [a], { keepdims: 0 }),
    float: (a: Value) => (a.dtype === 'float32' ? a : g.op1('Cast', [a], { to: 1 })),
    reshape: (a: Value, shape: number[]) => g.op1('Reshape', [a, g.ints(shape)]),
    s,
  };
  return o;
}

/** Per-sample loss values, the last axis reduced (Keras's loss functions before reduction). */
function loss(g: OnnxGraph, o: Ops, name: CanonicalLoss, y: Value, p: Value, args: LossArgs = LOSS_ARG_DEFAULTS): Value {
  const eps = EPSILON;
  const l2normalize = (x: Value) => o.div(x, o.sqrt(o.max(o.sumLast(o.square(x), true), o.s(1e-12))));
  const hingeLabels = (yv: Value) => {
    // Keras converts 0/1 labels to -1/1 when every label of the batch is 0 or 1.
    const binary = g.op1('Or', [g.op1('Equal', [yv, o.s(0)]), g.op1('Equal', [yv, o.s(1)])]);
    const all = g.op1('Equal', [g.op1('ReduceMin', [o.float(binary)], { keepdims: 0 }), o.s(1)]);
    return g.op1('Where', [all, o.sub(o.mul(yv, o.s(2)), o.s(1)), yv]);
  };
  const log1p = (x: Value) => o.log(o.add(x, o.s(1)));
  const ls = args.label_smoothing;
  const smoothCategorical = (t: Value) => (ls ? o.add(o.mul(t, o.s(1 - ls)), o.s(ls / t.shape[t.shape.length - 1]!)) : t);
  const smoothBinary = (t: Value) => (ls ? o.add(o.mul(t, o.s(1 - ls)), o.s(0.5 * ls)) : t);
  /** −Σ y·log q over the last axis: q renormalized and clipped, or log-softmax of logits. */
  const crossentropy = (t: Value, q: Value) => {
    if (args.from_logits) return o.neg(o.sumLast(o.mul(t, g.op1('LogSoftmax', [q], { axis: -1 }))));
    const c = o.clip(o.div(q, o.sumLast(q, true)), eps, 1 - eps);
    return o.neg(o.sumLast(o.mul(t, o.log(c))));
  };
  const bceProb = (t: Value, q: Value) => {
    const c = o.clip(q, eps, 1 - eps);
    return o.neg(o.add(o.mul(t, o.log(c)), o.mul(o.sub(o.s(1), t), o.log(o.sub(o.s(1), c)))));
  };
  /** TensorFlow's sigmoid_cross_entropy_with_logits: max(x, 0) − x·y + log(1 + e^−|x|). */
  const bceLogits = (t: Value, x: Value) => o.add(o.sub(o.relu(x), o.mul(x, t)), g.op1('Softplus', [o.neg(o.abs(x))]));
  switch (name) {
    case 'mean_squared_error':
      return o.meanLast(o.square(o.sub(p, y)));
    case 'mean_absolute_error':
      return o.meanLast(o.abs(o.sub(p, y)));
    case 'mean_absolute_percentage_error':
      return o.mul(o.meanLast(o.abs(o.div(o.sub(y, p), o.max(o.abs(y), o.s(eps))))), o.s(100));
    case 'mean_squared_logarithmic_error':
      return o.meanLast(o.square(o.sub(log1p(o.max(p, o.s(eps))), log1p(o.max(y, o.s(eps))))));
    case 'huber': {
      const d = args.delta;
      const err = o.sub(p, y);
      const abs = o.abs(err);
      return o.meanLast(g.op1('Where', [g.op1('LessOrEqual', [abs, o.s(d)]), o.mul(o.square(err), o.s(0.5)), o.sub(o.mul(abs, o.s(d)), o.s(0.5 * d * d))]));
    }
    case 'log_cosh': {
      const x = o.sub(p, y);
      return o.meanLast(o.sub(o.add(x, g.op1('Softplus', [o.mul(x, o.s(-2))])), o.s(Math.log(2))));
    }
    case 'kl_divergence': {
      const yc = o.clip(y, eps, 1);
      const pc = o.clip(p, eps, 1);
      return o.sumLast(o.mul(yc, o.log(o.div(yc, pc))));
    }
    case 'poisson':
      return o.meanLast(o.sub(p, o.mul(y, o.log(o.add(p, o.s(eps))))));
    case 'hinge':
      return o.meanLast(o.relu(o.sub(o.s(1), o.mul(hingeLabels(y), p))));
    case 'squared_hinge':
      return o.meanLast(o.square(o.relu(o.sub(o.s(1), o.mul(hingeLabels(y), p)))));
    case 'categorical_hinge': {
      const pos = o.sumLast(o.mul(y, p));
      const neg = o.maxLast(o.mul(o.sub(o.s(1), y), p));
      return o.relu(o.add(o.sub(neg, pos), o.s(1)));
    }
    case 'cosine_similarity':
      return o.neg(o.sumLast(o.mul(l2normalize(y), l2normalize(p))));
    case 'categorical_crossentropy':
      return crossentropy(smoothCategorical(y), p);
    case 'sparse_categorical_crossentropy': {
      let ids = sparseIds(g, y, p);
      const valid = args.ignore_class === null ? undefined : g.op1('Not', [g.op1('Equal', [ids, g.constant(Int32Array.of(args.ignore_class), [], 'ignore')])]);
      // Keras zeroes the ignored ids (so one-hot stays in range) and their losses.
      if (valid) ids = g.op1('Where', [valid, ids, g.constant(Int32Array.of(0), [], 'zero')]);
      const values = crossentropy(oneHotIds(g, ids, p), p);
      return valid ? g.op1('Where', [valid, values, o.s(0)]) : values;
    }
    case 'binary_crossentropy': {
      const t = smoothBinary(y);
      return o.meanLast(args.from_logits ? bceLogits(t, p) : bceProb(t, p));
    }
    case 'binary_focal_crossentropy': {
      const t = smoothBinary(y);
      const q = args.from_logits ? g.op1('Sigmoid', [p]) : p;
      const pt = o.add(o.mul(t, q), o.mul(o.sub(o.s(1), t), o.sub(o.s(1), q)));
      let focal = o.mul(g.op1('Pow', [o.sub(o.s(1), pt), o.s(args.gamma)]), bceProb(t, q));
      if (args.apply_class_balancing) focal = o.mul(o.add(o.mul(t, o.s(args.alpha)), o.mul(o.sub(o.s(1), t), o.s(1 - args.alpha))), focal);
      return o.meanLast(focal);
    }
    case 'categorical_focal_crossentropy': {
      const t = smoothCategorical(y);
      const q = args.from_logits ? g.op1('Softmax', [p], { axis: -1 }) : p;
      const out = o.clip(o.div(q, o.sumLast(q, true)), eps, 1 - eps);
      const cce = o.neg(o.mul(t, o.log(out)));
      return o.sumLast(o.mul(o.mul(g.op1('Pow', [o.sub(o.s(1), out), o.s(args.gamma)]), o.s(args.alpha)), cce));
    }
  }
}

/** Class ids (with or without a trailing 1 axis) as one-hot rows the shape of `p`. */
function oneHot(g: OnnxGraph, y: Value, p: Value): Value {
  return oneHotIds(g, sparseIds(g, y, p), p);
}

function oneHotIds(g: OnnxGraph, ids: Value, p: Value): Value {
  const classes = p.shape[p.shape.length - 1]!;
  const range = g.constant(Int32Array.from({ length: classes }, (_, i) => i), [classes], 'classes');
  return g.op1('Cast', [g.op1('Equal', [g.op1('Unsqueeze', [ids, g.ints([-1])]), range])], { to: 1 });
}

/** Sparse targets as int32 ids of rank p.rank - 1. */
function sparseIds(g: OnnxGraph, y: Value, p: Value): Value {
  const squeezed = y.shape.length === p.shape.length ? g.op1('Squeeze', [y, g.ints([-1])]) : y;
  return squeezed.dtype === 'int32' ? squeezed : g.op1('Cast', [squeezed], { to: 6 });
}


/** One metric's batch state (train/metrics/state.ts), as float32 pieces. */
function metric(g: OnnxGraph, o: Ops, m: MetricPlan, y: Value, p: Value): Value[] {
  const a = m.args;
  const count = (v: Value) => o.s(v.shape.reduce((x, b) => x * b, 1));
  const meanOf = (v: Value): Value[] => [o.sumAll(o.float(v)), count(v)];
  const argmax = (v: Value) => g.op1('ArgMax', [v], { axis: -1, keepdims: 0 });
  const rows = (v: Value) => o.reshape(v, [-1, v.shape[v.shape.length - 1] ?? 1]);
  const inTopK = (target: Value) => {
    const score = o.sumLast(o.mul(target, p), true);
    return g.op1('Less', [o.sumLast(o.float(g.op1('Greater', [p, score]))), o.s(a.k!)]);
  };
  /** Keras's class_id: only that column of the last axis counts. */
  const classColumn = (x: Value) => (a.class_id === null || a.class_id === undefined ? x : g.op1('Slice', [x, g.ints([a.class_id]), g.ints([a.class_id + 1]), g.ints([-1])]));
  const thresholds = metricThresholds(m);
  if (thresholds) {
    // Confusion counts at each threshold (prediction above it is positive): [tp × T, fp × T, tn × T, fn × T].
    const q = o.reshape(classColumn(a.from_logits ? g.op1('Sigmoid', [p]) : p), [-1, 1]);
    const predPos = g.op1('Greater', [q, g.constant(Float32Array.from(thresholds), [1, thresholds.length], 'thresholds')]);
    const labelPos = o.reshape(g.op1('Not', [g.op1('Equal', [classColumn(y), o.s(0)])]), [-1, 1]);
    const labelNeg = g.op1('Not', [labelPos]);
    const predNeg = g.op1('Not', [predPos]);
    const both = (l: Value, pr: Value) => o.sumRows(o.float(g.op1('And', [l, pr])));
    return [both(labelPos, predPos), both(labelNeg, predPos), both(labelNeg, predNeg), both(labelPos, predNeg)];
  }
  switch (m.kind) {
    case 'binary_accuracy':
      return meanOf(o.meanLast(o.float(g.op1('Equal', [y, o.float(g.op1('Greater', [p, o.s(a.threshold!)]))]))));
    case 'categorical_accuracy':
      return meanOf(g.op1('Equal', [argmax(y), argmax(p)]));
    case 'sparse_categorical_accuracy':
      return meanOf(g.op1('Equal', [sparseIds(g, y, p), g.op1('Cast', [argmax(p)], { to: 6 })]));
    case 'top_k_categorical_accuracy': {
      const ids = g.op1('Cast', [argmax(y)], { to: 6 });
      return meanOf(inTopK(oneHotIds(g, ids, p)));
    }
    case 'sparse_top_k_categorical_accuracy':
      return meanOf(inTopK(oneHot(g, y, p)));
    case 'true_positives':
    case 'false_positives':
    case 'true_negatives':
    case 'false_negatives': {
      const pred = g.op1('Greater', [p, o.s(a.thresholds!)]);
      const truth = g.op1('Not', [g.op1('Equal', [y, o.s(0)])]);
      const wantPred = m.kind === 'true_positives' || m.kind === 'false_positives';
      const wantTruth = m.kind === 'true_positives' || m.kind === 'false_negatives';
      return [o.sumAll(o.float(g.op1('And', [wantPred ? pred : g.op1('Not', [pred]), wantTruth ? truth : g.op1('Not', [truth])])))];
    }
    case 'precision':
    case 'recall': {
      const pred = g.op1('Greater', [classColumn(p), o.s(a.thresholds!)]);
      const truth = g.op1('Not', [g.op1('Equal', [classColumn(y), o.s(0)])]);
      return [o.sumAll(o.float(g.op1('And', [pred, truth]))), o.sumAll(o.float(m.kind === 'precision' ? pred : truth))];
    }
    case 'f1_score':
    case 'fbeta_score': {
      const yr = o.float(rows(y));
      const pr = rows(p);
      // No threshold: the highest prediction of each row is positive (not an all-zero row).
      const pos =
        a.threshold === null || a.threshold === undefined
          ? g.op1('And', [g.op1('GreaterOrEqual', [pr, o.maxLast(pr, true)]), g.op1('Greater', [o.abs(pr), o.s(1e-9)])])
          : g.op1('Greater', [pr, o.s(a.threshold)]);
      const yp = o.float(pos);
      const one = o.s(1);
      return [o.sumRows(o.mul(yp, yr)), o.sumRows(o.mul(yp, o.sub(one, yr))), o.sumRows(o.mul(o.sub(one, yp), yr)), o.sumRows(yr)];
    }
    case 'r2_score': {
      const yr = o.float(rows(y));
      const pr = rows(p);
      return [o.sumRows(yr), o.sumRows(o.square(yr)), o.sumRows(o.square(o.sub(yr, pr))), o.s(yr.shape[0]!)];
    }
    case 'cosine_similarity':
      // The metric is the similarity itself; the loss is its negative.
      return meanOf(o.neg(loss(g, o, 'cosine_similarity', y, p)));
    default:
      return meanOf(loss(g, o, METRIC_LOSS[m.kind]!, y, p, { ...LOSS_ARG_DEFAULTS, from_logits: a.from_logits ?? false, label_smoothing: a.label_smoothing ?? 0 }));
  }
}

/** Keras's mask of a loss (ignore_class), as float32 per sample, or undefined. */
function lossMask(g: OnnxGraph, o: Ops, out: OutputPlan, y: Value, p: Value): Value | undefined {
  if (out.loss !== 'sparse_categorical_crossentropy' || out.lossArgs.ignore_class === null) return undefined;
  return o.float(g.op1('Not', [g.op1('Equal', [sparseIds(g, y, p), g.constant(Int32Array.of(out.lossArgs.ignore_class), [], 'ignore')])]));
}

/** Keras's sum_over_batch_size: Σ values·weight / number of values (valid ones under a mask; 0 if none). */
function reduceLoss(g: OnnxGraph, o: Ops, values: Value, weights: Value | undefined, mask: Value | undefined): Value {
  if (!weights && !mask) return o.meanAll(values);
  let v = values;
  if (weights) v = o.mul(v, o.reshape(weights, [values.shape[0]!, ...values.shape.slice(1).map(() => 1)]));
  if (!mask) return o.div(o.sumAll(v), o.s(values.shape.reduce((a, b) => a * b, 1)));
  const valid = o.sumAll(mask);
  return g.op1('Where', [g.op1('Greater', [valid, o.s(0)]), o.div(o.sumAll(o.mul(v, mask)), o.max(valid, o.s(1))), o.s(0)]);
}

/**
 * Emits the objective over the model's predictions and the targets (graph inputs, float32, or
 * int32 ids for sparse categorical crossentropy), with a SAMPLE_WEIGHT input per weighted output.
 * `weights` are the regularized weights, `activity` the regularized layer outputs.
 */
export function emitObjective(g: OnnxGraph, outputs: OutputPlan[], preds: Value[], targets: Value[], penalties: { weights: Penalty[]; activity: Penalty[] }): ObjectiveGraph {
  const o = ops(g);
  const ys = outputs.map((out, i) => (out.loss === 'sparse_categorical_crossentropy' ? targets[i]! : o.float(targets[i]!)));
  const sampleWeights = outputs.map((out, i) => (out.weighted ? g.input(SAMPLE_WEIGHT(out.name), [targets[i]!.shape[0]!]) : undefined));
  const perOutput = outputs.map((out, i) => reduceLoss(g, o, loss(g, o, out.loss, ys[i]!, preds[i]!, out.lossArgs), sampleWeights[i], lossMask(g, o, out, ys[i]!, preds[i]!)));
  let total = o.mul(perOutput[0]!, o.s(outputs[0]!.weight));
  for (let i = 1; i < perOutput.length; i++) total = o.add(total, o.mul(perOutput[i]!, o.s(outputs[i]!.weight)));
  // Regularization counts in the total, not in any output's loss (as Keras adds model.losses).
  for (const w of penalties.weights) total = o.add(total, weightTerm(o, w));
  for (const a of penalties.activity) total = o.add(total, o.div(activityTerm(o, a), o.s(a.value.shape[0]!)));

  const parts: Value[] = [total, ...perOutput];
  outputs.forEach((out, i) => {
    for (const m of out.metrics) parts.push(...metric(g, o, m, ys[i]!, preds[i]!));
  });
  const flat = parts.map((v) => o.reshape(v, [-1]));
  const stats = g.op1('Concat', flat, { axis: 0 });
  return { total, stats, size: flat.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0) };
}

/** The tfjs engine's activity penalty (before dividing by the batch size): Σ|x|·l1 + Σx²·l2. */
function activityTerm(o: Ops, p: Penalty): Value {
  let r: Value = o.s(0);
  if (p.l1) r = o.add(r, o.mul(o.sumAll(o.abs(p.value)), o.s(p.l1)));
  if (p.l2) r = o.add(r, o.mul(o.sumAll(o.square(p.value)), o.s(p.l2)));
  return r;
}

/** tfjs's L1L2: l1·Σ|x| + l2·Σx². */
function weightTerm(o: Ops, p: Penalty): Value {
  let r: Value | undefined;
  if (p.l1) r = o.sumAll(o.mul(o.abs(p.value), o.s(p.l1)));
  if (p.l2) {
    const l2 = o.sumAll(o.mul(o.square(p.value), o.s(p.l2)));
    r = r ? o.add(r, l2) : l2;
  }
  return r ?? o.s(0);
}
