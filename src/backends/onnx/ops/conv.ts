/**
 * Convolution and pooling in ONNX's channels-first layout (N, C, spatial...), with explicit pads
 * [begin..., end...]: emitters resolve Keras's padding modes themselves (auto_pad is never used).
 */
import type { Attrs, Value } from '../graph.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

function ints(attrs: Attrs, name: string, n: number, def: number): number[] {
  const v = attrs[name] as number[] | undefined;
  return v ? [...v] : Array.from({ length: n }, () => def);
}

/** X [N, C, ...], W [M, C/group, k...] → [N, M, out...]. */
export const Conv = defineOp({
  type: 'Conv',
  infer: (inputs, attrs) => {
    const [x, w] = inputs as Value[];
    const n = x!.shape.length - 2;
    const group = (attrs.group as number | undefined) ?? 1;
    if (w!.shape[1]! * group !== x!.shape[1]) throw shapeError('Conv', 'kernel channels times group must equal the input channels', inputs);
    const strides = ints(attrs, 'strides', n, 1);
    const dil = ints(attrs, 'dilations', n, 1);
    const pads = ints(attrs, 'pads', 2 * n, 0);
    const out = x!.shape.slice(2).map((d, i) => Math.floor((d + pads[i]! + pads[i + n]! - ((w!.shape[2 + i]! - 1) * dil[i]! + 1)) / strides[i]!) + 1);
    if (out.some((d) => d <= 0)) throw shapeError('Conv', 'empty output', inputs);
    return [{ shape: [x!.shape[0]!, w!.shape[0]!, ...out], dtype: x!.dtype }];
  },
});

/** X [N, C, ...], W [C, M/group, k...] → [N, M, out...]. */
export const ConvTranspose = defineOp({
  type: 'ConvTranspose',
  infer: (inputs, attrs) => {
    const [x, w] = inputs as Value[];
    const n = x!.shape.length - 2;
    const group = (attrs.group as number | undefined) ?? 1;
    if (w!.shape[0] !== x!.shape[1]) throw shapeError('ConvTranspose', 'kernel input channels must equal the input channels', inputs);
    const strides = ints(attrs, 'strides', n, 1);
    const dil = ints(attrs, 'dilations', n, 1);
    const pads = ints(attrs, 'pads', 2 * n, 0);
    const outPad = ints(attrs, 'output_padding', n, 0);
    const out = x!.shape.slice(2).map((d, i) => strides[i]! * (d - 1) + outPad[i]! + (w!.shape[2 + i]! - 1) * dil[i]! + 1 - pads[i]! - pads[i + n]!);
    return [{ shape: [x!.shape[0]!, w!.shape[1]! * group, ...out], dtype: x!.dtype }];
  },
});

function pool(type: string): OpRule {
  return defineOp({
    type,
    infer: (inputs, attrs) => {
      const x = inputs[0]!;
      const n = x.shape.length - 2;
      const k = attrs.kernel_shape as number[];
      const strides = ints(attrs, 'strides', n, 1);
      const pads = ints(attrs, 'pads', 2 * n, 0);
      const out = x.shape.slice(2).map((d, i) => Math.floor((d + pads[i]! + pads[i + n]! - k[i]!) / strides[i]!) + 1);
      return [{ shape: [...x.shape.slice(0, 2), ...out], dtype: x.dtype }];
    },
  });
}

export const MaxPool = pool('MaxPool');
export const AveragePool = pool('AveragePool');

export const convOps: OpRule[] = [Conv, ConvTranspose, MaxPool, AveragePool];
