/**
 * UnsortedSegmentSum (the gradient of gather, hence of Embedding) as a scatter-add over typed arrays:
 * each row of x is added into the output row its segment id names, O(rows × width); a segment's first
 * row is copied (a memcpy) instead of added, which is most rows when ids are spread over a large
 * vocabulary (posts: 32,000 tokens over 50,000 words). The cpu backend's
 * own kernel builds a mask per segment, O(segments × rows × width): for a 10000-word vocabulary it is
 * what kept an Embedding model from finishing an epoch. Ids outside [0, numSegments) are dropped, as
 * in TensorFlow; sums accumulate in the output dtype, as TensorFlow's CPU kernel does.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { KernelScope, sizeOf } from './scope.js';

export function unsortedSegmentSumConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const numSegments = attrs!.numSegments as number;
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const width = sizeOf(rowShape);
      const s = new KernelScope(tf, backend, backendName);
      const out = s.alloc([numSegments, ...rowShape], x.dtype);
      const [o, xs, ids] = [s.view(out), s.view(x), s.view(segmentIds)];
      const seen = new Uint8Array(numSegments);
      for (let row = 0; row < ids.length; row++) {
        const id = ids[row]!;
        if (!(id >= 0 && id < numSegments)) continue;
        const from = row * width;
        const to = id * width;
        if (!seen[id]) {
          seen[id] = 1;
          o.set(xs.subarray(from, from + width), to);
        } else {
          for (let j = 0; j < width; j++) o[to + j] += xs[from + j]!;
        }
      }
      return out;
    },
  };
}
