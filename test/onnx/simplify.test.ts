/**
 * The forward-graph rewrites (src/backends/onnx/simplify.ts) on small graphs: which nodes they
 * remove, fold or move, and that the graph's outputs and its gradients (built after the rewrite)
 * are exactly those of the graph as emitted, on ONNX Runtime.
 */
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/backends/onnx/autodiff.js';
import { OnnxGraph, type Value } from '../../src/backends/onnx/graph.js';
import { onnx } from '../../src/backends/onnx/proto.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { prune, simplify } from '../../src/backends/onnx/simplify.js';
import { buildGraph } from '../../src/backends/onnx/train-step.js';
import { onnxOptimizer } from '../../src/backends/onnx/optimizers.js';
import { rng } from './gradcheck.js';
import { planOf } from './train-helpers.js';

type Build = (g: OnnxGraph, x: Value) => Value;

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/**
 * The graph `build` makes from x, with loss Σ y·r and dloss/dx as outputs; `rewrite` decides
 * whether simplify and prune run between the forward pass and the gradient, as in train-step.ts.
 */
function graphOf(shape: number[], build: Build, rewrite: boolean, extra?: (g: OnnxGraph, y: Value) => Value[]) {
  const g = new OnnxGraph('t');
  const x = g.input('x', shape);
  const y = build(g, x);
  const rnd = rng(99);
  const r = g.constant(Float32Array.from({ length: y.shape.reduce((a, b) => a * b, 1) }, () => rnd() * 2 - 1), y.shape);
  const loss = g.op1('ReduceSum', [g.op1('Mul', [y, r])], { keepdims: 0 });
  const roots = [loss, ...(extra?.(g, y) ?? [])];
  g.output(y, 'y');
  if (rewrite) simplify(g, roots);
  const [dx] = gradients(g, loss, [x]);
  g.output(dx!, 'dx');
  roots.slice(1).forEach((v, i) => g.output(v, `extra${i}`));
  if (rewrite) prune(g);
  return g;
}

async function run(g: OnnxGraph, x: Float32Array, shape: number[]): Promise<Record<string, number[]>> {
  const ort = loadOrt();
  const session = await createSession(g.toBytes(), { threads: 1 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, shape) });
    // + 0: a gradient of −0 where the other graph has +0 is the same gradient.
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data as Float32Array, (v) => v + 0)]));
  } finally {
    await session.release();
  }
}

const types = (g: OnnxGraph) => g.nodes.map((n) => n.type);

/** Rewritten and as-emitted graphs give bit-identical outputs and gradients; returns the rewritten one. */
async function expectSame(shape: number[], build: Build, x: Float32Array, extra?: (g: OnnxGraph, y: Value) => Value[]): Promise<OnnxGraph> {
  const plain = graphOf(shape, build, false, extra);
  const rewritten = graphOf(shape, build, true, extra);
  const [a, b] = [await run(plain, x, shape), await run(rewritten, x, shape)];
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const k of Object.keys(a)) expect(b[k], k).toEqual(a[k]);
  return rewritten;
}

const random = (n: number, seed = 1) => {
  const rnd = rng(seed);
  return Float32Array.from({ length: n }, () => rnd() * 2 - 1);
};

describe('simplify: transposes', () => {
  const shape = [2, 4, 4, 3];
  const x = random(96);

  it('removes a transpose and its inverse (the NHWC → NCHW → NHWC around a layer)', async () => {
    const g = await expectSame(shape, (g, x) => g.op1('Relu', [g.op1('Transpose', [g.op1('Transpose', [x], { perm: NHWC_TO_NCHW })], { perm: NCHW_TO_NHWC })]), x);
    expect(types(g)).not.toContain('Transpose');
  });

  it('removes chains of pairs, and a lone identity transpose', async () => {
    const g = await expectSame(
      shape,
      (g, x) => {
        let v = x;
        for (let k = 0; k < 3; k++) v = g.op1('Transpose', [g.op1('Transpose', [v], { perm: NHWC_TO_NCHW })], { perm: NCHW_TO_NHWC });
        return g.op1('Tanh', [g.op1('Transpose', [v], { perm: [0, 1, 2, 3] })]);
      },
      x,
    );
    expect(types(g)).not.toContain('Transpose');
  });

  it('folds two transposes that do not cancel into one with the composed permutation', async () => {
    const g = await expectSame(shape, (g, x) => g.op1('Sigmoid', [g.op1('Transpose', [g.op1('Transpose', [x], { perm: NHWC_TO_NCHW })], { perm: [0, 1, 3, 2] })]), x);
    const t = g.nodes.filter((n) => n.type === 'Transpose');
    // Forward one, and its gradient's.
    expect(t.map((n) => n.attrs.perm)).toEqual([
      [0, 3, 2, 1],
      [0, 3, 2, 1],
    ]);
  });

  it('keeps a transpose whose output is read elsewhere, and rewires only the readers of the pair', async () => {
    const g = await expectSame(
      shape,
      (g, x) => {
        const nchw = g.op1('Transpose', [x], { perm: NHWC_TO_NCHW });
        const back = g.op1('Transpose', [nchw], { perm: NCHW_TO_NHWC });
        // y reads the channels-first value too (flattened in that order).
        return g.op1('Add', [g.op1('Reshape', [nchw, g.ints([2, -1])]), g.op1('Reshape', [g.op1('Exp', [back]), g.ints([2, -1])])]);
      },
      x,
    );
    const exp = g.nodes.find((n) => n.type === 'Exp')!;
    expect(exp.inputs[0]!.name).toBe('x');
    // The NHWC→NCHW one stays (read by the Reshape); its gradient is one transpose back.
    expect(g.nodes.filter((n) => n.type === 'Transpose')).toHaveLength(2);
  });

  it('rewires every reader of a cancelling pair, a graph output\'s Identity included', async () => {
    const g = await expectSame(
      shape,
      (g, x) => g.op1('Transpose', [g.op1('Transpose', [x], { perm: NHWC_TO_NCHW })], { perm: NCHW_TO_NHWC }),
      x,
      (g, y) => [g.op1('Neg', [y])],
    );
    expect(g.nodes.find((n) => n.type === 'Neg')!.inputs[0]!.name).toBe('x');
    expect(g.outputs.map((o) => o.name)).toContain('y');
  });
});

