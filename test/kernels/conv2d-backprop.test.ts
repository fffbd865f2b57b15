/**
 * Conv2DBackpropFilter (new on wasm, replacing the cpu backend's) and Conv2DBackpropInput (replacing
 * the wasm backend's) against the cpu backend's own kernels, on NHWC and NCHW, and with a dilation
 * (checked on the equivalent undilated filter, since the cpu kernels take none).
 */
import { beforeAll, describe, it } from 'vitest';
import { CONV_CASES, DILATED_CASES, dilatedTaps, narrowFilter, widenFilter, type ConvCase } from './conv-cases.js';
import { expectClose, randomArray, reference, runKernel, setup, type Array_, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup();
});

function shapes(c: ConvCase) {
  const filterShape = [...c.kernel, c.input[3], c.out];
  const info = s.tf.backend_util.computeConv2DInfo(c.input, filterShape as [number, number, number, number], c.strides, 1, c.pad, c.dimRoundingMode);
  return { filterShape, outShape: info.outShape as number[] };
}

const toNchw = (shape: number[]) => [shape[0]!, shape[3]!, shape[1]!, shape[2]!];

describe.each(['wasm', 'cpu'])('Conv2DBackpropFilter on %s', (backend) => {
  it.each(CONV_CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const { filterShape, outShape } = shapes(c);
    const inputs = { x: randomArray(c.input, 10 + i), dy: randomArray(outShape, 100 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape };
    const got = runKernel(s, backend, 'Conv2DBackpropFilter', inputs, attrs);
    const want = reference(s, 'Conv2DBackpropFilter', inputs, attrs);
    expectClose(got.values, want.values);
  });
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(CONV_CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const { filterShape, outShape } = shapes(c);
    const inputs = { dy: randomArray(outShape, 200 + i), filter: randomArray(filterShape, 300 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.input };
    const got = runKernel(s, 'wasm', 'Conv2DBackpropInput', inputs, attrs);
    expectClose(got.values, reference(s, 'Conv2DBackpropInput', inputs, attrs).values);
  });
});

describe('NCHW', () => {
  const cases = CONV_CASES.filter((c) => typeof c.pad === 'string').slice(0, 6);
  it.each(cases.map((c, i) => [c.name, c, i] as const))('filter gradient on wasm, %s', (_, c, i) => {
    const { filterShape, outShape } = shapes(c);
    const inputs = { x: randomArray(toNchw(c.input), 400 + i), dy: randomArray(toNchw(outShape), 500 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW', filterShape };
    expectClose(runKernel(s, 'wasm', 'Conv2DBackpropFilter', inputs, attrs).values, reference(s, 'Conv2DBackpropFilter', inputs, attrs).values);
  });
  it.each(cases.map((c, i) => [c.name, c, i] as const))('input gradient on wasm, %s', (_, c, i) => {
    const { filterShape, outShape } = shapes(c);
    const inputs = { dy: randomArray(toNchw(outShape), 600 + i), filter: randomArray(filterShape, 700 + i) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW', inputShape: toNchw(c.input) };
    expectClose(runKernel(s, 'wasm', 'Conv2DBackpropInput', inputs, attrs).values, reference(s, 'Conv2DBackpropInput', inputs, attrs).values);
  });
});

describe('dilation', () => {
  it.each(DILATED_CASES.map((c, i) => [c.name, c, i] as const))('filter and input gradients on wasm, %s', (_, c, i) => {
    const filterShape = [...c.kernel, c.input[3], c.out];
    const info = s.tf.backend_util.computeConv2DInfo(c.input, filterShape as [number, number, number, number], c.strides, c.dilations!, c.pad);
    const taps = dilatedTaps(filterShape, c.dilations!);
    const x = randomArray(c.input, 800 + i);
    const dy = randomArray(info.outShape as number[], 900 + i);
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, dataFormat: 'NHWC' };
    const dw = runKernel(s, 'wasm', 'Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape });
    const wideDw = reference(s, 'Conv2DBackpropFilter', { x, dy }, { ...attrs, dilations: 1, filterShape: taps.wide });
    expectClose(dw.values, narrowFilter(wideDw.values, taps));
    const filter = randomArray(filterShape, 1000 + i);
    const wide: Array_ = { values: widenFilter(filter.values, taps), shape: taps.wide, dtype: 'float32' };
    const dx = runKernel(s, 'wasm', 'Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: c.input });
    expectClose(dx.values, reference(s, 'Conv2DBackpropInput', { dy, filter: wide }, { ...attrs, dilations: 1, inputShape: c.input }).values);
  });
});
