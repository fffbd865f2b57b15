/** Convolution geometry shared by the gap kernels: tfjs's own padding arithmetic, NHWC or NCHW. */
import type { Tf } from '../env.js';

export type Conv2DInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;

export interface ConvAttrs {
  strides: number | [number, number];
  pad: unknown;
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs's conv geometry (padding, output size) for an input and filter shape, so results match its kernels. */
export function convInfo(tf: Tf, inShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean): Conv2DInfo {
  const format = a.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast';
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad as 'same',
    a.dimRoundingMode,
    depthwise,
    format,
  );
}

/** The permutation that moves a channels-first tensor to channels-last (and `TO_NCHW` back). */
export const TO_NHWC = [0, 2, 3, 1];
export const TO_NCHW = [0, 3, 1, 2];

export function isNchw(a: ConvAttrs): boolean {
  return a.dataFormat === 'NCHW';
}
