/**
 * DepthwiseConv2dNativeBackpropFilter (the filter gradient of DepthwiseConv2D and SeparableConv2D),
 * which the wasm backend lacks, as a loop over typed arrays: dW[kh,kw,c,j] = Σ_{b,oh,ow}
 * x[b, oh·s + kh·d − pad, ow·s + kw·d − pad, c] · dy[b,oh,ow,c·m+j]. No forward kernel computes this
 * without wasting a factor of the channel count (it is a per-channel correlation summed over the
 * batch), and the work is small next to a full convolution's. Taps are the outer loop, so each tap's
 * C·M accumulators stay in cache and the inner loop runs over contiguous channels with no bounds tests.
 * The cpu backend's own kernel reads every element through TensorBuffer.get, about 100 times slower.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { convInfo, type ConvAttrs } from './geometry.js';
import { KernelScope } from './scope.js';

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

/** The output positions [first, end) whose tap at `offset` (k·d − pad) lands inside the input. */
function validRange(offset: number, stride: number, inSize: number, outSize: number): [number, number] {
  const first = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [first, Math.max(first, end)];
}

export function depthwiseBackpropFilterConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as Attrs;
      const info = convInfo(tf, x.shape as number[], a.filterShape, a, true);
      const [kh, kw, c, m] = a.filterShape;
      const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
      const s = new KernelScope(tf, backend, backendName);
      const out = s.alloc([kh, kw, c, m], 'float32');
      const [dw, xs, g] = [s.view(out), s.view(x), s.view(dy)];
      const cm = c * m;
      const acc = new Float64Array(cm);
      for (let r = 0; r < kh; r++) {
        const rowOffset = r * dilationHeight - info.padInfo.top;
        const [oh0, oh1] = validRange(rowOffset, strideHeight, inHeight, outHeight);
        for (let col = 0; col < kw; col++) {
          const colOffset = col * dilationWidth - info.padInfo.left;
          const [ow0, ow1] = validRange(colOffset, strideWidth, inWidth, outWidth);
          acc.fill(0);
          for (let b = 0; b < batchSize; b++) {
            for (let oh = oh0; oh < oh1; oh++) {
              let xo = ((b * inHeight + oh * strideHeight + rowOffset) * inWidth + ow0 * strideWidth + colOffset) * c;
              let go = ((b * outHeight + oh) * outWidth + ow0) * cm;
              for (let ow = ow0; ow < ow1; ow++, xo += strideWidth * c, go += cm) {
                if (m === 1) {
                  for (let k = 0; k < c; k++) acc[k] += xs[xo + k] * g[go + k];
                } else {
                  for (let k = 0; k < c; k++) {
                    const v = xs[xo + k];
                    for (let j = 0; j < m; j++) acc[k * m + j] += v * g[go + k * m + j];
                  }
                }
              }
            }
          }
          dw.set(acc, (r * kw + col) * cm);
        }
      }
      return out;
    },
  };
}
