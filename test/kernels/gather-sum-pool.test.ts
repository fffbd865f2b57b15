/**
 * GatherV2 (row copies), Sum over leading axes (bias gradients) and the pooling gradients, on wasm and
 * cpu, against the cpu backend's own kernels; and the cases ours hands to the backend's own kernel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, random, randomArray, reference, runKernel, setup, type Array_, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup();
});

function ids(n: number, size: number, seed: number): Array_ {
  const next = random(seed);
  return { values: Int32Array.from({ length: n }, () => Math.floor(((next() + 1) / 2) * size)), shape: [n], dtype: 'int32' };
}

describe.each(['wasm', 'cpu'])('GatherV2 on %s', (backend) => {
  it.each([
    ['embedding rows, axis 0', [40, 6], 0, [3, 5]],
    ['axis 1 of 3', [3, 7, 4], 1, [9]],
    ['last axis (single values)', [4, 5], 1, [2, 3]],
    ['negative axis', [2, 6, 3], -2, [4]],
  ] as const)('%s', (_, shape, axis, idShape) => {
    const size = shape[(axis + shape.length) % shape.length]!;
    const n = idShape.reduce((a, b) => a * b, 1);
    const inputs = { x: randomArray([...shape], n), indices: { ...ids(n, size, size), shape: [...idShape] } };
    const attrs = { axis, batchDims: 0 };
    const got = runKernel(s, backend, 'GatherV2', inputs, attrs);
    const want = reference(s, 'GatherV2', inputs, attrs);
    expect(got.shape).toEqual(want.shape);
    expect([...got.values]).toEqual([...want.values]);
  });

  it('copies int32 tables as int32', () => {
    const inputs = {
      x: { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' } as Array_,
      indices: { values: Int32Array.from([2, 0, 2]), shape: [3], dtype: 'int32' } as Array_,
    };
    const got = runKernel(s, backend, 'GatherV2', inputs, { axis: 0, batchDims: 0 });
    expect(got.values).toBeInstanceOf(Int32Array);
    expect([...got.values]).toEqual([5, 6, 1, 2, 5, 6]);
  });

  it('throws on an index outside the axis, as the backends do', () => {
    const inputs = { x: randomArray([3, 2], 1), indices: { values: Int32Array.from([0, 5]), shape: [2], dtype: 'int32' } as Array_ };
    expect(() => runKernel(s, backend, 'GatherV2', inputs, { axis: 0, batchDims: 0 })).toThrow('GatherV2: the index value 5 is not in [0, 2]');
  });

  it('leaves batchDims > 0 to the backend', () => {
    const inputs = { x: randomArray([2, 5, 3], 2), indices: { values: Int32Array.from([4, 0, 1, 1]), shape: [2, 2], dtype: 'int32' } as Array_ };
    const attrs = { axis: 1, batchDims: 1 };
    expectClose(runKernel(s, backend, 'GatherV2', inputs, attrs).values, reference(s, 'GatherV2', inputs, attrs).values);
  });
});

describe.each(['wasm', 'cpu'])('Sum on %s', (backend) => {
  it.each([
    ['bias gradient of a conv, axes [0, 1, 2]', [3, 5, 4, 6], [0, 1, 2], false],
    ['bias gradient of a dense, axis 0', [7, 9], [0], false],
    ['unsorted leading axes, keepDims', [4, 3, 5], [1, 0], true],
    ['negative axis', [6, 4], [-2], false],
    ['trailing axis (the backend own kernel)', [4, 6], [1], false],
    ['all axes (the backend own kernel)', [4, 6], [0, 1], false],
    ['middle axis (the backend own kernel)', [3, 4, 5], [1], true],
  ] as const)('%s', (_, shape, axis, keepDims) => {
    const inputs = { x: randomArray([...shape], shape.length) };
    const attrs = { axis: [...axis], keepDims };
    const got = runKernel(s, backend, 'Sum', inputs, attrs);
    const want = reference(s, 'Sum', inputs, attrs);
    expect(got.shape).toEqual(want.shape);
    expectClose(got.values, want.values, 1e-6);
  });

  it('sums int32 as int32 (the backend own kernel)', () => {
    const inputs = { x: { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' } as Array_ };
    const got = runKernel(s, backend, 'Sum', inputs, { axis: [0], keepDims: false });
    expect([...got.values]).toEqual([9, 12]);
  });
});

// [input NHWC, filter, strides, pad]
const POOLS = [
  ['2×2 stride 2 valid', [2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
  ['3×3 stride 1 same (clipped windows)', [2, 6, 7, 4], [3, 3], [1, 1], 'same'],
  ['3×3 stride 2 same, odd size', [1, 9, 7, 2], [3, 3], [2, 2], 'same'],
  ['overlapping 3×3 stride 2 valid', [2, 9, 9, 3], [3, 3], [2, 2], 'valid'],
  ['MaxPooling1D-shaped 5×1 stride 5', [3, 23, 1, 5], [5, 1], [5, 5], 'valid'],
  ['2×3 strides [1, 2] same', [2, 5, 8, 3], [2, 3], [1, 2], 'same'],
] as const;

describe.each(['wasm', 'cpu'])('pooling gradients on %s', (backend) => {
  const info = (input: readonly number[], filter: readonly number[], strides: readonly number[], pad: string) =>
    s.tf.backend_util.computePool2DInfo(input as [number, number, number, number], filter as [number, number], strides as [number, number], 1, pad as 'same');

  it.each(POOLS.map((p, i) => [p[0], p, i] as const))('MaxPoolGrad, %s', (_, [, input, filter, strides, pad], i) => {
    const x = randomArray([...input], 30 + i);
    const dy = randomArray(info(input, filter, strides, pad).outShape as number[], 40 + i);
    // The forward output is an input of the kernel (tfjs's cpu kernel ignores it; so does ours).
    const output = randomArray(dy.shape, 50 + i);
    const attrs = { filterSize: [...filter], strides: [...strides], pad };
    const got = runKernel(s, backend, 'MaxPoolGrad', { dy, input: x, output }, attrs);
    expectClose(got.values, reference(s, 'MaxPoolGrad', { dy, input: x, output }, attrs).values, 1e-6);
  });

  it('MaxPoolGrad: ties go to the first maximum; an all-NaN window gets nothing', () => {
    const x: Array_ = { values: Float32Array.from([1, 1, 0, 1, NaN, NaN, NaN, NaN]), shape: [1, 2, 4, 1], dtype: 'float32' };
    const dy: Array_ = { values: Float32Array.from([5, 7]), shape: [1, 1, 2, 1], dtype: 'float32' };
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
    const got = runKernel(s, backend, 'MaxPoolGrad', { dy, input: x, output: dy }, attrs);
    expect([...got.values]).toEqual([5, 0, 0, 7, 0, 0, 0, 0]);
    expect([...got.values]).toEqual([...reference(s, 'MaxPoolGrad', { dy, input: x, output: dy }, attrs).values]);
  });

  // The gradient of sum(avgPool(x) · dy), read off tfjs's own forward pass (linear in x): position by
  // position, the pooled one-hot input dotted with dy. Its forward divides a clipped window by the
  // positions inside the input, and so must the gradient.
  function avgPoolDerivative(input: readonly number[], filter: readonly number[], strides: readonly number[], pad: string, dy: Array_): number[] {
    const tf = s.tf;
    const size = input.reduce((a, b) => a * b, 1);
    const r = tf.tensor(dy.values, dy.shape);
    const out: number[] = [];
    for (let i = 0; i < size; i++) {
      const e = new Float32Array(size);
      e[i] = 1;
      out.push(tf.tidy(() => tf.sum(tf.mul(tf.avgPool(tf.tensor4d(e, input as [number, number, number, number]), filter as [number, number], strides as [number, number], pad as 'same'), r)).dataSync()[0]!));
    }
    r.dispose();
    return out;
  }

  it.each(POOLS.map((p, i) => [p[0], p, i] as const))('AvgPoolGrad is the derivative of the forward pass, %s', async (_, [, input, filter, strides, pad], i) => {
    const x = randomArray([...input], 60 + i);
    const dy = randomArray(info(input, filter, strides, pad).outShape as number[], 70 + i);
    const attrs = { filterSize: [...filter], strides: [...strides], pad };
    const got = runKernel(s, backend, 'AvgPoolGrad', { dy, input: x }, attrs);
    await s.tf.setBackend('cpu');
    expectClose(got.values, avgPoolDerivative(input, filter, strides, pad, dy), 1e-6);
    // Where no window is clipped, tfjs's own kernel agrees.
    if (pad === 'valid') expectClose(got.values, reference(s, 'AvgPoolGrad', { dy, input: x }, attrs).values, 1e-6);
  });

  it("AvgPoolGrad 'same': a corner gets 1/4 + 2/6 + 1/9 of a unit gradient (tfjs's own kernel: 4/9)", () => {
    const x = randomArray([1, 3, 3, 1], 5);
    const dy: Array_ = { values: new Float32Array(9).fill(1), shape: [1, 3, 3, 1], dtype: 'float32' };
    const attrs = { filterSize: [3, 3], strides: [1, 1], pad: 'same' };
    const got = runKernel(s, backend, 'AvgPoolGrad', { dy, input: x }, attrs);
    expect(got.values[0]).toBeCloseTo(1 / 4 + 2 / 6 + 1 / 9, 6);
    expect(got.values[4]).toBeCloseTo(4 / 4 + 4 / 6 + 1 / 9, 6);
    expect(reference(s, 'AvgPoolGrad', { dy, input: x }, attrs).values[0]).toBeCloseTo(4 / 9, 6);
  });
});
