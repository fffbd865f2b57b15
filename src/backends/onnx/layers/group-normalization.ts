/** GroupNormalization: the channel axis split into [groups, channels / groups], statistics per sample and group. */
import type { Flow, LayerEmitter } from './emitter.js';

const GroupNormalization: LayerEmitter = (c, [input], { g, weight }) => {
  const x = input!.value;
  const shape = x.shape as number[];
  const r = shape.length;
  const axis = (c.axis as number) < 0 ? (c.axis as number) + r : (c.axis as number);
  const channels = shape[axis]!;
  const groups = (c.groups as number) === -1 ? channels : (c.groups as number);
  const grouped = g.op1('Reshape', [x, g.ints([...shape.slice(0, axis), groups, channels / groups, ...shape.slice(axis + 1)])]);
  const reduce = Array.from({ length: r + 1 }, (_, i) => i).filter((i) => i !== 0 && i !== axis);
  const mean = g.op1('ReduceMean', [grouped, g.ints(reduce)], { keepdims: 1 });
  const centered = g.op1('Sub', [grouped, mean]);
  const variance = g.op1('ReduceMean', [g.op1('Mul', [centered, centered]), g.ints(reduce)], { keepdims: 1 });
  const inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [variance, g.scalar(c.epsilon as number)])])]);
  let y = g.op1('Reshape', [g.op1('Mul', [centered, inv]), g.ints(shape)]);
  const paramShape = shape.map((d, i) => (i === axis ? d : 1));
  if (c.scale) y = g.op1('Mul', [y, g.op1('Reshape', [weight('gamma'), g.ints(paramShape)])]);
  if (c.center) y = g.op1('Add', [y, g.op1('Reshape', [weight('beta'), g.ints(paramShape)])]);
  const out: Flow = { value: y, ...(input!.mask ? { mask: input!.mask } : {}) };
  return [out];
};

export const groupNormalizationEmitters: Record<string, LayerEmitter> = { GroupNormalization };
