/**
 * The objective as ONNX ops: each output's loss with Keras 3's formulas (epsilon 1e-7, clipping,
 * hinge labels converted from 0/1) reduced as Keras's sum_over_batch_size, the weighted total
 * (Σ wᵢ·lossᵢ plus weight and activity regularization, the quantity minimized) and each metric's
 * numerator and denominator, packed into one float32 vector per batch, the layout
 * train/accumulate.ts reads: [total, loss of each output, (numerator, denominator) of each metric].
 * Formulas and operation order follow the tfjs engine (src/backends/tfjs/losses.ts, metrics.ts,
 * objective.ts), the reference this engine is tested against.
 */
import type { Layer } from '../../compiler/graph.js';
import type { Regularizer } from '../../layers/params.js';
import type { CanonicalLoss, CanonicalMetric, OutputPlan } from '../../train/objective.js';
import type { OnnxGraph, Value } from './graph.js';

export const EPSILON = 1e-7;

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
    maxLast: (a: Value) => g.op1('ReduceMax', [a, g.ints([-1])], { keepdims: 0 }),
    /** Over everything, to a scalar. */
    sumAll: (a: Value) => g.op1('ReduceSum', [a], { keepdims: 0 }),
    meanAll: (a: Value) => g.op1('ReduceMean', [a], { keepdims: 0 }),
    float: (a: Value) => (a.dtype === 'float32' ? a : g.op1('Cast', [a], { to: 1 })),
    s,
  };
  return o;
}

/** Per-sample loss values, the last axis reduced (Keras's loss functions before reduction). */
function loss(g: OnnxGraph, o: Ops, name: CanonicalLoss, y: Value, p: Value): Value {
  const eps = EPSILON;
  const l2normalize = (x: Value) => o.div(x, o.sqrt(o.max(o.sumLast(o.square(x), true), o.s(1e-12))));
  const hingeLabels = (yv: Value) => {
    // Keras converts 0/1 labels to -1/1 when every label of the batch is 0 or 1.
    const binary = g.op1('Or', [g.op1('Equal', [yv, o.s(0)]), g.op1('Equal', [yv, o.s(1)])]);
    const all = g.op1('Equal', [g.op1('ReduceMin', [o.float(binary)], { keepdims: 0 }), o.s(1)]);
    return g.op1('Where', [all, o.sub(o.mul(yv, o.s(2)), o.s(1)), yv]);
  };
  const log1p = (x: Value) => o.log(o.add(x, o.s(1)));
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
      const err = o.sub(p, y);
      const abs = o.abs(err);
      return o.meanLast(g.op1('Where', [g.op1('LessOrEqual', [abs, o.s(1)]), o.mul(o.square(err), o.s(0.5)), o.sub(abs, o.s(0.5))]));
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
    case 'categorical_crossentropy': {
      const q = o.clip(o.div(p, o.sumLast(p, true)), eps, 1 - eps);
      return o.neg(o.sumLast(o.mul(y, o.log(q))));
    }
    case 'sparse_categorical_crossentropy': {
      const q = o.clip(o.div(p, o.sumLast(p, true)), eps, 1 - eps);
      return o.neg(o.sumLast(o.mul(oneHot(g, y, p), o.log(q))));
    }
    case 'binary_crossentropy': {
      const q = o.clip(p, eps, 1 - eps);
      return o.meanLast(o.neg(o.add(o.mul(y, o.log(q)), o.mul(o.sub(o.s(1), y), o.log(o.sub(o.s(1), q))))));
    }
  }
}

/** Class ids (with or without a trailing 1 axis) as one-hot rows the shape of `p`. */
function oneHot(g: OnnxGraph, y: Value, p: Value): Value {
  const classes = p.shape[p.shape.length - 1]!;
  const ids = sparseIds(g, y, p);
  const range = g.constant(Int32Array.from({ length: classes }, (_, i) => i), [classes], 'classes');
  return g.op1('Cast', [g.op1('Equal', [g.op1('Unsqueeze', [ids, g.ints([-1])]), range])], { to: 1 });
}

