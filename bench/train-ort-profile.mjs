#!/usr/bin/env node
/**
 * Where the onnx engine's training step goes, by ONNX op type: one of issue 8's models
 * (bench/train-models.mjs) stepped by the engine on random batches, its sessions created with ONNX
 * Runtime's profiler on (sessionOptions.enableProfiling, patched into InferenceSession.create), the
 * profile's per-node kernel times (each node's fastest run, or its mean) summed by op type (the first run
 * of each session, its warm-up, left out). Needs a build.
 *
 *   node bench/train-ort-profile.mjs [--model qa|posts|conv] [--threads 1] [--steps 5] [--top 20] [--nodes] [--stat min|mean]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS, randomBatch } from './train-models.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const model = arg('--model', 'posts');
const threads = Number(arg('--threads', '1'));
const steps = Number(arg('--steps', '5'));
const top = Number(arg('--top', '20'));
// --nodes: the costliest nodes one by one (name, op, input shapes) instead of totals by op type.
const perNode = process.argv.includes('--nodes');
const m = MODELS[model];

// The engine loads onnxruntime-node with its own require; this is the same module instance.
const ort = createRequire(join(root, 'package.json'))('onnxruntime-node');
const dir = mkdtempSync(join(tmpdir(), 'nnspec-ort-profile-'));
const sessions = [];
const create = ort.InferenceSession.create.bind(ort.InferenceSession);
ort.InferenceSession.create = async (bytes, options = {}) => {
  const s = await create(bytes, { ...options, enableProfiling: true, profileFilePrefix: join(dir, `session${sessions.length}`) });
  sessions.push(s);
  return s;
};

const { compile } = await import(join(root, 'dist/compiler/compile.js'));
const { resolveObjective } = await import(join(root, 'dist/train/objective.js'));
const { optimizerConfig } = await import(join(root, 'dist/train/optimizer-config.js'));
const { onnxRuntime } = await import(join(root, 'dist/backends/onnx/engine.js'));
const { rngFor } = await import(join(root, 'dist/train/random.js'));
const graph = compile(readFileSync(join(root, m.spec)), m.spec).graph;
const objective = resolveObjective(graph);
const plan = { graph, outputs: objective.outputs, seed: 1, optimizer: optimizerConfig(graph.training.optimizer) };
const rng = rngFor(1, 'bench');
const batch = randomBatch(graph, objective.outputs, m, rng);
const engine = (await onnxRuntime({ threads })).create(plan);
const cpuMs = () => {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1000;
};
const t0 = cpuMs();
for (let i = 0; i <= steps; i++) await engine.step(batch, rng);
const stepMs = (cpuMs() - t0) / (steps + 1);
// Ending a session's profile writes its file (the engine's probe session is already released).
for (const s of sessions) {
  try {
    s.endProfiling();
  } catch {
    // released: nothing to profile
  }
}
engine.dispose();

// Each node's time is its fastest run (--stat min, the default: on a shared machine a run's wall
// time includes whatever preempted it) or its mean over the runs (--stat mean).
const useMin = arg('--stat', 'min') === 'min';
const perNodeRun = new Map();
let runs = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const events = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  if (modelRuns.length < 2) continue;
  const warm = modelRuns[0];
  const nodeEvents = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && !(e.ts >= warm.ts && e.ts <= warm.ts + warm.dur));
  runs = Math.max(runs, modelRuns.length - 1);
  for (const e of nodeEvents) {
    const key = `${f} ${e.name}`;
    const x = perNodeRun.get(key) ?? { e, durs: [] };
    x.durs.push(e.dur);
    perNodeRun.set(key, x);
  }
}
const byOp = new Map();
let total = 0;
for (const { e, durs } of perNodeRun.values()) {
  const op = perNode ? `${e.args?.op_name ?? '?'} ${e.name.replace(/_kernel_time$/, '')} ${JSON.stringify((e.args?.input_type_shape ?? []).map((t) => Object.values(t)[0]))}` : (e.args?.op_name ?? '?');
  const us = useMin ? Math.min(...durs) : durs.reduce((a, b) => a + b, 0) / durs.length;
  const x = byOp.get(op) ?? { us: 0, nodes: 0 };
  x.us += us;
  x.nodes++;
  byOp.set(op, x);
  total += us;
}
rmSync(dir, { recursive: true, force: true });
console.log(`${model} (${m.spec}, batch ${m.batch}${m.length ? `, length ${m.length}` : ''}) on onnx, ${threads} thread${threads > 1 ? 's' : ''}: ${stepMs.toFixed(0)} ms/step CPU over ${steps + 1} steps (warm-up included); profiled kernels ${(total / 1000).toFixed(0)} ms per run (each node's ${useMin ? 'fastest' : 'mean'} of ${runs} runs; wall time)`);
console.log('ms/run  share  nodes/run  op');
for (const [op, x] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
  console.log(`${(x.us / 1000).toFixed(1).padStart(6)}  ${((100 * x.us) / total).toFixed(1).padStart(5)}%  ${String(x.nodes).padStart(9)}  ${op}`);
}
