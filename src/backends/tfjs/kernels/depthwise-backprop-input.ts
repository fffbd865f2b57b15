/**
 * DepthwiseConv2dNativeBackpropInput (the input gradient of DepthwiseConv2D and of SeparableConv2D's
 * depthwise step), which the wasm backend lacks, as stride-1 depthwise convolutions on its XNNPACK
 * kernel (input-gradient.ts). A phase convolves each of dy's C·M channels with its own reversed taps
 * (channel multiplier 1); the interleaving step then sums each channel's M multiplier outputs.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { convInfo, type ConvAttrs } from './geometry.js';
import { inputGradient } from './input-gradient.js';
import { withScope } from './scope.js';

/**
 * XNNPACK's depthwise kernels in the wasm build (4.22) are specialised for 1, 3, 4, 9 and 25 taps;
 * other counts run several times slower (1×2: 2.4 ms where 2×2 takes 0.7 ms and 3×3 1 ms, on
 * [32,16,16,32]). A phase filter is padded with zero taps to the smallest such size that holds it.
 */
const FAST_TAPS = [1, 3, 4, 9, 25];
export function xnnpackDepthwiseSize(rows: number, cols: number): [number, number] {
  let best: [number, number] = [rows, cols];
  if (FAST_TAPS.includes(rows * cols)) return best;
  let bestArea = Infinity;
  for (const area of FAST_TAPS) {
    for (let h = rows; h <= area; h++) {
      const w = area / h;
      if (Number.isInteger(w) && w >= cols && area < bestArea) [best, bestArea] = [[h, w], area];
    }
  }
  return best;
}

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

export function depthwiseBackpropInputConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as Attrs;
      const info = convInfo(tf, a.inputShape, filter.shape as number[], a, true);
      const [, kw, c, m] = filter.shape as [number, number, number, number];
      return withScope(tf, backend, backendName, (s) =>
        inputGradient(s, dy, info, false, {
          kernelName: 'DepthwiseConv2dNative',
          groups: m,
          fasterSize: backendName === 'wasm' ? xnnpackDepthwiseSize : undefined,
          phaseFilter(rows, cols) {
            const w = s.view(filter);
            // [rows, cols, c·m, 1]: channel k = ch·m + j of dy keeps its own filter w[.., ch, j].
            const values = new Float32Array(rows.length * cols.length * c * m);
            let o = 0;
            for (const r of rows) {
              for (const col of cols) {
                if (r >= 0 && col >= 0) values.set(w.subarray((r * kw + col) * c * m, (r * kw + col + 1) * c * m), o);
                o += c * m;
              }
            }
            return { values, shape: [rows.length, cols.length, c * m, 1] };
          },
        }),
      );
    },
  };
}
