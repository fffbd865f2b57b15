#!/usr/bin/env node
/**
 * Micro-benchmark of the gap kernels (src/backends/tfjs/kernels/). For each kernel and shape: the
 * time and GFLOP/s of ours on wasm, of ours as they were at git revision REV (--before REV), of the
 * wasm backend's own kernel where it has one, of ours on cpu where we replace the cpu kernel, and of
 * the cpu backend's own kernel (the reference), with the ratio of the best other wasm figure (before,
 * or the backend's own) to ours. Then one training epoch of two small models per backend (and per
 * version of the kernels). The kernels are bundled from the source tree (and from REV) on the fly: no
 * build needed. Within one backend, the versions are timed alternately, run by run.
 *
 *   node bench/kernels.mjs [--quick] [--before REV] [--only GatherV2,Sum,...] [--models-only] [--backends wasm,cpu]
 *
 * Each backend is measured in its own child process: the typed-array loops are JIT-compiled for the
 * arrays they meet, and meeting both wasm-heap and plain arrays in one process can slow them down.
 * The cpu backend's own kernels can take minutes on these shapes; when the estimate from a smaller
 * shape exceeds the budget, the figure is that estimate (marked ~), scaled by the work.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { loadGapKernels } from './gap-kernels.mjs';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const quick = process.argv.includes('--quick');
const child = arg('--backend');
const before = arg('--before');
const only = arg('--only')?.split(',');
const modelsOnly = process.argv.includes('--models-only');
const REF_BUDGET_MS = quick ? 2000 : 10000;

// [batch, height, width, in channels, out channels (depthwise: multiplier), kernel, stride, padding]
const CONV = [
  ['posts conv_1: Conv1D 500×256→128 k5 valid, batch 64', [64, 1, 500, 256, 128, [1, 5], 1, 'valid']],
  ['posts conv_4: Conv1D 18×256→256 k5 valid, batch 64', [64, 1, 18, 256, 256, [1, 5], 1, 'valid']],
  ['conv model conv_2: Conv2D 32×32×64→64 k3 same, batch 64', [64, 32, 32, 64, 64, 3, 1, 'same']],
  ['conv model conv_1: Conv2D 32×32×3→64 k3 same, batch 64', [64, 32, 32, 3, 64, 3, 1, 'same']],
  ['conv model residual: Conv2D 32×32×3→64 k1 s2 same, batch 64', [64, 32, 32, 3, 64, 1, 2, 'same']],
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
  ['posts: Embedding 50000×256, 64 samples × 500 tokens', [50000, 32000, 256]],
  ['Embedding 10000×64, 512 samples × 100 tokens', [10000, 51200, 64]],
  ['Embedding 1000×32, 32 samples × 50 tokens', [1000, 1600, 32]],
];
const SEGMENT_SMALL = 4;
const SMALL_BATCH = 2;
// [label, x shape, reduced axes]: bias gradients.
const SUM = [
  ['posts conv_1 bias: [64, 496, 128] over [0, 1]', [64, 496, 128], [0, 1]],
  ['conv model conv_2 bias: [64, 32, 32, 64] over [0, 1, 2]', [64, 32, 32, 64], [0, 1, 2]],
];
// [label, input NHWC, filter, strides, pad]
const POOL = [
  ['posts pool_1: MaxPooling1D 5 on 496×128, batch 64', [64, 496, 1, 128], [5, 1], [5, 1], 'valid'],
  ['conv model pooled: MaxPooling2D 2 on 32×32×64, batch 64', [64, 32, 32, 64], [2, 2], [2, 2], 'valid'],
  ['conv model smoothed: AveragePooling2D 3 s1 same on 16×16×64, batch 64', [64, 16, 16, 64], [3, 3], [1, 1], 'same'],
];

function cases() {
  const out = [];
  for (const [label, shape] of SEGMENT) out.push({ kernel: 'GatherV2', label, shape });
  for (const [label, shape] of SEGMENT) out.push({ kernel: 'UnsortedSegmentSum', label, shape });
  for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput']) for (const [label, shape] of CONV) out.push({ kernel, label, shape });
  for (const kernel of ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) for (const [label, shape] of DEPTHWISE) out.push({ kernel, label, shape });
  for (const [label, shape, axes] of SUM) out.push({ kernel: 'Sum', label, shape: [shape, axes] });
  for (const [label, ...shape] of POOL) out.push({ kernel: shape[1][0] === 3 ? 'AvgPoolGrad' : 'MaxPoolGrad', label, shape });
  return out.filter((c) => !modelsOnly && (!only || only.includes(c.kernel)));
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
  const own = {};
  for (const c of cases()) own[c.kernel] = tf.getKernel(c.kernel, backendName);
  // Each version's kernels, made without registering (the backend's own stay registered, for the
  // kernels ours call and hand cases to).
  const versions = { now: await loadGapKernels() };
  if (before) versions.before = await loadGapKernels(before);
  const configs = {};
  for (const [v, mod] of Object.entries(versions)) {
    configs[v] = {};
    for (const make of mod.GAP_KERNELS[backendName] ?? []) {
      let config = make(tf, backendName, () => own[config?.kernelName]);
      configs[v][config.kernelName] = config;
    }
  }
  console.warn = saved;
  const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const reps = quick ? 3 : 5;

  for (const c of cases()) {
    const full = make(tf, c.kernel, c.shape);
    const row = { kernel: c.kernel, label: c.label, backend: backendName, work: full.work };
    const contenders = Object.entries(configs).filter(([, k]) => k[c.kernel]).map(([v, k]) => [v, k[c.kernel]]);
    Object.assign(row, timeAlternately(tf, backendName, contenders, full, reps));
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
  // Each version's epoch twice, in the order a b b a, and the mean of the two: the first epoch of a
  // process pays for JIT compilation and heap growth, which this order shares out evenly.
  for (const m of only ? [] : MODELS) {
    const entries = Object.entries(versions);
    const times = Object.fromEntries(entries.map(([v]) => [v, []]));
    for (const [v, mod] of [...entries, ...[...entries].reverse()]) {
      const gap = mod.registerGapKernels(tf, backendName);
      times[v].push(await epoch(tf, m));
      gap.restore();
    }
    for (const [v, t] of Object.entries(times)) emit({ model: m.label, backend: backendName, version: v, ms: (t[0] + t[1]) / 2 });
  }
}

/** Median ms of each contender over `reps` rounds, one run of each per round (after one warm-up each). */
function timeAlternately(tf, backendName, contenders, c, reps) {
  const times = Object.fromEntries(contenders.map(([v]) => [v, []]));
  for (let r = -1; r < reps; r++) {
    for (const [v, config] of r % 2 ? contenders : [...contenders].reverse()) {
      const ms = timeKernel(tf, backendName, config, c, 1, false);
      if (r >= 0) times[v].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([v, t]) => [v, t.sort((a, b) => a - b)[Math.floor(t.length / 2)]]));
}

