/**
 * GatherV2 (the forward step of Embedding) as row copies: each index copies one contiguous slice of x
 * (typed-array `set`, a memcpy). The wasm backend's own kernel computes every element's source offset
 * separately: 18× slower on a 50,000×256 table and 32,000 tokens (bench/RESULTS.md). batchDims > 0 goes to the backend's
 * own kernel. Indices outside the axis throw, with the message both backends' own kernels give.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { KernelScope, sizeOf, type Own } from './scope.js';

export function gatherV2Config(tf: Tf, backendName: string, own: Own): KernelConfig {
  return {
    kernelName: 'GatherV2',
    backendName,
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
      const batchDims = (attrs!.batchDims as number | undefined) ?? 0;
      if (batchDims !== 0) return own()!.kernelFunc(args);
      const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0]!;
      const size = x.shape[axis]!;
      const outer = sizeOf(x.shape.slice(0, axis));
      const inner = sizeOf(x.shape.slice(axis + 1));
      const s = new KernelScope(tf, backend, backendName);
      const ids = s.view(indices);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!(id >= 0 && id < size)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${size - 1}]`);
      }
      const out = s.alloc([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype, false);
      const [o, xs, idv] = [s.view(out), s.view(x), s.view(indices)];
      const n = idv.length;
      for (let a = 0; a < outer; a++) {
        const from = a * size * inner;
        const to = a * n * inner;
        for (let i = 0; i < n; i++) {
          const start = from + idv[i]! * inner;
          o.set(xs.subarray(start, start + inner), to + i * inner);
        }
      }
      return out;
    },
  };
}
