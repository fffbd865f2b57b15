/**
 * MultiHeadAttention, Attention and AdditiveAttention with MatMul, Reshape, Transpose and Softmax
 * (no Einsum). Inputs come in the layer's role order: [query, value, key?, attention_mask?].
 * Masks are float 0/1 and combine by product (Keras's logical and); masked scores get Keras's
 * additive -1e9 before the softmax, so a fully masked row is a uniform average as in Keras.
 */
import type { OnnxGraph, Value } from '../graph.js';
import { dropWith, maskToFloat, uniformLike } from './common.js';
import type { EmitContext, Flow, LayerEmitter } from './emitter.js';

/** Keras's large negative number for float32 (Softmax layer and Attention's padding bias). */
const LARGE = 1e9;

/** [1, T, S] lower triangle: query step i sees value steps j <= i. */
function causal(g: OnnxGraph, t: number, s: number): Value {
  const data = new Float32Array(t * s);
  for (let i = 0; i < t; i++) for (let j = 0; j <= Math.min(i, s - 1); j++) data[i * s + j] = 1;
  return g.constant(data, [1, t, s]);
}

/** The product of the present masks (each float 0/1, broadcastable to [B, T, S]). */
function product(g: OnnxGraph, masks: (Value | undefined)[]): Value | undefined {
  const present = masks.filter((m): m is Value => m !== undefined);
  return present.length === 0 ? undefined : present.slice(1).reduce((a, b) => g.op1('Mul', [a, b]), present[0]!);
}

/** mask [B, S] (bool) → float [B, 1, S]; mask [B, T] → [B, T, 1] with `axis` -1. */
const expand = (g: OnnxGraph, mask: Value | undefined, axis: number) => (mask ? g.op1('Unsqueeze', [maskToFloat(g, mask), g.ints([axis])]) : undefined);

/** softmax(scores + (1 - mask) · -1e9) over the last axis, then dropout in training. */
function attend(g: OnnxGraph, scores: Value, mask: Value | undefined, rate: number, ctx: EmitContext): Value {
  const biased = mask ? g.op1('Add', [scores, g.op1('Mul', [g.op1('Sub', [g.scalar(1), mask]), g.scalar(-LARGE)])]) : scores;
  const probs = g.op1('Softmax', [biased], { axis: -1 });
  return ctx.training && rate > 0 ? dropWith(g, probs, uniformLike(g, probs, ctx.seed()), rate) : probs;
}

/** x [B, L, d] · kernel [d, H, k] + bias [H, k] → [B, H, L, k] (Keras's EinsumDense "abc,cde->abde", heads moved forward). */
function project(g: OnnxGraph, x: Value, kernel: Value, bias: Value | undefined): Value {
  const [d, h, k] = kernel.shape as [number, number, number];
  let y = g.op1('MatMul', [x, g.op1('Reshape', [kernel, g.ints([d, h * k])])]);
  if (bias) y = g.op1('Add', [y, g.op1('Reshape', [bias, g.ints([h * k])])]);
  return g.op1('Transpose', [g.op1('Reshape', [y, g.ints([0, 0, h, k])])], { perm: [0, 2, 1, 3] });
}

