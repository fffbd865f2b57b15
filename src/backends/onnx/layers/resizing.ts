/** ZeroPadding2D (Pad), Cropping2D (Slice), UpSampling2D: nearest by Expand of size-1 axes, bilinear as two constant matrix products. */
import { sides } from '../../../layers/resizing.js';
import { tuple } from '../../../layers/shape.js';
import type { OnnxGraph, Value } from '../graph.js';
import { channelsFirst, channelsLast } from './common.js';
import type { LayerEmitter } from './emitter.js';

/** The two spatial axes of a 4-D image in its data format. */
const spatialAxes = (first: boolean) => (first ? [2, 3] : [1, 2]);

const ZeroPadding2D: LayerEmitter = (c, [x], { g }) => {
  const [[top, bottom], [left, right]] = sides(c.padding as never);
  const [h, w] = spatialAxes(c.data_format === 'channels_first');
  // Pads for every axis, not Pad's `axes` input: ONNX Runtime's transpose optimizer (level basic
  // and up) rewrites pads as if they always covered every axis, and indexes past the 4 given.
  const pads = [0, 0, 0, 0, 0, 0, 0, 0];
  [pads[h!], pads[w!], pads[h! + 4], pads[w! + 4]] = [top, left, bottom, right];
  return [{ value: g.op1('Pad', [x!.value, g.ints(pads), g.scalar(0)]) }];
};

const Cropping2D: LayerEmitter = (c, [x], { g }) => {
  const [[top, bottom], [left, right]] = sides(c.cropping as never);
  const v = x!.value;
  const axes = spatialAxes(c.data_format === 'channels_first');
  const ends = [v.shape[axes[0]!]! - bottom, v.shape[axes[1]!]! - right];
  return [{ value: g.op1('Slice', [v, g.ints([top, left]), g.ints(ends), g.ints(axes)]) }];
};

/**
 * Keras 3's half-pixel bilinear resize as an (n * factor) x n matrix: output o samples input
 * position (o + 0.5) / factor - 0.5, between its two neighbours, clamped at the edges.
 */
function bilinearWeights(n: number, factor: number): number[][] {
  return Array.from({ length: n * factor }, (_, o) => {
    const at = (o + 0.5) / factor - 0.5;
    const below = Math.floor(at);
    const row = new Array<number>(n).fill(0);
    row[Math.max(below, 0)]! += 1 - (at - below);
    row[Math.min(below + 1, n - 1)]! += at - below;
    return row;
  });
}

/** Resizes NCHW x along H and W with the half-pixel bilinear matrices: Wh · x · Wwᵀ. */
function bilinear(g: OnnxGraph, x: Value, sh: number, sw: number): Value {
  const [, , h, w] = x.shape as [number, number, number, number];
  const rows = bilinearWeights(h, sh);
  const cols = bilinearWeights(w, sw);
  const wh = g.constant(Float32Array.from(rows.flat()), [h * sh, h]);
  const wwT = g.constant(Float32Array.from({ length: w * w * sw }, (_, i) => cols[i % (w * sw)]![Math.floor(i / (w * sw))]!), [w, w * sw]);
  return g.op1('MatMul', [g.op1('MatMul', [wh, x]), wwT]);
}

const UpSampling2D: LayerEmitter = (c, [input], { g }) => {
  const [sh, sw] = tuple(c.size as number | number[], 2) as [number, number];
  const first = c.data_format === 'channels_first';
  const x = first ? input!.value : channelsFirst(g, input!.value);
  const [, ch, h, w] = x.shape as [number, number, number, number];
  let y: Value;
  if (c.interpolation === 'bilinear') y = bilinear(g, x, sh, sw);
  else {
    const spread = g.op1('Reshape', [x, g.ints([0, ch, h, 1, w, 1])]);
    y = g.op1('Reshape', [g.op1('Expand', [spread, g.ints([1, 1, 1, sh, 1, sw])]), g.ints([0, ch, h * sh, w * sw])]);
  }
  return [{ value: first ? y : channelsLast(g, y) }];
};

export const resizingEmitters: Record<string, LayerEmitter> = { ZeroPadding2D, Cropping2D, UpSampling2D };