/** Sparse targets as int32 ids of rank p.rank - 1. */
function sparseIds(g: OnnxGraph, y: Value, p: Value): Value {
  const squeezed = y.shape.length === p.shape.length ? g.op1('Squeeze', [y, g.ints([-1])]) : y;
  return squeezed.dtype === 'int32' ? squeezed : g.op1('Cast', [squeezed], { to: 6 });
}

/** [numerator, denominator] of one metric on one batch, as scalars. */
function metric(g: OnnxGraph, o: Ops, kind: CanonicalMetric, y: Value, p: Value): [Value, Value] {
  const count = (v: Value) => o.s(v.shape.reduce((a, b) => a * b, 1));
  const meanOf = (v: Value): [Value, Value] => [o.sumAll(v), count(v)];
  const argmax = (v: Value) => g.op1('ArgMax', [v], { axis: -1, keepdims: 0 });
  const positives = () => ({ pred: g.op1('Greater', [p, o.s(0.5)]), truth: g.op1('Not', [g.op1('Equal', [y, o.s(0)])]) });
  switch (kind) {
    case 'binary_accuracy':
      return meanOf(o.meanLast(o.float(g.op1('Equal', [y, o.float(g.op1('Greater', [p, o.s(0.5)]))]))));
    case 'categorical_accuracy':
      return meanOf(o.float(g.op1('Equal', [argmax(y), argmax(p)])));
    case 'sparse_categorical_accuracy':
      return meanOf(o.float(g.op1('Equal', [sparseIds(g, y, p), g.op1('Cast', [argmax(p)], { to: 6 })])));
    case 'precision': {
      const { pred, truth } = positives();
      return [o.sumAll(o.float(g.op1('And', [pred, truth]))), o.sumAll(o.float(pred))];
    }
    case 'recall': {
      const { pred, truth } = positives();
      return [o.sumAll(o.float(g.op1('And', [pred, truth]))), o.sumAll(o.float(truth))];
    }
    default:
      return meanOf(loss(g, o, kind, y, p));
  }
}

/**
 * Emits the objective over the model's predictions and the targets (graph inputs, float32, or
 * int32 ids for sparse categorical crossentropy). `weights` are the regularized weights,
 * `activity` the regularized layer outputs.
 */
export function emitObjective(g: OnnxGraph, outputs: OutputPlan[], preds: Value[], targets: Value[], penalties: { weights: Penalty[]; activity: Penalty[] }): ObjectiveGraph {
  const o = ops(g);
  const ys = outputs.map((out, i) => (out.loss === 'sparse_categorical_crossentropy' ? targets[i]! : o.float(targets[i]!)));
  const perOutput = outputs.map((out, i) => o.meanAll(loss(g, o, out.loss, ys[i]!, preds[i]!)));
  let total = o.mul(perOutput[0]!, o.s(outputs[0]!.weight));
  for (let i = 1; i < perOutput.length; i++) total = o.add(total, o.mul(perOutput[i]!, o.s(outputs[i]!.weight)));
  // Regularization counts in the total, not in any output's loss (as Keras adds model.losses).
  for (const w of penalties.weights) total = o.add(total, weightTerm(o, w));
  for (const a of penalties.activity) total = o.add(total, o.div(activityTerm(o, a), o.s(a.value.shape[0]!)));

  const parts: Value[] = [total, ...perOutput];
  outputs.forEach((out, i) => {
    for (const m of out.metrics) parts.push(...metric(g, o, m.kind, ys[i]!, preds[i]!));
  });
  const stats = g.op1('Concat', parts.map((v) => g.op1('Reshape', [v, g.ints([1])])), { axis: 0 });
  return { total, stats, size: parts.length };
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