describe('simplify: max-pool before relu', () => {
  const shape = [2, 3, 4, 6];
  const pool = (stride: number) => ({ kernel_shape: [2, 2], strides: [stride, stride] });
  // Mostly negative, with windows whose elements are all < 0, ties at 0 and ties among positives.
  const x = random(144, 7).map((v, i) => (i % 11 === 0 ? 0 : i % 13 === 0 ? 0.5 : v - 0.3));

  it('swaps them, so the relu (and its gradient) runs on the pooled tensor', async () => {
    for (const stride of [2, 1]) {
      const g = await expectSame(shape, (g, x) => g.op1('Sigmoid', [g.op1('MaxPool', [g.op1('Relu', [x])], pool(stride))]), x);
      const order = types(g).filter((t) => t === 'MaxPool' || t === 'Relu');
      // Forward: MaxPool then Relu; the gradient's second MaxPool computes the Indices.
      expect(order.slice(0, 2)).toEqual(['MaxPool', 'Relu']);
      const relu = g.nodes.find((n) => n.type === 'Relu')!;
      expect(relu.inputs[0]!.shape).toEqual(stride === 2 ? [2, 3, 2, 3] : [2, 3, 3, 5]);
    }
  });

  it('keeps the order when the relu has another reader, or is read after this point', async () => {
    const twice = await expectSame(shape, (g, x) => {
      const r = g.op1('Relu', [x]);
      return g.op1('Add', [g.op1('ReduceSum', [g.op1('MaxPool', [r], pool(2))], { keepdims: 0 }), g.op1('ReduceSum', [r], { keepdims: 0 })]);
    }, x);
    expect(twice.nodes.find((n) => n.type === 'MaxPool')!.inputs[0]!.name).toMatch(/^relu/);

    let relu: Value | undefined;
    const root = await expectSame(
      shape,
      (g, x) => g.op1('MaxPool', [(relu = g.op1('Relu', [x]))], pool(2)),
      x,
      () => [relu!],
    );
    expect(root.nodes.find((n) => n.type === 'MaxPool')!.inputs[0]!.name).toBe(relu!.name);
  });
});

describe('prune', () => {
  it('drops nodes and initializers no output depends on, keeps the rest in order', () => {
    const g = new OnnxGraph('t');
    const x = g.input('x', [3]);
    const used = g.constant(Float32Array.of(1, 2, 3), [3], 'used');
    const unused = g.constant(Float32Array.of(4, 5, 6), [3], 'unused');
    g.op1('Mul', [x, unused]);
    const y = g.op1('Exp', [g.op1('Add', [x, used])]);
    g.output(y, 'y');
    prune(g);
    expect(types(g)).toEqual(['Add', 'Exp', 'Identity']);
    expect([...g.initializers.keys()]).toEqual([used.name]);
  });
});

describe('simplify in the training graph', () => {
  it('a Conv2D → MaxPooling2D → Conv2D spec: no transpose pairs between layers, no Relu before a MaxPool', () => {
    const plan = planOf(`
nnspec: 1
name: convnet
inputs:
  x: {shape: [8, 8, 2]}
layers:
  c1:   {type: Conv2D, filters: 4, kernel_size: 3, padding: same, activation: relu}
  p1:   {type: MaxPooling2D, pool_size: 2}
  c2:   {type: Conv2D, filters: 4, kernel_size: 3, activation: relu}
  flat: {type: Flatten}
  out:  {type: Dense, units: 3, activation: softmax}
outputs: [out]
training:
  optimizer: {type: adam}
  loss: categorical_crossentropy
`);
    const model = { graph: plan.graph, outputs: plan.outputs, seed: 1, optimizer: onnxOptimizer(plan.optimizer!) };
    const shapes = { inputs: { x: { shape: [4, 8, 8, 2], dtype: 'float32' as const } }, targets: { out: { shape: [4, 3], dtype: 'float32' as const } } };
    const nodes = onnx.ModelProto.decode(buildGraph(model, 'train', shapes).bytes).graph!.node!;
    const producer = new Map(nodes.flatMap((n) => n.output!.map((o) => [o, n] as const)));
    const fed = (n: (typeof nodes)[number]) => producer.get(n.input![0]!);
    expect(nodes.filter((n) => n.opType === 'Transpose' && fed(n)?.opType === 'Transpose')).toEqual([]);
    const pools = nodes.filter((n) => n.opType === 'MaxPool' && n.output!.length === 1);
    expect(pools.length).toBeGreaterThan(0);
    for (const p of pools) expect(fed(p)?.opType).not.toBe('Relu');
  });
});
