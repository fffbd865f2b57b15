#!/usr/bin/env node
/**
 * npm run bench:train — nnspec's engines against PyTorch on the issue-8 models: question_answering
 * (length 100, batch 128), social_posts (length 500, batch 64) and the conv model
 * (bench/specs/conv.yaml, batch 64), at 1 and 2 threads. Needs a build (npm run bench:train does it)
 * and Debian's PyTorch (/usr/bin/python3 with python3-torch) for the PyTorch side
 * (bench/torch_train.py).
 *
 * 1. Loop: the training step alone, on random data of the spec's shapes, in a fresh process per
 *    (model, contender, threads): nnspec's engine stepped in-process (the onnx engine; tfjs wasm),
 *    PyTorch's step written by hand. Each step is timed in process CPU time (all threads) and wall
 *    time; the first step of each process is warm-up and not counted. Contenders alternate within a
 *    round, in a rotating order, for --rounds rounds; min and median per contender over all steps.
 *    At 1 thread the CPU-time figures are the comparison (the machine is shared); at 2 threads
 *    CPU time counts both threads, so wall time is shown too.
 * 2. End to end: `nnspec train` from process start to the saved run (wall and CPU time of the whole
 *    process by GNU time), synth data of --e2e-batches batches, one epoch; PyTorch the same: start,
 *    read the .npy files, train one epoch, torch.save.
 *
 * wasm runs on one thread in Node whatever --threads says, so it appears at 1 thread only.
 *
 *   node bench/train.mjs [--models qa,posts,conv] [--threads 1,2] [--contenders onnx,wasm,pytorch]
 *        [--steps 6] [--rounds 2] [--e2e-batches 8] [--no-loop] [--no-e2e] [--json]
 *        [--roots LABEL=DIR,...]
 *
 * --roots compares builds of nnspec in one run: a contender `onnx@LABEL` is the onnx engine of the
 * checkout at DIR (built, e.g. a `git worktree` of an earlier commit), alternated with the others.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS, randomBatch } from './train-models.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const PYTHON = '/usr/bin/python3';

const cpuMs = () => {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1000;
};

// ---------------------------------------------------------------------------------------------------
// Worker: one contender's training steps in this process, one JSON line of per-step times.

const rootsArg = arg('--roots', process.env.NNSPEC_BENCH_ROOTS ?? '');
const roots = new Map(rootsArg ? rootsArg.split(',').map((kv) => kv.split('=')) : []);
/** The checkout a contender runs from, and its engine name: `onnx@base` is onnx from --roots' base. */
function contenderRoot(contender) {
  const [engine, label] = contender.split('@');
  if (label === undefined) return { engine, dir: root };
  if (!roots.has(label)) throw new Error(`--roots names no checkout '${label}'`);
  return { engine, dir: roots.get(label) };
}

async function loopWorker(model, contender, threads, steps) {
  const m = MODELS[model];
  const { engine: engineName, dir: root } = contenderRoot(contender);
  const { readFileSync } = await import('node:fs');
  const { compile } = await import(join(root, 'dist/compiler/compile.js'));
  const { resolveObjective } = await import(join(root, 'dist/train/objective.js'));
  const { optimizerConfig } = await import(join(root, 'dist/train/optimizer-config.js'));
  const { startEngine } = await import(join(root, 'dist/commands/engine.js'));
  const { rngFor } = await import(join(root, 'dist/train/random.js'));
  const compiled = compile(readFileSync(join(root, m.spec)), m.spec);
  if (!compiled.ok) throw new Error(`${m.spec} does not compile`);
  const graph = compiled.graph;
  const objective = resolveObjective(graph);
  const plan = { graph, outputs: objective.outputs, seed: 1, optimizer: optimizerConfig(graph.training.optimizer) };
  const rng = rngFor(1, 'bench');
  const batch = randomBatch(graph, objective.outputs, m, rng);
  let err = '';
  const io = { stdout: { write() {}, isTTY: false }, stderr: { write: (s) => (err += s), isTTY: false }, env: process.env, cwd: root };
  const runtime = await startEngine(engineName, io, { threads }, { plan, batch });
  if (!runtime) throw new Error(err.trim());
  const engine = runtime.create(plan);
  const cpu = [];
  const wall = [];
  for (let i = 0; i <= steps; i++) {
    const [c0, w0] = [cpuMs(), performance.now()];
    await engine.step(batch, rng);
    const [c1, w1] = [cpuMs(), performance.now()];
    if (i > 0) [cpu[i - 1], wall[i - 1]] = [c1 - c0, w1 - w0];
  }
  engine.dispose();
  process.stdout.write(JSON.stringify({ model, contender, threads, detail: runtime.detail, cpu, wall }) + '\n');
}

