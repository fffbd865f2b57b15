/**
 * DepthwiseConv2dNativeBackpropFilter and ...BackpropInput (new on wasm; the filter gradient also
 * replaces the cpu backend's) against the cpu backend's own kernels, with channel multipliers 1 and
 * 2. The cpu kernels ignore dilation, so dilated cases are checked against them run on the equivalent
 * undilated filter (zeros between the taps).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_CASES, DILATED_CASES, pair, type ConvCase } from './conv-cases.js';
import { expectClose, randomArray, reference, runKernel, setup, type Array_, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup();
});

const CASES = [...CONV_CASES, ...DILATED_CASES].flatMap((c) => [1, 2].map((m) => ({ ...c, out: m, name: `${c.name}, multiplier ${m}` })));

function geometry(c: ConvCase) {
  const filterShape = [...c.kernel, c.input[3], c.out] as [number, number, number, number];
  const [dh, dw] = pair(c.dilations ?? 1);
  const info = s.tf.backend_util.computeConv2DInfo(c.input, filterShape, c.strides, [dh, dw], c.pad, c.dimRoundingMode, true);
  // The undilated filter with the same footprint, for the reference.
  const wide = [(c.kernel[0] - 1) * dh + 1, (c.kernel[1] - 1) * dw + 1, c.input[3], c.out];
  return { filterShape, outShape: info.outShape as number[], dh, dw, wide };
}

/** Tap (r, col) of a [kh, kw, c, m] filter sits at (r·dh, col·dw) of the wide one. */
function tapOffsets(g: ReturnType<typeof geometry>) {
  const [kh, kw, c, m] = g.filterShape;
  const out: [number, number][] = [];
  for (let r = 0; r < kh; r++) for (let col = 0; col < kw; col++) out.push([(r * kw + col) * c * m, (r * g.dh * g.wide[1]! + col * g.dw) * c * m]);
  return { out, block: c * m };
}

describe.each(['wasm', 'cpu'])('DepthwiseConv2dNativeBackpropFilter on %s', (backend) => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const g = geometry(c);
    const inputs = { x: randomArray(c.input, 800 + i), dy: randomArray(g.outShape, 900 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dimRoundingMode: c.dimRoundingMode, filterShape: g.filterShape };
    const got = runKernel(s, backend, 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
    expect(got.shape).toEqual(g.filterShape);
    const wide = reference(s, 'DepthwiseConv2dNativeBackpropFilter', inputs, { ...attrs, dilations: 1, filterShape: g.wide });
    const want = new Float32Array(got.values.length);
    const { out, block } = tapOffsets(g);
    for (const [to, from] of out) want.set(wide.values.subarray(from, from + block), to);
    expectClose(got.values, want);
  });
});

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const g = geometry(c);
    const filter = randomArray(g.filterShape, 1000 + i);
    const inputs = { dy: randomArray(g.outShape, 1100 + i), filter };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dimRoundingMode: c.dimRoundingMode, inputShape: c.input };
    const got = runKernel(s, 'wasm', 'DepthwiseConv2dNativeBackpropInput', inputs, attrs);
    expect(got.shape).toEqual(c.input);
    const wide: Array_ = { values: new Float32Array(g.wide.reduce((a, b) => a * b, 1)), shape: g.wide, dtype: 'float32' };
    const { out, block } = tapOffsets(g);
    for (const [from, to] of out) wide.values.set(filter.values.subarray(from, from + block), to);
    const want = reference(s, 'DepthwiseConv2dNativeBackpropInput', { dy: inputs.dy, filter: wide }, { ...attrs, dilations: 1 });
    expectClose(got.values, want.values);
  });
});
