// Where an ONNX training step's time goes: builds a spec's training graph (forward, objective,
// backward from src/backends/onnx/autodiff.ts, optimizer), runs it with ONNX Runtime's profiler
// and sums kernel time by op type, split into the nodes before the backward pass and after it.
// Needs `npm run build` first.
//
//   node bench/onnx-step-profile.mjs SPEC [batch=64] [steps=5] [threads=1] [seq=100]
//
// Large embedding tables that the engine feeds as the batch's rows (./src/backends/onnx/tables.ts)
// are fed as 512 rows here (the ids are drawn from 500 values).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../dist/compiler/compile.js';
import { onnxOptimizer } from '../dist/backends/onnx/optimizers.js';
import { buildGraph } from '../dist/backends/onnx/train-step.js';
import { sparseTables } from '../dist/backends/onnx/tables.js';
import { onnx } from '../dist/backends/onnx/proto.js';
import { loadOrt } from '../dist/backends/onnx/runtime.js';
import { resolveObjective } from '../dist/train/objective.js';
import { optimizerConfig } from '../dist/train/optimizer-config.js';

const [spec, batchArg, stepsArg, threadsArg, seqArg] = process.argv.slice(2);
if (!spec) throw new Error('usage: node bench/onnx-step-profile.mjs SPEC [batch] [steps] [threads] [seq]');
const batch = Number(batchArg ?? 64);
const steps = Number(stepsArg ?? 5);
const threads = Number(threadsArg ?? 1);
const seq = Number(seqArg ?? 100);
const ort = loadOrt();

const graph = compile(readFileSync(spec, 'utf8'), spec).graph;
const objective = resolveObjective(graph);
const model = { graph, outputs: objective.outputs, seed: 1, optimizer: onnxOptimizer(optimizerConfig(graph.training?.optimizer)) };
const concrete = (shape) => [batch, ...shape.slice(1).map((d) => d ?? seq)];
const shapes = {
  inputs: Object.fromEntries(graph.inputs.map((i) => [i.name, { shape: concrete(i.output.shape), dtype: i.output.dtype === 'int32' ? 'int32' : 'float32' }])),
  targets: Object.fromEntries(objective.outputs.map((o) => [o.name, { shape: concrete(graph.nodes.get(o.name).output.shape), dtype: 'float32' }])),
  tables: Object.fromEntries(sparseTables(graph, model.optimizer).map((t) => [t.weight, 512])),
};
const t0 = performance.now();
const built = buildGraph(model, 'train', shapes);
const buildMs = performance.now() - t0;
const proto = onnx.ModelProto.decode(built.bytes).graph;

// The backward pass starts at the first node reading a value no forward node could have made:
// autodiff's seed (the first initializer named k_…) marks it.
const nodes = proto.node;
const firstBackward = nodes.findIndex((n) => n.input.some((i) => /^k_\d+$/.test(i)));
const phaseOf = new Map(nodes.map((n, i) => [n.name, i < firstBackward || firstBackward < 0 ? 'forward+loss' : 'backward+update']));
const typeOf = new Map(nodes.map((n) => [n.name, n.opType]));

const ELEM = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool' };
const feeds = {};
for (const v of proto.input) {
  const dims = v.type.tensorType.shape.dim.map((d) => Number(d.dimValue));
  const n = dims.reduce((a, b) => a * b, 1);
  const type = ELEM[v.type.tensorType.elemType];
  const data = type === 'int32' ? Int32Array.from({ length: n }, (_, i) => (i * 7919) % 500) : type === 'int64' ? BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 500)) : Float32Array.from({ length: n }, (_, i) => (v.name.startsWith('optimizer:') ? 0.001 : Math.sin(i) * 0.05));
  feeds[v.name] = new ort.Tensor(type, data, dims);
}

// Timing first, without the profiler: process CPU time (all threads) and wall time per step.
const plain = await ort.InferenceSession.create(built.bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
await plain.run(feeds);
const cpu = [];
const wallPlain = [];
for (let s = 0; s < steps; s++) {
  const [c, t] = [process.cpuUsage(), performance.now()];
  await plain.run(feeds);
  const d = process.cpuUsage(c);
  wallPlain.push(performance.now() - t);
  cpu.push((d.user + d.system) / 1000);
}
await plain.release();
cpu.sort((a, b) => a - b);
wallPlain.sort((a, b) => a - b);

const prefix = join(tmpdir(), `nnspec-profile-${process.pid}`);
const session = await ort.InferenceSession.create(built.bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix });
await session.run(feeds);
const wall = [];
for (let s = 0; s < steps; s++) {
  const t = performance.now();
  await session.run(feeds);
  wall.push(performance.now() - t);
}
session.endProfiling();
await session.release();
// onnxruntime-node does not return the file's name: it is the prefix plus a timestamp.
const base = prefix.split('/').pop();
const file = join(tmpdir(), readdirSync(tmpdir()).find((f) => f.startsWith(base)));
const events = JSON.parse(readFileSync(file, 'utf8'));
rmSync(file, { force: true });

// Kernel events of the timed runs (the first run warms up), by the node they ran.
const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
const from = runs.length > 1 ? runs[1].ts : 0;
const byType = new Map();
const byPhase = new Map();
let kernels = 0;
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < from) continue;
  const node = e.name.slice(0, -'_kernel_time'.length);
  const type = e.args?.op_name ?? typeOf.get(node) ?? '?';
  const phase = phaseOf.get(node) ?? 'fused';
  const key = `${phase.padEnd(16)} ${type}`;
  byType.set(key, (byType.get(key) ?? 0) + e.dur / 1000 / steps);
  byPhase.set(phase, (byPhase.get(phase) ?? 0) + e.dur / 1000 / steps);
  kernels++;
}
wall.sort((a, b) => a - b);
console.log(`${graph.name}: batch ${batch}, ${nodes.length} nodes (${firstBackward} before the backward pass), graph built in ${buildMs.toFixed(0)} ms, ${threads} thread(s)`);
console.log(`step: CPU median ${cpu[cpu.length >> 1].toFixed(1)} ms (min ${cpu[0].toFixed(1)}), wall median ${wallPlain[wallPlain.length >> 1].toFixed(1)} ms (min ${wallPlain[0].toFixed(1)}); ${(batch / (cpu[cpu.length >> 1] / 1000)).toFixed(0)} samples/s by CPU time`);
console.log(`profiled: wall median ${wall[wall.length >> 1].toFixed(1)} ms, ${(kernels / steps).toFixed(0)} kernel calls per step (kernel ms below are wall time)`);
for (const [phase, ms] of byPhase) console.log(`  ${phase.padEnd(16)} ${ms.toFixed(1)} ms`);
console.log('top op types (ms per step):');
for (const [k, ms] of [...byType].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${k.padEnd(40)} ${ms.toFixed(2)}`);
