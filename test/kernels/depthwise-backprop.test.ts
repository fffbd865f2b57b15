/**
 * DepthwiseConv2dNativeBackpropFilter and ...BackpropInput (new on wasm; the filter gradient also
 * replaces the cpu backend's) against the cpu backend's own kernels, with channel multipliers 1 and
 * 2. The cpu kernels ignore dilation, so dilated cases are checked against them run on the equivalent
 * undilated filter (zeros between the taps).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_CASES, DILATED_CASES, dilatedTaps, narrowFilter, widenFilter, type ConvCase } from './conv-cases.js';
import { expectClose, randomArray, reference, runKernel, setup, type Array_, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup();
});

const CASES = [...CONV_CASES, ...DILATED_CASES].flatMap((c) => [1, 2].map((m) => ({ ...c, out: m, name: `${c.name}, multiplier ${m}` })));

function geometry(c: ConvCase) {
  const filterShape = [...c.kernel, c.input[3], c.out] as [number, number, number, number];
  const info = s.tf.backend_util.computeConv2DInfo(c.input, filterShape, c.strides, c.dilations ?? 1, c.pad, c.dimRoundingMode, true);
  return { filterShape, outShape: info.outShape as number[], taps: dilatedTaps(filterShape, c.dilations ?? 1) };
}

describe.each(['wasm', 'cpu'])('DepthwiseConv2dNativeBackpropFilter on %s', (backend) => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const g = geometry(c);
    const inputs = { x: randomArray(c.input, 800 + i), dy: randomArray(g.outShape, 900 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dimRoundingMode: c.dimRoundingMode, filterShape: g.filterShape };
    const got = runKernel(s, backend, 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
    expect(got.shape).toEqual(g.filterShape);
    const wide = reference(s, 'DepthwiseConv2dNativeBackpropFilter', inputs, { ...attrs, dilations: 1, filterShape: g.taps.wide });
    expectClose(got.values, narrowFilter(wide.values, g.taps));
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
    const wide: Array_ = { values: widenFilter(filter.values, g.taps), shape: g.taps.wide, dtype: 'float32' };
    const want = reference(s, 'DepthwiseConv2dNativeBackpropInput', { dy: inputs.dy, filter: wide }, { ...attrs, dilations: 1 });
    expectClose(got.values, want.values);
  });
});
