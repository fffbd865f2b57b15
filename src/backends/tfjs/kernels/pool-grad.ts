/**
 * MaxPoolGrad and AvgPoolGrad (the gradients of MaxPooling and AveragePooling, 1D and 2D; NHWC) as one
 * pass over the output windows, channels innermost so every read is contiguous. The wasm backend's own
 * MaxPoolGrad loops over channels outermost (a strided read per element: 3× slower); the cpu
 * backend's kernels read through TensorBuffer.get (35–40× slower).
 * - max: each window's gradient goes to its first largest input (row-major order), none if the window
 *   holds only NaN or −∞ (tfjs's rule);
 * - average: each window spreads its gradient evenly over its positions inside the input, dy / (the
 *   number of those positions): the derivative of the forward pass, which divides by that count
 *   under 'same' padding (Keras and TensorFlow, and both tfjs backends' forward kernels). Both tfjs
 *   backends' own AvgPoolGrad divide by the full window size instead (a corner of a 3×3 'same' pool
 *   gets 4/9 of what it should), so this kernel replaces theirs for correctness; where no window
 *   is clipped ('valid' padding) the two agree.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { KernelScope } from './scope.js';

type PoolInfo = ReturnType<Tf['backend_util']['computePool2DInfo']>;

function poolInfo(tf: Tf, input: TensorInfo, attrs: Record<string, unknown>): PoolInfo {
  return tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
}

export function maxPoolGradConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const info = poolInfo(tf, input, attrs as Record<string, unknown>);
      const { inHeight, inWidth, inChannels: channels } = info;
      const s = new KernelScope(tf, backend, backendName);
      const out = s.alloc(input.shape as number[], 'float32');
      const [dx, x, g] = [s.view(out), s.view(input), s.view(dy)];
      const { batchSize, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
      const { top, left } = info.padInfo;
      const best = new Float32Array(channels);
      const at = new Int32Array(channels);
      let from = 0;
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const r0 = Math.max(0, oh * strideHeight - top);
          const r1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
          for (let ow = 0; ow < outWidth; ow++, from += channels) {
            const c0 = Math.max(0, ow * strideWidth - left);
            const c1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
            best.fill(-Infinity);
            at.fill(-1);
            for (let r = r0; r < r1; r++) {
              for (let c = c0; c < c1; c++) {
                const base = ((b * inHeight + r) * inWidth + c) * channels;
                for (let ch = 0; ch < channels; ch++) {
                  const v = x[base + ch]!;
                  if (v > best[ch]!) {
                    best[ch] = v;
                    at[ch] = base + ch;
                  }
                }
              }
            }
            for (let ch = 0; ch < channels; ch++) if (at[ch]! >= 0) dx[at[ch]!] += g[from + ch]!;
          }
        }
      }
      return out;
    },
  };
}

export function avgPoolGradConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'AvgPoolGrad',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const info = poolInfo(tf, input, attrs as Record<string, unknown>);
      const { inHeight, inWidth, inChannels: channels, filterHeight, filterWidth } = info;
      const s = new KernelScope(tf, backend, backendName);
      const out = s.alloc(input.shape as number[], 'float32');
      const [dx, g] = [s.view(out), s.view(dy)];
      const { batchSize, outHeight, outWidth, strideHeight, strideWidth } = info;
      const { top, left } = info.padInfo;
      const share = new Float32Array(channels);
      let from = 0;
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const r0 = Math.max(0, oh * strideHeight - top);
          const r1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
          for (let ow = 0; ow < outWidth; ow++, from += channels) {
            const c0 = Math.max(0, ow * strideWidth - left);
            const c1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
            const scale = 1 / ((r1 - r0) * (c1 - c0));
            for (let ch = 0; ch < channels; ch++) share[ch] = g[from + ch]! * scale;
            for (let r = r0; r < r1; r++) {
              for (let c = c0; c < c1; c++) {
                const base = ((b * inHeight + r) * inWidth + c) * channels;
                for (let ch = 0; ch < channels; ch++) dx[base + ch] += share[ch]!;
              }
            }
          }
        }
      }
      return out;
    },
  };
}
