/**
 * Sum over leading axes (a bias's gradient: dy [B, H, W, C] summed to [C]) as one pass of row additions
 * in float64. The wasm backend's own Sum transposes the reduced axes to the end first (a full copy of
 * dy) and then reduces; the cpu backend's does the same in JavaScript. (A product ones[1, rows] · x on
 * XNNPACK was 2× slower than this loop: a matrix-vector product packs x first.) Other reductions (trailing or
 * mixed axes, all axes, non-float32) go to the backend's own kernel.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { KernelScope, sizeOf, type Own } from './scope.js';

export function sumConfig(tf: Tf, backendName: string, own: Own): KernelConfig {
  return {
    kernelName: 'Sum',
    backendName,
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const { x } = inputs as { x: TensorInfo };
      const axes = tf.util.parseAxisParam(attrs!.axis as number | number[], x.shape).sort((a, b) => a - b);
      const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
      if (!leading || x.dtype !== 'float32') return own()!.kernelFunc(args);
      const k = axes.length;
      const rows = sizeOf(x.shape.slice(0, k));
      const inner = sizeOf(x.shape.slice(k));
      const shape = attrs!.keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
      const s = new KernelScope(tf, backend, backendName);
      const out = s.alloc(shape, 'float32', false);
      const [o, xs] = [s.view(out), s.view(x)];
      const acc = new Float64Array(inner);
      for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] += xs[base + j]!;
      o.set(acc);
      return out;
    },
  };
}
