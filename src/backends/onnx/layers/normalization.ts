/**
 * BatchNormalization and LayerNormalization. BatchNormalization normalises with the batch's
 * statistics in a training graph and reports the moving averages' new values (Keras/tfjs:
 * moving = moving - (moving - batch) * (1 - momentum), biased batch variance); with the moving
 * statistics in inference, and also in training when the layer is frozen (trainable: false), as
 * Keras 3 does.
 */
import type { OnnxGraph, Value } from '../graph.js';
import type { Flow, LayerEmitter } from './emitter.js';

const keep = (input: Flow, value: Value): Flow[] => [{ value, ...(input.mask ? { mask: input.mask } : {}) }];

/** (x - mean) * gamma / sqrt(variance + eps) + beta, each operand already broadcastable to x. */
function normalize(g: OnnxGraph, x: Value, mean: Value, variance: Value, gamma: Value | undefined, beta: Value | undefined, eps: number): Value {
  let inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [variance, g.scalar(eps)])])]);
  if (gamma) inv = g.op1('Mul', [inv, gamma]);
  const y = g.op1('Mul', [g.op1('Sub', [x, mean]), inv]);
  return beta ? g.op1('Add', [y, beta]) : y;
}

/** `w` reshaped to `shape` (tfjs and Keras reshape, never transpose, the weights onto the input's axes). */
function onto(g: OnnxGraph, w: Value, shape: number[]): Value {
  return w.shape.length === shape.length && w.shape.every((d, i) => d === shape[i]) ? w : g.op1('Reshape', [w, g.ints(shape)]);
}

const BatchNormalization: LayerEmitter = (c, [input], ctx) => {
  const { g } = ctx;
  const x = input!.value;
  const r = x.shape.length;
  const axis = (c.axis as number) < 0 ? (c.axis as number) + r : (c.axis as number);
  const size = x.shape[axis]!;
  // Broadcast shape without the batch axis's size, so no batch size is baked in.
  const shape = x.shape.slice(axis).map((d, i) => (i === 0 ? d : 1));
  const w = (name: string) => onto(g, ctx.weight(name), shape);
  const gamma = c.scale ? w('gamma') : undefined;
  const beta = c.center ? w('beta') : undefined;
  const eps = c.epsilon as number;
  if (!ctx.training || c.trainable === false) return keep(input!, normalize(g, x, w('moving_mean'), w('moving_variance'), gamma, beta, eps));
  const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const mean = g.op1('ReduceMean', [x, g.ints(axes)], { keepdims: 1 });
  const centered = g.op1('Sub', [x, mean]);
  const variance = g.op1('ReduceMean', [g.op1('Mul', [centered, centered]), g.ints(axes)], { keepdims: 1 });
  const decay = g.scalar(1 - (c.momentum as number));
  for (const [name, batch] of [['moving_mean', mean], ['moving_variance', variance]] as const) {
    const moving = ctx.latest(name);
    const flat = g.op1('Reshape', [batch, g.ints([size])]);
    ctx.update(name, g.op1('Sub', [moving, g.op1('Mul', [g.op1('Sub', [moving, flat]), decay])]));
  }
  return keep(input!, normalize(g, x, mean, variance, gamma, beta, eps));
};

/** Per sample over the given axes; gamma and beta reshaped onto those axes. */
const LayerNormalization: LayerEmitter = (c, [input], { g, weight }) => {
  const x = input!.value;
  const r = x.shape.length;
  const axes = (typeof c.axis === 'number' ? [c.axis] : (c.axis as number[])).map((a) => (a < 0 ? a + r : a));
  const first = Math.min(...axes);
  const shape = x.shape.slice(first).map((d, i) => (axes.includes(i + first) ? d : 1));
  const mean = g.op1('ReduceMean', [x, g.ints(axes)], { keepdims: 1 });
  const centered = g.op1('Sub', [x, mean]);
  const variance = g.op1('ReduceMean', [g.op1('Mul', [centered, centered]), g.ints(axes)], { keepdims: 1 });
  const gamma = c.scale ? onto(g, weight('gamma'), shape) : undefined;
  const beta = c.center ? onto(g, weight('beta'), shape) : undefined;
  return keep(input!, normalize(g, x, mean, variance, gamma, beta, c.epsilon as number));
};

export const normalizationEmitters: Record<string, LayerEmitter> = { BatchNormalization, LayerNormalization };
