/**
 * The driver shared by Conv2DBackpropInput and DepthwiseConv2dNativeBackpropInput: plan the phases
 * (phases.ts), run one stride-1 forward convolution of dy per phase on the backend's own kernel, and
 * interleave the results into dx. With stride 1 there is one phase and its result is dx itself.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { TO_NCHW, TO_NHWC, type Conv2DInfo } from './geometry.js';
import { planAxis, scatterPhase, widenPhase } from './phases.js';
import type { KernelScope } from './scope.js';

export interface InputGradientKind {
  /** The forward kernel each phase runs: Conv2D or DepthwiseConv2dNative. */
  kernelName: string;
  /** Output channels of a phase per dx channel: 1, or a depthwise filter's channel multiplier. */
  groups: number;
  /** The stride-1 filter of one phase pair, whose positions hold filter taps (rows[u], cols[v]; −1 = zero). */
  phaseFilter(rows: number[], cols: number[]): { values: Float32Array; shape: number[] };
  /** A larger filter size that runs faster than rows × cols (padded with zero taps), if any. */
  fasterSize?(rows: number, cols: number): [number, number];
}

export function inputGradient(s: KernelScope, dy: TensorInfo, info: Conv2DInfo, nchw: boolean, kind: InputGradientKind): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const rows = planAxis(inHeight, outHeight, filterHeight, info.strideHeight, info.dilationHeight, info.padInfo.top);
  const cols = planAxis(inWidth, outWidth, filterWidth, info.strideWidth, info.dilationWidth, info.padInfo.left);
  // Every phase filter is built before any tensor is made: on wasm a new tensor can move the heap.
  const planned = [];
  for (let rh = 0; rh < rows.stride; rh++) {
    for (let rw = 0; rw < cols.stride; rw++) {
      let ph = rows.phases[rh]!;
      let pw = cols.phases[rw]!;
      if (ph.taps.length === 0 || pw.taps.length === 0 || ph.keep <= 0 || pw.keep <= 0) continue;
      if (kind.fasterSize) {
        const [h, w] = kind.fasterSize(ph.taps.length, pw.taps.length);
        [ph, pw] = [widenPhase(rows, ph, h), widenPhase(cols, pw, w)];
      }
      planned.push({ rh, rw, ph, pw, filter: kind.phaseFilter(ph.taps, pw.taps) });
    }
  }
  const dyNhwc = nchw ? s.transpose(dy, TO_NHWC) : dy;
  const dyChannels = dyNhwc.shape[3]!;
  const results: { rh: number; rw: number; out: TensorInfo }[] = [];
  for (const { rh, rw, ph, pw, filter } of planned) {
    const f = s.upload(filter.values, filter.shape, 'float32');
    const input = s.slice(dyNhwc, [0, ph.skip, pw.skip, 0], [batchSize, ph.keep, pw.keep, dyChannels]);
    const out = s.run(kind.kernelName, { x: input, filter: f }, {
      strides: 1,
      dilations: 1,
      pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
      dataFormat: 'NHWC',
    } as unknown as NamedAttrMap);
    results.push({ rh, rw, out });
  }

  const only = results[0];
  if (rows.stride === 1 && cols.stride === 1 && kind.groups === 1 && only) return nchw ? s.transpose(only.out, TO_NCHW) : only.out;
  const dxShape = [batchSize, inHeight, inWidth, inChannels];
  const dx = s.alloc(dxShape, 'float32');
  const target = s.view(dx);
  for (const { rh, rw, out } of results) scatterPhase(target, dxShape, s.view(out), rows, cols, rh, rw, kind.groups);
  return nchw ? s.transpose(s.track(dx), TO_NCHW) : dx;
}
