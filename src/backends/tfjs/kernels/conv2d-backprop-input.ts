/**
 * Conv2DBackpropInput (the input gradient of Conv2D and Conv1D, and the forward pass of
 * Conv2DTranspose) as stride-1 forward convolutions (input-gradient.ts). The wasm backend has this
 * kernel, but as a plain loop about ten times slower than its XNNPACK Conv2D; this one replaces it.
 * Each phase's filter is the forward filter's taps for that phase, reversed, with in/out channels swapped.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { convInfo, isNchw, type ConvAttrs } from './geometry.js';
import { inputGradient } from './input-gradient.js';
import { withScope } from './scope.js';

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as Attrs;
      const info = convInfo(tf, a.inputShape, filter.shape as number[], a, false);
      const [, kw, ci, co] = filter.shape as [number, number, number, number];
      return withScope(tf, backend, backendName, (s) => {
        return inputGradient(s, dy, info, isNchw(a), {
          kernelName: 'Conv2D',
          groups: 1,
          phaseFilter(rows, cols) {
            const w = s.view(filter);
            // [rows, cols, co, ci]: dy's channels are this convolution's input channels.
            const values = new Float32Array(rows.length * cols.length * co * ci);
            let o = 0;
            for (const r of rows) {
              for (const c of cols) {
                if (r < 0 || c < 0) {
                  o += co * ci;
                  continue;
                }
                const tap = (r * kw + c) * ci * co;
                for (let j = 0; j < co; j++) for (let i = 0; i < ci; i++) values[o++] = w[tap + i * co + j];
              }
            }
            return { values, shape: [rows.length, cols.length, co, ci] };
          },
        });
      });
    },
  };
}
