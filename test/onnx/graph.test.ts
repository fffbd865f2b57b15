import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, LARGE_GRAPH_NODES, loadOrt, optimizationLevel } from '../../src/backends/onnx/runtime.js';

describe('OnnxGraph', () => {
  it('tracks static shapes through the op rules', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [4, 3]);
    const w = g.initializer('w', new Float32Array(6).fill(0.5), [3, 2]);
    const b = g.initializer('b', Float32Array.of(1, -1), [2]);
    const y = g.op1('Relu', [g.op1('Add', [g.op1('MatMul', [x, w]), b])]);
    expect(y.shape).toEqual([4, 2]);
    expect(() => g.op1('MatMul', [x, x])).toThrow(/inner dimensions differ.*x\[4,3\], x\[4,3\]/);
  });

  it('serialises a model that ONNX Runtime runs', async () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [2, 3]);
    const w = g.initializer('w', Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const b = g.initializer('b', Float32Array.of(1, -100), [2]);
    g.output(g.op1('Relu', [g.op1('Add', [g.op1('MatMul', [x, w]), b])]), 'y');
    const session = await createSession(g.toBytes(), { threads: 1 });
    const ort = loadOrt();
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 0, 0, 0, 1, 1), [2, 3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2, 0, 9, 0]);
    await session.release();
  });

  it('optimises graphs of more than LARGE_GRAPH_NODES nodes at level basic, smaller ones at all', async () => {
    const chain = (n: number) => {
      const g = new OnnxGraph('t');
      let v = g.input('x', [2]);
      for (let i = 0; i < n; i++) v = g.op1('Neg', [v]);
      g.output(v, 'y');
      return g.toBytes();
    };
    // n Negs plus the output's Identity.
    expect(optimizationLevel(chain(LARGE_GRAPH_NODES - 1))).toBe('all');
    expect(optimizationLevel(chain(LARGE_GRAPH_NODES))).toBe('basic');
    const session = await createSession(chain(LARGE_GRAPH_NODES + 1), { threads: 1 });
    const ort = loadOrt();
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, -2), [2]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([-1, 2]);
    await session.release();
  });
});
