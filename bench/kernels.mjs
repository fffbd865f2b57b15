#!/usr/bin/env node
/**
 * Micro-benchmark of the gap kernels (src/backends/tfjs/kernels/). For each kernel and shape: the
 * time and GFLOP/s of ours on wasm, of the wasm backend's own kernel where it has one, of ours on cpu
 * where we replace the cpu kernel, and of the cpu backend's own kernel (the reference), with the ratio
 * of the reference's time to ours on wasm. Then one training epoch of two small models per backend.
 *
 *   npx tsc -p tsconfig.build.json && node bench/kernels.mjs [--quick]
 *
 * Each backend is measured in its own child process: the typed-array loops are JIT-compiled for the
 * arrays they meet, and meeting both wasm-heap and plain arrays in one process can slow them down.
 * The cpu backend's own kernels can take minutes on these shapes; when the estimate from a smaller
 * shape exceeds the budget, the figure is that estimate (marked ~), scaled by the work.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const child = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : undefined;
const REF_BUDGET_MS = quick ? 2000 : 10000;

// [batch, height, width, in channels, out channels (depthwise: multiplier), kernel, stride, padding]
const CONV = [
  ['Conv2D 32×32×32→64 k3 s1 same, batch 32', [32, 32, 32, 32, 64, 3, 1, 'same']],
  ['Conv2D 32×32×32→64 k3 s2 same, batch 32', [32, 32, 32, 32, 64, 3, 2, 'same']],
  ['Conv1D length 100, 64→64 k5, batch 32', [32, 1, 100, 64, 64, [1, 5], 1, 'same']],
  ['Conv2D 28×28×1→32 k5 valid, batch 32', [32, 28, 28, 1, 32, 5, 1, 'valid']],
];
const DEPTHWISE = [
  ['Depthwise 32×32×32 ×1 k3 s1 same, batch 32', [32, 32, 32, 32, 1, 3, 1, 'same']],
  ['Depthwise 32×32×32 ×1 k3 s2 same, batch 32', [32, 32, 32, 32, 1, 3, 2, 'same']],
  ['Depthwise 16×16×64 ×2 k3 s1 valid, batch 32', [32, 16, 16, 64, 2, 3, 1, 'valid']],
];
// [vocabulary, tokens, width]; the cpu backend's own kernel makes one pass over all tokens per
// vocabulary entry, so its estimate comes from a vocabulary of SEGMENT_SMALL.
const SEGMENT = [
  ['Embedding 10000×64, 512 samples × 100 tokens', [10000, 51200, 64]],
  ['Embedding 1000×32, 32 samples × 50 tokens', [1000, 1600, 32]],
];
const SEGMENT_SMALL = 4;
const SMALL_BATCH = 2;

function cases() {
  const out = [];
  for (const [label, shape] of SEGMENT) out.push({ kernel: 'UnsortedSegmentSum', label, shape });
  for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput']) for (const [label, shape] of CONV) out.push({ kernel, label, shape });
  for (const kernel of ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) for (const [label, shape] of DEPTHWISE) out.push({ kernel, label, shape });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Child: measure one backend, print one JSON object per line.

async function runChild(backendName) {
  const saved = console.warn;
  console.warn = console.log = () => {};
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backendName);
  await tf.ready();
  tf.tidy(() => tf.scalar(0));
  const { registerGapKernels } = await import('../dist/backends/tfjs/kernels/index.js');
  const own = {};
  for (const c of cases()) own[c.kernel] = tf.getKernel(c.kernel, backendName);
  const gap = registerGapKernels(tf, backendName);
  const ours = new Set(gap.kernels.map((k) => k.kernelName));
  console.warn = saved;
  const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const reps = quick ? 3 : 5;

  for (const c of cases()) {
    const full = make(tf, c.kernel, c.shape);
    const row = { kernel: c.kernel, label: c.label, backend: backendName, work: full.work };
    if (ours.has(c.kernel)) row.ours = timeKernel(tf, backendName, tf.getKernel(c.kernel, backendName), full, reps);
    if (own[c.kernel]) {
      // The backend's own kernel: measure a small batch first and scale up only if affordable.
      const small = make(tf, c.kernel, withBatch(c.kernel, c.shape, SMALL_BATCH));
      const smallMs = timeKernel(tf, backendName, own[c.kernel], small, 1);
      const estimate = (smallMs * full.cost) / small.cost;
      if (estimate <= REF_BUDGET_MS) row.own = timeKernel(tf, backendName, own[c.kernel], full, estimate > 1000 ? 1 : 3);
      else [row.own, row.estimated] = [estimate, true];
    }
    emit(row);
  }
  for (const m of MODELS) {
    const ms = await epoch(tf, m);
    emit({ model: m.label, backend: backendName, ms });
  }
}

function withBatch(kernel, shape, batch) {
  if (kernel === 'UnsortedSegmentSum') return [SEGMENT_SMALL, shape[1], shape[2]];
  return [batch, ...shape.slice(1)];
}

/**
 * Inputs, attributes and work (multiply-adds × 2; adds for the scatter) of one case, and the cost
 * that the backend's own kernel scales with (for the estimate).
 */
