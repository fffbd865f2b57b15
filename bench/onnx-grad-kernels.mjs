// Candidate ONNX subgraphs for gradient rules, timed in ONNX Runtime (the choices in
// src/backends/onnx/ops/ cite these figures). Needs `npm run build` first.
//
//   node bench/onnx-grad-kernels.mjs [threads=1] [runs=30] [all|gather|conv|masks|convgrad]
//
// Wall times (gather, conv) and process CPU times (masks, convgrad: less sensitive to a loaded machine).
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

// Process CPU time of one run (all threads), the least load-sensitive figure on a shared machine.
async function cpuTime(name, g, feeds, runs = 6) {
  const session = await createSession(g.toBytes(), { threads });
  const fed = Object.fromEntries(g.inputs.map((v) => [v.name, feeds[v.name]]));
  await session.run(fed);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    await session.run(fed);
    const d = process.cpuUsage(t);
    ms.push((d.user + d.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} CPU median ${ms[runs >> 1].toFixed(2)} ms  min ${ms[0].toFixed(2)} ms`);
  await session.release();
}

// masks: a ReLU-style gradient mask on 64×64×32×32, and the max-pool 2×2 gradient options.
async function masks() {
  const S = [64, 64, 32, 32];
  const n = S.reduce((a, b) => a * b, 1);
  const feeds = {
    y: new ort.Tensor('float32', rand(n).map((v) => Math.max(v, 0)), S),
    dy: new ort.Tensor('float32', rand(n), S),
    dyp: new ort.Tensor('float32', rand(n / 4), [64, 64, 16, 16]),
  };
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const variants = {
    'mask: Where(y > 0, dy, 0)': (g, y, dy) => g.op1('Where', [g.op1('Greater', [y, g.scalar(0)]), dy, g.scalar(0)]),
    'mask: dy * Cast(y > 0)': (g, y, dy) => g.op1('Mul', [dy, g.op1('Cast', [g.op1('Greater', [y, g.scalar(0)])], { to: 1 })]),
    'mask: dy * Sign(y)': (g, y, dy) => g.op1('Mul', [dy, g.op1('Sign', [y])]),
    'maxpool: forward without Indices': (g, y) => g.op1('MaxPool', [y], pool),
    'maxpool: forward with Indices + MaxUnpool': (g, y, dy, dyp) => {
      const [, idx] = g.op('MaxPool', [y], pool);
      return g.op1('MaxUnpool', [dyp, idx, g.ints(S)], pool);
    },
    'maxpool: forward + equality mask (Resize)': (g, y, dy, dyp) => {
      const sc = g.constant(Float32Array.of(1, 1, 2, 2), [4]);
      const up = (t) => g.op1('Resize', [t, undefined, sc], { mode: 'nearest' });
      return g.op1('Mul', [up(dyp), g.op1('Cast', [g.op1('Equal', [y, up(g.op1('MaxPool', [y], pool))])], { to: 1 })]);
    },
    'maxpool: forward + ArgMax of the windows (Transpose)': (g, y, dy, dyp) => {
      const win = g.op1('Reshape', [g.op1('Transpose', [g.op1('Reshape', [y, g.ints([64, 64, 16, 2, 16, 2])])], { perm: [0, 1, 2, 4, 3, 5] }), g.ints([64, 64, 16, 16, 4])]);
      const hot = g.op1('Equal', [g.op1('ArgMax', [win], { axis: 4, keepdims: 1 }), g.ints([0, 1, 2, 3])]);
      const spread = g.op1('Mul', [g.op1('Unsqueeze', [dyp, g.ints([4])]), g.op1('Cast', [hot], { to: 1 })]);
      return g.op1('Reshape', [g.op1('Transpose', [g.op1('Reshape', [spread, g.ints([64, 64, 16, 16, 2, 2])])], { perm: [0, 1, 2, 4, 3, 5] }), g.ints(S)]);
    },
    'maxpool: forward + ArgMax by rows then columns': (g, y, dy, dyp) => {
      const x6 = g.op1('Reshape', [y, g.ints([64, 64, 16, 2, 16, 2])]);
      const col = g.op1('ArgMax', [x6], { axis: 5, keepdims: 1 });
      const row = g.op1('ArgMax', [g.op1('ReduceMax', [x6, g.ints([5])], { keepdims: 1 })], { axis: 3, keepdims: 1 });
      const hot = g.op1('And', [g.op1('Equal', [row, g.constant(BigInt64Array.of(0n, 1n), [2, 1, 1])]), g.op1('Equal', [col, g.ints([0, 1])])]);
      return g.op1('Reshape', [g.op1('Mul', [g.op1('Reshape', [dyp, g.ints([64, 64, 16, 1, 16, 1])]), g.op1('Cast', [hot], { to: 1 })]), g.ints(S)]);
    },
    'maxpool: forward + first-maximum mask by a second MaxPool': (g, y, dy, dyp) => {
      const x6 = g.op1('Reshape', [y, g.ints([64, 64, 16, 2, 16, 2])]);
      const split = (t) => g.op1('Reshape', [t, g.ints([64, 64, 16, 1, 16, 1])]);
      const zero = g.scalar(0);
      const prio = g.constant(Float32Array.of(4, 3, 2, 1), [1, 1, 1, 2, 1, 2]);
      const s = g.op1('Where', [g.op1('Equal', [x6, split(g.op1('MaxPool', [y], pool))]), prio, zero]);
      const best = g.op1('MaxPool', [g.op1('Reshape', [s, g.ints(S)])], pool);
      return g.op1('Reshape', [g.op1('Where', [g.op1('Equal', [s, split(best)]), split(dyp), zero]), g.ints(S)]);
    },
    'maxpool: forward with Indices (values read)': (g, y) => g.op('MaxPool', [y], pool)[0],
  };
  for (const [name, f] of Object.entries(variants)) {
    const g = new OnnxGraph('mask');
    const [y, dy, dyp] = [g.input('y', S), g.input('dy', S), g.input('dyp', [64, 64, 16, 16])];
    g.output(g.op1('ReduceMax', [f(g, y, dy, dyp)], { keepdims: 0 }), 'out');
    await cpuTime(name, g, feeds);
  }
}

// convgrad: the filter-gradient forms for Conv 3×3 64→64 on 64×64×32×32 (dx: flipped-kernel Conv
// against ConvTranspose), in CPU time.
async function convgrad() {
  const { filterGrad, inputGrad, geometry } = await import('../dist/backends/onnx/ops/conv.js');
  const [B, C, H] = [64, 64, 32];
  const S = [B, C, H, H];
  const n = B * C * H * H;
  const feeds = { x: new ort.Tensor('float32', rand(n), S), dy: new ort.Tensor('float32', rand(n), S), w: new ort.Tensor('float32', rand(C * C * 9, 0.1), [C, C, 3, 3]) };
  const attrs = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  const geo = geometry('Conv', [H, H], [3, 3], attrs, []);
  const taps = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => [a, b]));
  const variants = {
    'conv forward': (g, x, dy, w) => g.op1('Conv', [x, w], attrs),
    'dx: Conv with the flipped kernel (used)': (g, x, dy, w) => inputGrad(g, dy, w, x, geo, 1),
    'dx: ConvTranspose': (g, x, dy, w) => g.op1('ConvTranspose', [dy, w], attrs),
    'dW: one-hot depthwise im2col + MatMul (used)': (g, x, dy) => filterGrad(g, x, dy, geo, 1),
    'dW: 9 Slices + Concat + MatMul': (g, x, dy) => {
      const xp = g.op1('Pad', [x, g.ints([0, 0, 1, 1, 0, 0, 1, 1])]);
      const dyT = g.op1('Transpose', [g.op1('Reshape', [dy, g.ints([B, C, H * H])])], { perm: [0, 2, 1] });
      const col = g.op1('Concat', taps.map(([a, b]) => g.op1('Reshape', [g.op1('Slice', [xp, g.ints([a, b]), g.ints([a + H, b + H]), g.ints([2, 3])]), g.ints([B, C, H * H])])), { axis: 1 });
      return g.op1('ReduceSum', [g.op1('MatMul', [col, dyT]), g.ints([0])], { keepdims: 0 });
    },
    'dW: Conv over the batch axis (swapped)': (g, x, dy) => {
      const k = g.op1('Conv', [g.op1('Transpose', [x], { perm: [1, 0, 2, 3] }), g.op1('Transpose', [dy], { perm: [1, 0, 2, 3] })], { kernel_shape: [H, H], pads: [1, 1, 1, 1] });
      return g.op1('Transpose', [k], { perm: [1, 0, 2, 3] });
    },
  };
  for (const [name, f] of Object.entries(variants)) {
    const g = new OnnxGraph('convgrad');
    const [x, dy, w] = [g.input('x', S), g.input('dy', S), g.input('w', [C, C, 3, 3])];
    g.output(g.op1('ReduceMax', [f(g, x, dy, w)], { keepdims: 0 }), 'out');
    await cpuTime(name, g, feeds, 3);
  }
}


// convgrad1d: the filter gradient of the posts model's first Conv1D (256 → 128 channels, kernel 5,
// length 500, batch 64: x [64, 256, 500], dy [64, 128, 496]), in CPU time. The embedding's output
// arrives channels-last (xl [64, 500, 256]) and is transposed for the convolution.
async function convgrad1d() {
  const { filterGrad, geometry } = await import('../dist/backends/onnx/ops/conv.js');
  const [B, C, M, L, K] = [64, 256, 128, 500, 5];
  const P = L - K + 1;
  const feeds = { xl: new ort.Tensor('float32', rand(B * L * C), [B, L, C]), dy: new ort.Tensor('float32', rand(B * M * P), [B, M, P]) };
  const geo = geometry('Conv', [L], [K], {}, []);
  const variants = {
    'dW: filterGrad (used)': (g, xl, dy) => filterGrad(g, g.op1('Transpose', [xl], { perm: [0, 2, 1] }), dy, geo, 1),
    'dW: one Gemm per tap on channels-last rows': (g, xl, dy) => {
      const dyl = g.op1('Reshape', [g.op1('Transpose', [dy], { perm: [0, 2, 1] }), g.ints([B * P, M])]);
      const taps = Array.from({ length: K }, (_, t) => {
        const xt = g.op1('Reshape', [g.op1('Slice', [xl, g.ints([t]), g.ints([t + P]), g.ints([1])]), g.ints([B * P, C])]);
        return g.op1('Unsqueeze', [g.op1('Gemm', [dyl, xt], { transA: 1 }), g.ints([2])]);
      });
      return g.op1('Concat', taps, { axis: 2 });
    },
  };
  for (const [name, f] of Object.entries(variants)) {
    const g = new OnnxGraph('convgrad1d');
    const [xl, dy] = [g.input('xl', [B, L, C]), g.input('dy', [B, M, P])];
    g.output(g.op1('ReduceMax', [f(g, xl, dy)], { keepdims: 0 }), 'out');
    await cpuTime(name, g, feeds, 4);
  }
}

if (which === 'all' || which === 'masks') await masks();
if (which === 'all' || which === 'convgrad1d') await convgrad1d();
if (which === 'all' || which === 'convgrad') await convgrad();
