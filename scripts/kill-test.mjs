// Kill safety at scale: `npm run kill-test -- --kills N [--seed S] [--jobs J] [--epochs E]`.
// Trains a small model once without interruption, then N times starts the same seeded run and
// SIGKILLs it at a random moment (start-up, mid-epoch, mid-checkpoint, after the end), and each
// time checks that the run directory's last checkpoint loads (checkpoint.json names a complete
// directory whose model.json, weights.bin, optimizer and state files parse and agree) and that
// `--resume` continues to weights byte-identical to the uninterrupted run's (cpu backend: a seeded
// run repeats exactly); a run killed after its last checkpoint is complete (--resume refuses with
// NN902) and its weights.bin must already be the final one. A run killed before its first checkpoint must refuse --resume with NN901
// and train afresh to the same weights. Uses bin/nnspec (run `npm run build` first). Exit 0 when
// every kill passes. Results are recorded in FUZZING.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/nnspec');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const kills = flag('kills', 100);
const seed = flag('seed', 1);
const jobs = flag('jobs', 2);
const epochs = flag('epochs', 20);
const keep = argv.includes('--keep');

const SPEC = `nnspec: 1
name: kill_test
inputs:
  x: {shape: [16]}
layers:
  h1: {type: Dense, units: 32, activation: relu}
  h2: {type: Dense, units: 32, activation: relu}
  y: {type: Dense, units: 4, activation: softmax}
outputs: [y]
training:
  optimizer: adam
  loss: sparse_categorical_crossentropy
  metrics: [acc]
  batch_size: 16
  epochs: ${epochs}
`;