function make(tf, kernel, shape) {
  const rand = (n) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
  const size = (s) => s.reduce((a, b) => a * b, 1);
  if (kernel === 'UnsortedSegmentSum') {
    const [vocab, tokens, width] = shape;
    return {
      arrays: {
        x: { values: rand(tokens * width), shape: [tokens, width], dtype: 'float32' },
        segmentIds: { values: Int32Array.from({ length: tokens }, () => Math.floor(Math.random() * vocab)), shape: [tokens], dtype: 'int32' },
      },
      attrs: { numSegments: vocab },
      work: tokens * width,
      cost: vocab * tokens * width,
    };
  }
  const [b, h, w, c, out, k, s, pad] = shape;
  const [kh, kw] = Array.isArray(k) ? k : [k, k];
  const depthwise = kernel.startsWith('Depthwise');
  const filterShape = [kh, kw, c, out];
  const info = tf.backend_util.computeConv2DInfo([b, h, w, c], filterShape, s, 1, pad, undefined, depthwise);
  const x = { values: rand(b * h * w * c), shape: [b, h, w, c], dtype: 'float32' };
  const dy = { values: rand(size(info.outShape)), shape: info.outShape, dtype: 'float32' };
  const filter = { values: rand(size(filterShape)), shape: filterShape, dtype: 'float32' };
  const attrs = { strides: s, pad, dilations: 1, dataFormat: 'NHWC' };
  const work = 2 * b * info.outHeight * info.outWidth * kh * kw * c * out;
  if (kernel.endsWith('Filter')) return { arrays: { x, dy }, attrs: { ...attrs, filterShape }, work, cost: work };
  return { arrays: { dy, filter }, attrs: { ...attrs, inputShape: [b, h, w, c] }, work, cost: work };
}

