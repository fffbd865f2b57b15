// Candidate ONNX subgraphs for gradient rules, timed in ONNX Runtime (the choices in
// src/backends/onnx/ops/ cite these figures). Needs `npm run build` first.
//
//   node bench/onnx-grad-kernels.mjs [threads=1] [runs=30] [all|gather|conv]
//
// gather: the gradient of an embedding lookup (Gather of a 10,000×64 table by [64, 100] ids) as
//   ScatterND(add), ScatterElements(add) or a one-hot matrix product.
import { OnnxGraph } from '../dist/backends/onnx/graph.js';
import { createSession, loadOrt } from '../dist/backends/onnx/runtime.js';

const threads = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 30);
const ort = loadOrt();

function rand(n, scale = 1) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}

async function time(name, g, feeds) {
  const session = await createSession(g.toBytes(), { threads });
  const out = g.outputs[0].name;
  await session.run(feeds);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run(feeds, [out]);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} median ${ms[runs >> 1].toFixed(2)} ms  min ${ms[0].toFixed(2)} ms`);
  await session.release();
}

async function gather() {
  const [V, D, B, T] = [10000, 64, 64, 100];
  const ids = BigInt64Array.from({ length: B * T }, () => BigInt(Math.floor(Math.random() * V)));
  const feeds = { ids: new ort.Tensor('int64', ids, [B, T]), dy: new ort.Tensor('float32', rand(B * T * D), [B, T, D]) };
  const graph = (build) => {
    const g = new OnnxGraph('gather_grad');
    const i = g.input('ids', [B, T], 'int64');
    const dy = g.input('dy', [B, T, D]);
    g.output(build(g, i, dy), 'dtable');
    return g;
  };
  const zeros = (g) => g.op1('ConstantOfShape', [g.ints([V, D])], { value: { tensor: { dims: [1], dataType: 1, floatData: [0] } } });
  await time('gather grad: ScatterND add', graph((g, i, dy) => g.op1('ScatterND', [zeros(g), g.op1('Unsqueeze', [i, g.ints([2])]), dy], { reduction: 'add' })), feeds);
  await time(
    'gather grad: ScatterElements add',
    graph((g, i, dy) => {
      const idx = g.op1('Expand', [g.op1('Reshape', [i, g.ints([B * T, 1])]), g.ints([B * T, D])]);
      return g.op1('ScatterElements', [zeros(g), idx, g.op1('Reshape', [dy, g.ints([B * T, D])])], { axis: 0, reduction: 'add' });
    }),
    feeds,
  );
  await time(
    'gather grad: one-hot Gemm',
    graph((g, i, dy) => {
      const hot = g.op1('Cast', [g.op1('Equal', [g.op1('Reshape', [i, g.ints([B * T, 1])]), g.constant(BigInt64Array.from({ length: V }, (_, k) => BigInt(k)), [1, V])])], { to: 1 });
      return g.op1('Gemm', [hot, g.op1('Reshape', [dy, g.ints([B * T, D])])], { transA: 1 });
    }),
    feeds,
  );
}

console.log(`ONNX Runtime ${ort.env.versions?.common ?? ''}, ${threads} thread(s), ${runs} runs`);
if ((process.argv[4] ?? "all") === "all" || process.argv[4] === "gather") await gather();

// conv: one Conv2D layer's forward + backward (dx, dW, db) as autodiff builds it, against the
// forward alone; bench/torch_grad_kernels.py times the same layer in PyTorch.
async function conv() {
  const { gradients } = await import('../dist/backends/onnx/autodiff.js');
  const [B, C, H, K] = [64, 64, 32, 3];
  const feeds = {
    x: new ort.Tensor('float32', rand(B * C * H * H), [B, C, H, H]),
    w: new ort.Tensor('float32', rand(C * C * K * K, 0.1), [C, C, K, K]),
    b: new ort.Tensor('float32', rand(C), [C]),
    r: new ort.Tensor('float32', rand(B * C * H * H), [B, C, H, H]),
  };
  const flops = 2 * B * C * C * K * K * H * H;
  for (const [name, pool, backward] of [
    ['conv 3x3 64->64 32x32 b64: forward', false, false],
    ['conv 3x3 64->64 32x32 b64: forward+backward', false, true],
    ['conv + maxpool 2x2: forward', true, false],
    ['conv + maxpool 2x2: forward+backward', true, true],
  ]) {
    const g = new OnnxGraph('conv');
    const [x, w, b] = [g.input('x', [B, C, H, H]), g.input('w', [C, C, K, K]), g.input('b', [C])];
    const r = g.input('r', pool ? [B, C, H / 2, H / 2] : [B, C, H, H]);
    let y = g.op1('Conv', [x, w, b], { kernel_shape: [K, K], pads: [1, 1, 1, 1] });
    if (pool) y = g.op1('MaxPool', [y], { kernel_shape: [2, 2], strides: [2, 2] });
    const loss = g.op1('ReduceSum', [g.op1('Mul', [y, r])], { keepdims: 0 });
    if (backward) {
      const [dx, dw, db] = gradients(g, loss, [x, w, b]);
      g.output(g.op1('Add', [g.op1('Add', [g.op1('ReduceSum', [dx], { keepdims: 0 }), g.op1('ReduceSum', [dw], { keepdims: 0 })]), g.op1('ReduceSum', [db], { keepdims: 0 })]), 'out');
    } else g.output(loss, 'out');
    const f = { ...feeds, r: new ort.Tensor('float32', rand(r.shape.reduce((a, v) => a * v, 1)), r.shape) };
    await time(`${name} (${((backward ? 3 : 1) * flops / 1e9).toFixed(1)} GFLOP)`, g, f);
  }
}

const which = process.argv[4] ?? 'all';
if (which === 'all' || which === 'conv') await conv();