/** xorshift32, as test/support/rng.ts. */
function rng(s) {
  s = s >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

const STACK = /\n\s+at [^\n]*:\d+:\d+/;

function nnspec(args, { killAfterMs } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const p = spawn(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

const json = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Checks the last checkpoint of `run`; undefined when it has none, else its epoch; throws what is wrong. */
function checkCheckpoint(run) {
  const pointerFile = join(run, 'checkpoint.json');
  if (!existsSync(pointerFile)) return undefined;
  const pointer = json(pointerFile);
  const dir = join(run, pointer.dir);
  for (const f of ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json']) {
    if (!existsSync(join(dir, f))) throw new Error(`checkpoint ${pointer.dir} has no ${f}`);
  }
  const model = json(join(dir, 'model.json'));
  const weights = model.weightsManifest.flatMap((g) => g.weights);
  const expected = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const size = statSync(join(dir, 'weights.bin')).size;
  if (size !== expected) throw new Error(`checkpoint ${pointer.dir}: weights.bin has ${size} bytes, model.json's manifest ${expected}`);
  const values = new Float32Array(readFileSync(join(dir, 'weights.bin')).buffer.slice(0));
  if (!values.every(Number.isFinite)) throw new Error(`checkpoint ${pointer.dir}: a weight is not finite`);
  const optimizer = json(join(dir, 'optimizer.json'));
  const slots = optimizer.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (statSync(join(dir, 'optimizer.bin')).size !== slots) throw new Error(`checkpoint ${pointer.dir}: optimizer.bin does not match optimizer.json`);
  json(join(dir, 'state.json'));
  // Every other file in the run is written atomically: whatever is there must parse.
  for (const f of readdirSync(run)) if (f.endsWith('.json')) json(join(run, f));
  return pointer.epoch;
}

const work = mkdtempSync(join(tmpdir(), 'nnspec-kill-'));
const failures = [];
const outcomes = { checkpointed: 0, beforeFirstCheckpoint: 0, finished: 0, complete: 0, identical: 0 };
const epochsAtKill = {};
try {
  writeFileSync(join(work, 'spec.yaml'), SPEC);
  const synth = await nnspec(['synth', 'spec.yaml', '--samples', '1024', '--out', 'data', '--seed', '3']);
  if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  const train = ['train', 'spec.yaml', '--data', 'data', '--seed', '1', '--backend', 'cpu', '--quiet'];
  const ref = await nnspec([...train, '--out', 'reference']);
  if (ref.code !== 0) throw new Error(`the uninterrupted run failed: ${ref.stderr}`);
  const reference = readFileSync(join(work, 'reference/weights.bin'));
  const window = ref.ms * 1.1;
  process.stderr.write(`reference run: ${epochs} epochs in ${(ref.ms / 1000).toFixed(1)} s; ${kills} kills at random moments in the first ${(window / 1000).toFixed(1)} s, ${jobs} at a time\n`);
  const r = rng(seed);
  const moments = Array.from({ length: kills }, () => Math.round(r() * window));
  let next = 0;
  const one = async (i) => {
    const out = `run-${i}`;
    const run = join(work, out);
    const fail = (why, detail = '') => failures.push(`kill ${i} at ${moments[i]} ms: ${why}${detail ? `\n    ${detail.slice(0, 600).replace(/\n/g, '\n    ')}` : ''}`);
    const killed = await nnspec([...train, '--out', out], { killAfterMs: moments[i] });
    if (killed.signal !== 'SIGKILL') {
      if (killed.code !== 0) return fail(`exit ${killed.code} before the kill`, killed.stderr);
      outcomes.finished++;
    }
    let epoch;
    try {
      epoch = existsSync(run) ? checkCheckpoint(run) : undefined;
    } catch (e) {
      return fail(`the last checkpoint does not load: ${e.message}`);
    }
    if (epoch === undefined) {
      outcomes.beforeFirstCheckpoint++;
      const resumed = await nnspec([...train, '--out', out, '--resume']);
      if (resumed.code !== 1 || !/NN901/.test(resumed.stderr) || STACK.test(resumed.stderr)) return fail(`--resume without a checkpoint: exit ${resumed.code}, expected 1 with NN901`, resumed.stderr);
      rmSync(run, { recursive: true, force: true });
      const fresh = await nnspec([...train, '--out', out]);
      if (fresh.code !== 0) return fail(`a fresh run after the refused resume failed`, fresh.stderr);
    } else {
      if (killed.signal === 'SIGKILL') outcomes.checkpointed++;
      epochsAtKill[epoch] = (epochsAtKill[epoch] ?? 0) + 1;
      const resumed = await nnspec([...train, '--out', out, '--resume']);
      // Killed after its last checkpoint: the run is complete, and --resume says so (NN902); its
      // top-level files must then be the final ones (checked below).
      const complete = epoch === epochs && resumed.code === 1 && /NN902/.test(resumed.stderr) && /already completed/.test(resumed.stderr);
      if (complete) outcomes.complete++;
      else if (resumed.code !== 0) return fail(`--resume exit ${resumed.code}`, resumed.stderr);
    }
    const weights = readFileSync(join(run, 'weights.bin'));
    if (!weights.equals(reference)) return fail('the run ends with weights different from the uninterrupted run');
    outcomes.identical++;
    if (!keep) rmSync(run, { recursive: true, force: true });
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, async () => {
    while (next < kills) {
      const i = next++;
      await one(i);
      if ((i + 1) % 10 === 0) process.stderr.write(`  ${i + 1} kills, ${failures.length} failures\n`);
    }
  }));
  const histogram = Object.entries(epochsAtKill).sort((a, b) => Number(a[0]) - Number(b[0])).map(([e, n]) => `${e}:${n}`).join(' ');
  process.stdout.write([
    `kills: ${kills} (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    `killed with a checkpoint: ${outcomes.checkpointed} (epochs completed at the kill: ${histogram || 'none'}); before the first checkpoint: ${outcomes.beforeFirstCheckpoint}; after the last checkpoint (complete, --resume refused with NN902): ${outcomes.complete}; finished before the kill: ${outcomes.finished}`,
    `resumed (or retrained) to weights identical to the uninterrupted run: ${outcomes.identical} of ${kills}`,
    `failures: ${failures.length}`,
    ...failures.map((f) => `  ${f}`),
    '',
  ].join('\n'));
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`kept ${work}\n`);
}