// ---------------------------------------------------------------------------------------------------
// Parent.

function loopRun(model, contender, threads, steps) {
  if (contender === 'pytorch') {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const r = spawnSync(PYTHON, [join(root, 'bench/torch_train.py'), '--worker', model, '--threads', String(threads), '--steps', String(steps), '--per-step'], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    if (r.status !== 0) return { error: (r.stderr || '').trim().split('\n').slice(-2).join(' | ') };
    return JSON.parse(r.stdout.trim().split('\n').pop());
  }
  const r = spawnSync(process.execPath, [self, '--loop-worker', model, contender, String(threads), String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, NNSPEC_BENCH_ROOTS: rootsArg } });
  if (r.status !== 0) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** `cmd` under GNU time: wall and CPU seconds of the whole process, or the error. */
function timed(cmd, args, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCHTIME %e %U %S', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  const line = (r.stderr || '').split('\n').find((l) => l.startsWith('BENCHTIME'));
  if (r.status !== 0 || !line) return { error: (r.stderr || '').trim().split('\n').filter((l) => !l.startsWith('BENCHTIME')).slice(-2).join(' | ') };
  const [wall, user, sys] = line.split(' ').slice(1).map(Number);
  return { wall, cpu: user + sys };
}

function e2eRun(model, contender, threads, data, out) {
  const m = MODELS[model];
  if (contender === 'pytorch') {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    return timed(PYTHON, [join(root, 'bench/torch_train.py'), '--worker', model, '--threads', String(threads), '--data', data, '--epochs', '1', '--save', join(out, 'model.pt')], env);
  }
  const flags = ['--backend', contender, ...(contender === 'onnx' ? ['--threads', String(threads)] : [])];
  return timed(process.execPath, [join(root, 'bin/nnspec'), 'train', join(root, m.spec), '--data', data, '--out', out, '--epochs', '1', '--batch-size', String(m.batch), '--seed', '1', '--quiet', ...flags]);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)] };
};

async function parent() {
  const models = arg('--models', 'qa,posts,conv').split(',');
  const threadsList = arg('--threads', '1,2').split(',').map(Number);
  const contenders = arg('--contenders', 'onnx,wasm,pytorch').split(',');
  const steps = Number(arg('--steps', '6'));
  const rounds = Number(arg('--rounds', '2'));
  const e2eBatches = Number(arg('--e2e-batches', '8'));
  const json = process.argv.includes('--json');
  const say = (s) => !json && console.log(s);
  const load0 = loadavg()[0];
  say(`node ${process.version}, ${rounds} rounds × ${steps} steps per contender (first step of each process not counted); load average ${load0.toFixed(1)} at start`);
  const applies = (c, t) => !(c.startsWith('wasm') && t > 1);

  // 1. Loop, alternated.
  if (!process.argv.includes('--no-loop')) loop(models, threadsList, contenders, steps, rounds, json, say, applies);

  // 2. End to end.
  if (!process.argv.includes('--no-e2e')) e2e(models, threadsList, contenders, e2eBatches, json, say, applies);
  say(`\nload average ${loadavg()[0].toFixed(1)} at the end`);
}