function withBatch(kernel, shape, batch) {
  if (kernel === 'UnsortedSegmentSum') return [SEGMENT_SMALL, shape[1], shape[2]];
  if (kernel === 'GatherV2') return shape;
  if (kernel === 'Sum' || kernel.endsWith('PoolGrad')) return [[batch, ...shape[0].slice(1)], ...shape.slice(1)];
  return [batch, ...shape.slice(1)];
}

/**
 * Inputs, attributes and work (multiply-adds × 2; adds for the scatter) of one case, and the cost
 * that the backend's own kernel scales with (for the estimate).
 */
function make(tf, kernel, shape) {
  const rand = (n) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
  const size = (s) => s.reduce((a, b) => a * b, 1);
  if (kernel === 'GatherV2') {
    const [vocab, tokens, width] = shape;
    return {
      arrays: {
        x: { values: rand(vocab * width), shape: [vocab, width], dtype: 'float32' },
        indices: { values: Int32Array.from({ length: tokens }, () => Math.floor(Math.random() * vocab)), shape: [tokens], dtype: 'int32' },
      },
      attrs: { axis: 0, batchDims: 0 },
      work: tokens * width,
      cost: tokens * width,
    };
  }
  if (kernel === 'Sum') {
    const [xShape, axes] = shape;
    return { arrays: { x: { values: rand(size(xShape)), shape: xShape, dtype: 'float32' } }, attrs: { axis: axes, keepDims: false }, work: size(xShape), cost: size(xShape) };
  }
  if (kernel === 'MaxPoolGrad' || kernel === 'AvgPoolGrad') {
    const [inShape, filterSize, strides, pad] = shape;
    const info = tf.backend_util.computePool2DInfo(inShape, filterSize, strides, 1, pad);
    const input = { values: rand(size(inShape)), shape: inShape, dtype: 'float32' };
    const dy = { values: rand(size(info.outShape)), shape: info.outShape, dtype: 'float32' };
    const work = size(info.outShape) * filterSize[0] * filterSize[1];
    const arrays = kernel === 'MaxPoolGrad' ? { dy, input, output: dy } : { dy, input };
    return { arrays, attrs: { filterSize, strides, pad }, work, cost: work };
  }
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

/** Median ms of `reps` runs (after one warm-up when reps > 1 and `warm`), output freed. */
function timeKernel(tf, backendName, config, c, reps, warm = true) {
  const backend = tf.findBackend(backendName);
  const inputs = {};
  for (const [k, a] of Object.entries(c.arrays)) inputs[k] = { dataId: backend.write(a.values, a.shape, a.dtype), shape: a.shape, dtype: a.dtype };
  const run = () => {
    // Both backends run kernels synchronously: the output is complete when kernelFunc returns.
    const out = config.kernelFunc({ inputs, attrs: c.attrs, backend });
    backend.disposeData(out.dataId);
  };
  if (reps > 1 && warm) run();
  // Process CPU time, not wall time: the machine is shared, and these kernels run on one thread.
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.cpuUsage();
    run();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
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
  const t0 = process.cpuUsage();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const t = process.cpuUsage(t0);
  const ms = (t.user + t.system) / 1000;
  model.dispose();
  tf.dispose([x, y]);
  return ms;
}

// ---------------------------------------------------------------------------------------------------
// Parent: run both children, print the comparison.

function runParent() {
  const self = fileURLToPath(import.meta.url);
  const backends = (arg('--backends') ?? 'wasm,cpu').split(',');
  const results = { wasm: [], cpu: [] };
  for (const backend of backends) {
    const pass = [...(quick ? ['--quick'] : []), ...(modelsOnly ? ['--models-only'] : []), ...(before ? ['--before', before] : []), ...(only ? ['--only', only.join(',')] : [])];
    const r = spawnSync(process.execPath, [self, '--backend', backend, ...pass], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    results[backend] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  }
  const rate = (ms, work, unit) => (ms === undefined ? '' : ` ${(work / ms / 1e6).toFixed(2)} ${unit}`);
  const cell = (ms, work, unit, est) => (ms === undefined ? '—' : `${est ? '~' : ''}${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms${rate(ms, work, unit)}`);
  console.log(`gap kernels: times are medians; GF/s = GFLOP/s (UnsortedSegmentSum, GatherV2, Sum: G elements/s; pooling: G window reads/s); ~ = estimated from a smaller problem (batch 2; vocabulary 4), scaled by the work${before ? `; before = the kernels at ${before}` : ''}\n`);
  const header = ['kernel / case', 'wasm (ours)', ...(before ? ['wasm (before)'] : []), "wasm's own", 'cpu (ours)', "cpu's own", 'wasm gain'];
  const rows = [header];
  const cpuRows = new Map(results.cpu.filter((r) => r.kernel).map((r) => [`${r.kernel} ${r.label}`, r]));
  const wasmRows = results.wasm.length ? results.wasm : results.cpu.map((r) => ({ ...r, now: undefined, before: undefined, own: undefined }));
  for (const w of wasmRows.filter((r) => r.kernel)) {
    const c = cpuRows.get(`${w.kernel} ${w.label}`) ?? {};
    const unit = ['Conv', 'Depth'].some((k) => w.kernel.startsWith(k)) ? 'GF/s' : 'G/s';
    const previous = Math.min(...[w.before, w.own].filter((v) => v !== undefined));
    rows.push([
      `${w.kernel}: ${w.label}`,
      cell(w.now, w.work, unit),
      ...(before ? [cell(w.before, w.work, unit)] : []),
      cell(w.own, w.work, unit, w.estimated),
      cell(c.now, c.work, unit),
      cell(c.own, c.work, unit, c.estimated),
      w.now && Number.isFinite(previous) ? `×${(previous / w.now).toFixed(previous / w.now < 10 ? 1 : 0)}` : '',
    ]);
  }
  printTable(rows);
  if (!results.wasm.some((r) => r.model) && !results.cpu.some((r) => r.model)) return;
  console.log('\none training epoch (adam), gap kernels registered (process CPU time):');
  const epochs = [...results.wasm, ...results.cpu].filter((r) => r.model);
  const labels = [...new Set(epochs.map((r) => r.model))];
  const columns = [...new Set(epochs.map((r) => `${r.backend} ${r.version}`))];
  printTable([
    ['model', ...columns],
    ...labels.map((l) => [l, ...columns.map((col) => {
      const r = epochs.find((e) => e.model === l && `${e.backend} ${e.version}` === col);
      return r ? `${(r.ms / 1000).toFixed(2)} s` : '—';
    })]),
  ]);
}

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  '));
}

if (child) await runChild(child);
else runParent();
