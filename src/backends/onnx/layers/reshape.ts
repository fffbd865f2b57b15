/** Flatten, Reshape, Permute, RepeatVector: Reshape/Transpose/Expand with the batch axis kept dynamic (0 in Reshape targets). */
import type { LayerEmitter } from './emitter.js';

/** Keras 3: channels_first moves the channels last first; a (batch,) input becomes (batch, 1). */
const Flatten: LayerEmitter = (c, [x], { g }) => {
  let v = x!.value;
  const r = v.shape.length;
  if (c.data_format === 'channels_first' && r > 2) v = g.op1('Transpose', [v], { perm: [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1] });
  return [{ value: g.op1('Reshape', [v, g.ints([0, -1])]) }];
};

const Reshape: LayerEmitter = (c, [x], { g }) => [{ value: g.op1('Reshape', [x!.value, g.ints([0, ...(c.target_shape as number[])])]) }];

const Permute: LayerEmitter = (c, [x], { g }) => [{ value: g.op1('Transpose', [x!.value], { perm: [0, ...(c.dims as number[])] }) }];

/** (batch, f) → (batch, n, f). */
const RepeatVector: LayerEmitter = (c, [x], { g }) => {
  const v = g.op1('Unsqueeze', [x!.value, g.ints([1])]);
  return [{ value: g.op1('Expand', [v, g.ints([1, c.n as number, 1])]) }];
};

export const reshapeEmitters: Record<string, LayerEmitter> = { Flatten, Reshape, Permute, RepeatVector };
