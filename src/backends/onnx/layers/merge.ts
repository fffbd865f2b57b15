/** Concatenate, the element-wise merges (Add, Subtract, Multiply, Average, Maximum, Minimum) and Dot. */
import type { OnnxGraph, Value } from '../graph.js';
import { andMasks } from './common.js';
import type { Flow, LayerEmitter } from './emitter.js';

/** Keras: an input of lower rank gains axes of size 1 after the batch axis, then shapes broadcast. */
function sameRank(g: OnnxGraph, inputs: readonly Flow[]): Value[] {
  const rank = Math.max(...inputs.map((x) => x.value.shape.length));
  return inputs.map(({ value }) => {
    const missing = rank - value.shape.length;
    return missing === 0 ? value : g.op1('Unsqueeze', [value, g.ints(Array.from({ length: missing }, (_, i) => i + 1))]);
  });
}

function elementwise(combine: (g: OnnxGraph, values: Value[]) => Value): LayerEmitter {
  return (_c, inputs, { g }) => {
    const value = combine(g, sameRank(g, inputs));
    const mask = andMasks(g, inputs.map((x) => x.mask));
    return [{ value, ...(mask ? { mask } : {}) }];
  };
}

const fold = (op: string) => (g: OnnxGraph, vs: Value[]) => vs.slice(1).reduce((a, b) => g.op1(op, [a, b]), vs[0]!);

const Add = elementwise(fold('Add'));
const Subtract = elementwise((g, [a, b]) => g.op1('Sub', [a!, b!]));
const Multiply = elementwise(fold('Mul'));
// tfjs: the sum times 1/n.
const Average = elementwise((g, vs) => g.op1('Mul', [fold('Add')(g, vs), g.scalar(1 / vs.length)]));
const Maximum = elementwise((g, vs) => g.op1('Max', vs));
const Minimum = elementwise((g, vs) => g.op1('Min', vs));

/**
 * Concatenate's mask as nnspec's tfjs path computes it: on the last axis a step is kept when every
 * masked input keeps it (tfjs and Keras 2 take `all`; Keras 3 takes `any`, where an input without
 * a mask keeps every step); on the steps axis of sequences the masks are concatenated (an input
 * without one keeps all its steps). Other layouts carry no mask.
 */
function concatMask(g: OnnxGraph, inputs: readonly Flow[], axis: number): Value | undefined {
  if (inputs.every((x) => !x.mask)) return undefined;
  const rank = inputs[0]!.value.shape.length;
  if (axis === rank - 1) return andMasks(g, inputs.map((x) => x.mask));
  if (axis === 1 && rank === 3) {
    const parts = inputs.map((x) => x.mask ?? g.op1('Greater', [g.op1('ReduceMax', [g.op1('Abs', [x.value]), g.ints([-1])], { keepdims: 0 }), g.scalar(-1)]));
    return g.op1('Concat', parts, { axis: 1 });
  }
  return undefined;
}

const Concatenate: LayerEmitter = (c, inputs, { g }) => {
  const rank = inputs[0]!.value.shape.length;
  const axis = (c.axis as number) < 0 ? (c.axis as number) + rank : (c.axis as number);
  const value = g.op1('Concat', inputs.map((x) => x.value), { axis });
  const mask = concatMask(g, inputs, axis);
  return [{ value, ...(mask ? { mask } : {}) }];
};

/** x / sqrt(max(sum(x²), 1e-12)) along `axis` (Keras l2_normalize). */
function l2Normalize(g: OnnxGraph, x: Value, axis: number): Value {
  const sq = g.op1('ReduceSum', [g.op1('Mul', [x, x]), g.ints([axis])], { keepdims: 1 });
  return g.op1('Div', [x, g.op1('Sqrt', [g.op1('Max', [sq, g.scalar(1e-12)])])]);
}

/**
 * Keras batch_dot: contracts a's axis i with b's axis j per sample. a is moved to [batch, A, k],
 * b to [batch, k, B], one batched MatMul, then reshaped to [batch, ...A, ...B] ((batch, 1) when
 * nothing is left).
 */
const Dot: LayerEmitter = (c, inputs, { g }) => {
  let [a, b] = inputs.map((x) => x.value) as [Value, Value];
  const raw = typeof c.axes === 'number' ? [c.axes, c.axes] : (c.axes as number[]);
  const [i, j] = [raw[0]! < 0 ? raw[0]! + a.shape.length : raw[0]!, raw[1]! < 0 ? raw[1]! + b.shape.length : raw[1]!];
  if (c.normalize) {
    a = l2Normalize(g, a, i);
    b = l2Normalize(g, b, j);
  }
  const restA = a.shape.slice(1).map((_, k) => k + 1).filter((k) => k !== i);
  const restB = b.shape.slice(1).map((_, k) => k + 1).filter((k) => k !== j);
  const size = (v: Value, axes: number[]) => axes.reduce((n, k) => n * v.shape[k]!, 1);
  const a3 = g.op1('Reshape', [g.op1('Transpose', [a], { perm: [0, ...restA, i] }), g.ints([0, size(a, restA), a.shape[i]!])]);
  const b3 = g.op1('Reshape', [g.op1('Transpose', [b], { perm: [0, j, ...restB] }), g.ints([0, b.shape[j]!, size(b, restB)])]);
  const out = [...restA.map((k) => a.shape[k]!), ...restB.map((k) => b.shape[k]!)];
  return [{ value: g.op1('Reshape', [g.op1('MatMul', [a3, b3]), g.ints([0, ...(out.length === 0 ? [1] : out)])]) }];
};

export const mergeEmitters: Record<string, LayerEmitter> = { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot };
