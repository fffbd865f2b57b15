/** UnsortedSegmentSum, the scatter-add (new on wasm, replacing the cpu backend's per-segment loop). */
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGapKernels } from '../../src/backends/tfjs/kernels/index.js';
import { expectClose, random, randomArray, reference, runKernel, setup, type Array_, type Setup } from './helpers.js';

let s: Setup;
beforeAll(async () => {
  s = await setup();
});

function ids(n: number, numSegments: number, seed: number): Array_ {
  const next = random(seed);
  return { values: Int32Array.from({ length: n }, () => Math.floor(((next() + 1) / 2) * numSegments)), shape: [n], dtype: 'int32' };
}

describe.each(['wasm', 'cpu'])('UnsortedSegmentSum on %s', (backend) => {
  it.each([
    ['rows of 7, 13 segments', [50, 7], 13],
    ['single values', [40], 5],
    ['rows of 3×4', [20, 3, 4], 6],
    ['more segments than rows (some stay zero)', [6, 5], 30],
    ['embedding-sized', [100, 16], 400],
  ] as const)('%s', (_, shape, numSegments) => {
    const inputs = { x: randomArray([...shape], shape[0]), segmentIds: ids(shape[0], numSegments, numSegments) };
    const got = runKernel(s, backend, 'UnsortedSegmentSum', inputs, { numSegments });
    const want = reference(s, 'UnsortedSegmentSum', inputs, { numSegments });
    expect(got.shape).toEqual(want.shape);
    expectClose(got.values, want.values);
  });

  it('sums int32 values as int32', () => {
    const inputs = {
      x: { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' } as Array_,
      segmentIds: { values: Int32Array.from([1, 0, 1]), shape: [3], dtype: 'int32' } as Array_,
    };
    const got = runKernel(s, backend, 'UnsortedSegmentSum', inputs, { numSegments: 3 });
    expect(got.values).toBeInstanceOf(Int32Array);
    expect([...got.values]).toEqual([3, 4, 6, 8, 0, 0]);
  });

  it('drops ids outside [0, numSegments), as TensorFlow does', () => {
    const inputs = {
      x: { values: Float32Array.from([1, 10, 100, 1000]), shape: [4], dtype: 'float32' } as Array_,
      segmentIds: { values: Int32Array.from([0, -1, 2, 1]), shape: [4], dtype: 'int32' } as Array_,
    };
    expect([...runKernel(s, backend, 'UnsortedSegmentSum', inputs, { numSegments: 2 }).values]).toEqual([1, 1000]);
  });

  it('takes segment ids of rank 2 (output [numSegments, ...x.shape[2:]])', () => {
    const inputs = {
      x: { values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2], dtype: 'float32' } as Array_,
      segmentIds: { values: Int32Array.from([1, 0, 1, 1]), shape: [2, 2], dtype: 'int32' } as Array_,
    };
    const got = runKernel(s, backend, 'UnsortedSegmentSum', inputs, { numSegments: 2 });
    expect(got.shape).toEqual([2, 2]);
    expect([...got.values]).toEqual([3, 4, 1 + 5 + 7, 2 + 6 + 8]);
  });
});

describe('registration', () => {
  it('adds the kernels wasm lacks and replaces the slow ones', () => {
    const listed = s.gap.kernels.map((k) => `${k.backendName} ${k.kernelName}${k.replaced ? ' (replaced)' : ''}`);
    expect(listed).toEqual([
      'wasm UnsortedSegmentSum',
      'wasm Conv2DBackpropFilter',
      'wasm Conv2DBackpropInput (replaced)',
      'wasm DepthwiseConv2dNativeBackpropFilter',
      'wasm DepthwiseConv2dNativeBackpropInput',
      'wasm GatherV2 (replaced)',
      'wasm Sum (replaced)',
      'wasm MaxPoolGrad (replaced)',
      'wasm AvgPoolGrad (replaced)',
      'cpu UnsortedSegmentSum (replaced)',
      'cpu Conv2DBackpropFilter (replaced)',
      'cpu DepthwiseConv2dNativeBackpropFilter (replaced)',
      'cpu GatherV2 (replaced)',
      'cpu Sum (replaced)',
      'cpu MaxPoolGrad (replaced)',
      'cpu AvgPoolGrad (replaced)',
    ]);
    expect(s.tf.getKernel('UnsortedSegmentSum', 'cpu')).not.toBe(s.cpuOwn.UnsortedSegmentSum);
  });

  it("registers once however often called, and restore puts the backends' own kernels back", () => {
    const again = registerGapKernels(s.tf);
    again.restore();
    expect(s.tf.getKernel('UnsortedSegmentSum', 'cpu')).toBe(s.cpuOwn.UnsortedSegmentSum);
    expect(s.tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    expect(s.tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(s.wasmOwn.Conv2DBackpropInput);
    s.gap = registerGapKernels(s.tf);
    expect(s.tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });
});
