/** Max/AveragePooling1D/2D (ONNX pools in NCHW/NCW, Keras padding made explicit) and the global poolings (reductions in place). */
import { tuple } from '../../../layers/shape.js';
import type { LayerEmitter } from './emitter.js';
import { channelsFirst, channelsLast, onnxPads, samePads } from './common.js';

function pooling(n: number, op: 'MaxPool' | 'AveragePool'): LayerEmitter {
  return (c, [input], { g }) => {
    const first = c.data_format === 'channels_first';
    const x = first ? input!.value : channelsFirst(g, input!.value);
    const k = tuple(c.pool_size as number | number[], n);
    const s = tuple((c.strides ?? c.pool_size) as number | number[], n);
    const pads = onnxPads(x.shape.slice(2).map((size, i) => (c.padding === 'same' ? samePads(size, k[i]!, s[i]!) : [0, 0])));
    // TensorFlow's 'same' average leaves the padding out of each window's count (count_include_pad 0).
    const attrs: Record<string, number[] | number> = { kernel_shape: k, strides: s, pads };
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    const y = g.op1(op, [x], attrs);
    return [{ value: first ? y : channelsLast(g, y) }];
  };
}

/**
 * Reduces the spatial axes where they are. Keras's GlobalAveragePooling1D averages the unmasked
 * steps only; the others ignore masks. Pooling over the steps consumes the mask.
 */
function globalPooling(n: number, op: 'ReduceMax' | 'ReduceMean'): LayerEmitter {
  return (c, [input], { g }) => {
    const first = c.data_format === 'channels_first';
    const axes = Array.from({ length: n }, (_, i) => i + (first ? 2 : 1));
    const keepdims = c.keepdims ? 1 : 0;
    const x = input!.value;
    if (op === 'ReduceMean' && n === 1 && input!.mask) {
      const w = g.op1('Unsqueeze', [g.op1('Cast', [input!.mask], { to: 1 }), g.ints([first ? 1 : 2])]);
      const sum = g.op1('ReduceSum', [g.op1('Mul', [x, w]), g.ints(axes)], { keepdims });
      return [{ value: g.op1('Div', [sum, g.op1('ReduceSum', [w, g.ints(axes)], { keepdims })]) }];
    }
    return [{ value: g.op1(op, [x, g.ints(axes)], { keepdims }) }];
  };
}

export const poolingEmitters: Record<string, LayerEmitter> = {
  MaxPooling1D: pooling(1, 'MaxPool'),
  MaxPooling2D: pooling(2, 'MaxPool'),
  AveragePooling1D: pooling(1, 'AveragePool'),
  AveragePooling2D: pooling(2, 'AveragePool'),
  GlobalMaxPooling1D: globalPooling(1, 'ReduceMax'),
  GlobalMaxPooling2D: globalPooling(2, 'ReduceMax'),
  GlobalAveragePooling1D: globalPooling(1, 'ReduceMean'),
  GlobalAveragePooling2D: globalPooling(2, 'ReduceMean'),
};