const MultiHeadAttention: LayerEmitter = (c, flows, ctx) => {
  const { g, weight } = ctx;
  const [q, v] = [flows[0]!, flows[1]!];
  const k = flows[2] ?? v;
  const bias = (name: string) => (c.use_bias ? weight(`${name}/bias`) : undefined);
  const keyDim = c.key_dim as number;
  // Keras scales the projected query by 1/sqrt(key_dim) before the dot product.
  const query = g.op1('Mul', [project(g, q.value, weight('query/kernel'), bias('query')), g.scalar(1 / Math.sqrt(keyDim))]);
  const key = project(g, k.value, weight('key/kernel'), bias('key'));
  const value = project(g, v.value, weight('value/kernel'), bias('value'));
  const scores = g.op1('MatMul', [query, g.op1('Transpose', [key], { perm: [0, 1, 3, 2] })]); // [B, H, T, S]
  const [t, s] = [q.value.shape[1]!, v.value.shape[1]!];
  const given = flows[3] ? maskToFloat(g, g.op1('Cast', [flows[3].value], { to: 9 })) : undefined;
  const mask = product(g, [
    expand(g, q.mask, -1),
    expand(g, v.mask, 1),
    flows[2] ? expand(g, flows[2].mask, 1) : undefined,
    c.use_causal_mask ? causal(g, t, s) : undefined,
    given,
  ]);
  const probs = attend(g, scores, mask ? g.op1('Unsqueeze', [mask, g.ints([1])]) : undefined, c.dropout as number, ctx);
  const heads = g.op1('Transpose', [g.op1('MatMul', [probs, value])], { perm: [0, 2, 1, 3] }); // [B, T, H, vd]
  const kernel = weight('attention_output/kernel');
  const [h, vd, ...out] = kernel.shape as number[];
  const width = out.reduce((a, b) => a * b, 1);
  let y = g.op1('MatMul', [g.op1('Reshape', [heads, g.ints([0, 0, h! * vd!])]), g.op1('Reshape', [kernel, g.ints([h! * vd!, width])])]);
  if (c.use_bias) y = g.op1('Add', [y, g.op1('Reshape', [weight('attention_output/bias'), g.ints([width])])]);
  if (out.length > 1) y = g.op1('Reshape', [y, g.ints([0, 0, ...out])]);
  return [{ value: y, ...(q.mask ? { mask: q.mask } : {}) }];
};

/** Attention's and AdditiveAttention's shared tail: value mask and causal mask, softmax, weighted sum, query mask. */
function applyScores(scores: Value, flows: Flow[], config: Record<string, unknown>, ctx: EmitContext): Flow[] {
  const { g } = ctx;
  const [q, v] = [flows[0]!, flows[1]!];
  const mask = product(g, [expand(g, v.mask, 1), config.use_causal_mask ? causal(g, q.value.shape[1]!, v.value.shape[1]!) : undefined]);
  let result = g.op1('MatMul', [attend(g, scores, mask, config.dropout as number, ctx), v.value]);
  if (q.mask) result = g.op1('Mul', [result, expand(g, q.mask, -1)!]);
  return [{ value: result, ...(q.mask ? { mask: q.mask } : {}) }];
}

/** query [B, T, d] + key [B, S, d] → [B, T, S, d]. */
const pairSum = (g: OnnxGraph, q: Value, k: Value) => g.op1('Add', [g.op1('Unsqueeze', [q, g.ints([2])]), g.op1('Unsqueeze', [k, g.ints([1])])]);

const Attention: LayerEmitter = (c, flows, ctx) => {
  const { g, weight } = ctx;
  const [q, k] = [flows[0]!.value, (flows[2] ?? flows[1]!).value];
  let scores: Value;
  if (c.score_mode === 'dot') {
    scores = g.op1('MatMul', [q, g.op1('Transpose', [k], { perm: [0, 2, 1] })]);
    if (c.use_scale) scores = g.op1('Mul', [scores, weight('scale')]);
  } else {
    const sum = pairSum(g, q, k);
    const tanh = g.op1('Tanh', [c.use_scale ? g.op1('Mul', [weight('scale'), sum]) : sum]);
    scores = g.op1('Mul', [weight('concat_score_weight'), g.op1('ReduceSum', [tanh, g.ints([-1])], { keepdims: 0 })]);
  }
  return applyScores(scores, flows, c, ctx);
};

const AdditiveAttention: LayerEmitter = (c, flows, ctx) => {
  const { g, weight } = ctx;
  const [q, k] = [flows[0]!.value, (flows[2] ?? flows[1]!).value];
  const tanh = g.op1('Tanh', [pairSum(g, q, k)]);
  const scores = g.op1('ReduceSum', [c.use_scale ? g.op1('Mul', [weight('scale'), tanh]) : tanh, g.ints([-1])], { keepdims: 0 });
  return applyScores(scores, flows, c, ctx);
};

export const attentionEmitters: Record<string, LayerEmitter> = { MultiHeadAttention, Attention, AdditiveAttention };