/** Median ms of `reps` runs (after one warm-up when reps > 1), output read back and freed. */
function timeKernel(tf, backendName, config, c, reps) {
  const backend = tf.findBackend(backendName);
  const inputs = {};
  for (const [k, a] of Object.entries(c.arrays)) inputs[k] = { dataId: backend.write(a.values, a.shape, a.dtype), shape: a.shape, dtype: a.dtype };
  const run = () => {
    const out = config.kernelFunc({ inputs, attrs: c.attrs, backend });
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
  };
  if (reps > 1) run();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  for (const i of Object.values(inputs)) backend.disposeData(i.dataId);
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

const MODELS = [
  {
    label: 'Embedding 10000×64 → GlobalAveragePooling1D → Dense, 512 samples × 100 tokens, batch 32',
    build(tf) {
      const input = tf.input({ shape: [100], dtype: 'int32' });
      let h = tf.layers.embedding({ inputDim: 10000, outputDim: 64 }).apply(input);
      h = tf.layers.globalAveragePooling1d().apply(h);
      const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h);
      const x = tf.randomUniform([512, 100], 0, 10000, 'int32');
      return { model: tf.model({ inputs: input, outputs: out }), x, y: tf.oneHot(tf.randomUniform([512], 0, 2, 'int32'), 2) };
    },
  },
  {
    label: 'CNN 32×32×3: Conv2D 32 → Conv2D 64 s2 → SeparableConv2D 64 → GAP → Dense, 128 samples, batch 32',
    build(tf) {
      const input = tf.input({ shape: [32, 32, 3] });
      let h = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input);
      h = tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h);
      h = tf.layers.separableConv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h);
      h = tf.layers.globalAveragePooling2d({}).apply(h);
      const out = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(h);
      const x = tf.randomNormal([128, 32, 32, 3]);
      return { model: tf.model({ inputs: input, outputs: out }), x, y: tf.oneHot(tf.randomUniform([128], 0, 10, 'int32'), 10) };
    },
  },
];

async function epoch(tf, m) {
  const { model, x, y } = m.build(tf);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const ms = performance.now() - t0;
  model.dispose();
  tf.dispose([x, y]);
  return ms;
}

// ---------------------------------------------------------------------------------------------------
// Parent: run both children, print the comparison.

function runParent() {
  const self = fileURLToPath(import.meta.url);
  const results = {};
  for (const backend of ['wasm', 'cpu']) {
    const r = spawnSync(process.execPath, [self, '--backend', backend, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    results[backend] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  }
  const rate = (ms, work, unit) => (ms === undefined ? '' : ` ${(work / ms / 1e6).toFixed(2)} ${unit}`);
  const cell = (ms, work, unit, est) => (ms === undefined ? '—' : `${est ? '~' : ''}${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms${rate(ms, work, unit)}`);
  console.log(`gap kernels: times are medians; GF/s = GFLOP/s (UnsortedSegmentSum: G adds/s); ~ = estimated from a smaller problem (batch 2; vocabulary 4), scaled by the work\n`);
  const header = ['kernel / case', 'wasm (ours)', "wasm's own", 'cpu (ours)', "cpu's own (reference)", 'reference ÷ wasm'];
  const rows = [header];
  const cpuRows = new Map(results.cpu.filter((r) => r.kernel).map((r) => [`${r.kernel} ${r.label}`, r]));
  for (const w of results.wasm.filter((r) => r.kernel)) {
    const c = cpuRows.get(`${w.kernel} ${w.label}`);
    const unit = w.kernel === 'UnsortedSegmentSum' ? 'G/s' : 'GF/s';
    rows.push([
      `${w.kernel}: ${w.label}`,
      cell(w.ours, w.work, unit),
      cell(w.own, w.work, unit, w.estimated),
      cell(c.ours, c.work, unit),
      cell(c.own, c.work, unit, c.estimated),
      w.ours ? `×${(c.own / w.ours).toFixed(c.own / w.ours < 10 ? 1 : 0)}` : '',
    ]);
  }
  printTable(rows);
  console.log('\none training epoch (adam), gap kernels registered on each backend:');
  const cpuModels = new Map(results.cpu.filter((r) => r.model).map((r) => [r.model, r.ms]));
  printTable([
    ['model', 'wasm', 'cpu', 'cpu ÷ wasm'],
    ...results.wasm.filter((r) => r.model).map((r) => [r.model, `${(r.ms / 1000).toFixed(2)} s`, `${(cpuModels.get(r.model) / 1000).toFixed(2)} s`, `×${(cpuModels.get(r.model) / r.ms).toFixed(1)}`]),
  ]);
}

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  '));
}

if (child) await runChild(child);
else runParent();
