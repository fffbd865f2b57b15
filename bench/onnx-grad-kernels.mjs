// Candidate ONNX subgraphs for gradient rules, timed in ONNX Runtime (the choices in
// src/backends/onnx/ops/ cite these figures). Needs `npm run build` first.
//
//   node bench/onnx-grad-kernels.mjs [threads=1] [runs=30]
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
await gather();
