/**
 * Conv2DBackpropFilter (the filter gradient of Conv1D, Conv2D, SeparableConv2D's pointwise step and
 * Conv2DTranspose) as one forward convolution, so it runs on the backend's fast Conv2D (XNNPACK on
 * wasm): dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh·d − pad, ow·s + kw·d − pad, ci] · dy[b,oh,ow,co]
 * is a convolution of x with channels and batch swapped ([Ci, H, W, B]) by dy seen as a filter
 * ([OH, OW, B, Co]): the filter's taps step by the forward stride (its dilation) and the output steps by
 * the forward dilation (its stride). Output rows past the filter size (unused input rows) are sliced off.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { convInfo, isNchw, type ConvAttrs } from './geometry.js';
import { withScope } from './scope.js';

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterConfig(tf: Tf, backendName: string): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as Attrs;
      const info = convInfo(tf, x.shape as number[], a.filterShape, a, false);
      const [kh, kw, ci, co] = a.filterShape;
      const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
      const { top, left } = info.padInfo;
      // Padded input rows the gradient reads: the last filter tap of the last output row.
      const bottom = Math.max(0, (outHeight - 1) * strideHeight + (kh - 1) * dilationHeight + 1 - inHeight - top);
      const right = Math.max(0, (outWidth - 1) * strideWidth + (kw - 1) * dilationWidth + 1 - inWidth - left);
      return withScope(tf, backend, backendName, (s) => {
        const xT = s.transpose(x, isNchw(a) ? [1, 2, 3, 0] : [3, 1, 2, 0]);
        const dyT = s.transpose(dy, isNchw(a) ? [2, 3, 0, 1] : [1, 2, 0, 3]);
        const conv = s.run('Conv2D', { x: xT, filter: dyT }, {
          strides: [dilationHeight, dilationWidth],
          dilations: [strideHeight, strideWidth],
          pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
          dataFormat: 'NHWC',
        } as unknown as NamedAttrMap);
        return s.transpose(s.slice(conv, [0, 0, 0, 0], [ci, kh, kw, co]), [1, 2, 0, 3]);
      });
    },
  };
}