function loop(models, threadsList, contenders, steps, rounds, json, say, applies) {
  const steps_ = new Map();
  const details = new Map();
  const errors = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const model of models) {
      for (const threads of threadsList) {
        const order = contenders.filter((c) => applies(c, threads));
        const rotated = [...order.slice(r % order.length), ...order.slice(0, r % order.length)];
        for (const c of rotated) {
          const key = `${model} ${c} ${threads}`;
          const res = loopRun(model, c, threads, steps);
          if (res.error) {
            errors.set(key, res.error);
            continue;
          }
          const acc = steps_.get(key) ?? { cpu: [], wall: [] };
          acc.cpu.push(...res.cpu);
          acc.wall.push(...res.wall);
          steps_.set(key, acc);
          details.set(key, res.detail ?? res.torch);
        }
      }
    }
  }
  const rows = [];
  for (const model of models) {
    for (const threads of threadsList) {
      const torch = steps_.get(`${model} pytorch ${threads}`);
      const torchCpu = torch && stats(torch.cpu).median;
      const torchWall = torch && stats(torch.wall).median;
      for (const c of contenders.filter((c) => applies(c, threads))) {
        const key = `${model} ${c} ${threads}`;
        const s = steps_.get(key);
        if (!s) {
          rows.push({ model, contender: c, threads, error: errors.get(key) ?? 'not run' });
          continue;
        }
        const [cpu, wall] = [stats(s.cpu), stats(s.wall)];
        const b = MODELS[model].batch;
        rows.push({
          model, contender: c, threads, detail: details.get(key), steps: s.cpu.length,
          cpu_ms: cpu, wall_ms: wall,
          samples_per_s_cpu: (b * 1000) / cpu.median, samples_per_s_wall: (b * 1000) / wall.median,
          vs_pytorch_cpu: torchCpu ? torchCpu / cpu.median : undefined,
          vs_pytorch_wall: torchWall ? torchWall / wall.median : undefined,
        });
      }
    }
  }
  if (json) for (const r of rows) console.log(JSON.stringify({ kind: 'loop', ...r }));
  say('\nloop: ms per step (min / median), samples/s from the median, and × PyTorch (its median ÷ ours)');
  say(table([
    ['model', 'threads', 'contender', 'CPU ms min/med', 'samples/s (CPU)', '× PyTorch (CPU)', 'wall ms min/med', 'samples/s (wall)', '× PyTorch (wall)'],
    ...rows.map((r) => r.error
      ? [r.model, r.threads, r.contender, `failed: ${r.error.slice(0, 100)}`, '', '', '', '', '']
      : [r.model, r.threads, r.contender, `${r.cpu_ms.min.toFixed(0)} / ${r.cpu_ms.median.toFixed(0)}`, r.samples_per_s_cpu.toFixed(0), r.vs_pytorch_cpu?.toFixed(2) ?? '', `${r.wall_ms.min.toFixed(0)} / ${r.wall_ms.median.toFixed(0)}`, r.samples_per_s_wall.toFixed(0), r.vs_pytorch_wall?.toFixed(2) ?? '']),
  ]));

}

function e2e(models, threadsList, contenders, e2eBatches, json, say, applies) {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-bench-train-'));
  const e2e = [];
  try {
    for (const model of models) {
      const m = MODELS[model];
      const data = join(dir, `${model}-data`);
      execFileSync(process.execPath, [join(root, 'bin/nnspec'), 'synth', join(root, m.spec), '--samples', String(m.batch * e2eBatches), '--out', data, '--seed', '1', ...(m.length ? ['--length', String(m.length)] : [])], { stdio: 'ignore' });
      for (const threads of threadsList) {
        for (const c of contenders.filter((c) => applies(c, threads))) {
          const out = join(dir, `${model}-${c}-${threads}`);
          const res = e2eRun(model, c, threads, data, out);
          rmSync(out, { recursive: true, force: true });
          e2e.push({ model, contender: c, threads, samples: m.batch * e2eBatches, ...res });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) for (const r of e2e) console.log(JSON.stringify({ kind: 'e2e', ...r }));
  say(`\nend to end: process start to saved run, one epoch of ${e2eBatches} batches (GNU time: wall s, CPU s)`);
  say(table([
    ['model', 'threads', 'contender', 'samples', 'wall s', 'CPU s'],
    ...e2e.map((r) => [r.model, r.threads, r.contender, r.samples, r.error ? `failed: ${r.error.slice(0, 100)}` : r.wall.toFixed(1), r.error ? '' : r.cpu.toFixed(1)]),
  ]));
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((v, i) => (i < 3 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  ')).join('\n');
}

if (process.argv[2] === '--loop-worker') await loopWorker(process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6]));
else await parent();
