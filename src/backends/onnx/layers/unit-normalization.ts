/** UnitNormalization: x · min(1 / sqrt(Σ x²), 1e12) over the axes (Keras's ops.normalize with epsilon 1e-12). */
import type { LayerEmitter } from './emitter.js';

const UnitNormalization: LayerEmitter = (c, [input], { g }) => {
  const x = input!.value;
  const r = x.shape.length;
  const axes = (typeof c.axis === 'number' ? [c.axis] : (c.axis as number[])).map((a) => (a < 0 ? a + r : a));
  const sum = g.op1('ReduceSum', [g.op1('Mul', [x, x]), g.ints(axes)], { keepdims: 1 });
  const inv = g.op1('Min', [g.op1('Reciprocal', [g.op1('Sqrt', [sum])]), g.scalar(1e12)]);
  return [{ value: g.op1('Mul', [x, inv]), ...(input!.mask ? { mask: input!.mask } : {}) }];
};

export const unitNormalizationEmitters: Record<string, LayerEmitter> = { UnitNormalization };
