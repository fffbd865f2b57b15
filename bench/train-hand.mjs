// node bench/train-hand.mjs — training throughput of each seed spec, per backend, against the same model
// written by hand with the tfjs layers API and trained with model.fit. Prints samples/s for both
// and nnspec's overhead as a ratio (hand-written samples/s ÷ nnspec samples/s; aim: under 1.05).
// Needs a build. Each (spec, backend) runs in its own process; the first epoch is warm-up and is
// not counted. tfjs's wasm backend cannot train Embedding or Conv layers without nnspec's gap
// kernels, so the hand-written models get them too: the comparison is of everything else.
//
// Usage: node bench/train-hand.mjs [--backends wasm,cpu] [--specs a,b] [--epochs 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handModel } from './train-models.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

// Samples and batch size per spec: enough batches for a steady rate, few enough for minutes, not hours.
const PLAN = {
  sequential_mlp: { samples: 8192, batch: 32, cpuSamples: 8192 },
  question_answering: { samples: 1024, batch: 128, cpuSamples: 1024, length: 16 },
  siamese_lstm: { samples: 512, batch: 32, cpuSamples: 512, length: 16 },
  social_posts: { samples: 256, batch: 64, cpuSamples: 64 },
  residual_block: { samples: 128, batch: 32, cpuSamples: 32 },
  inception_module: { samples: 128, batch: 32, cpuSamples: 32 },
};

/** Median of the per-epoch rates after the first (warm-up) epoch. */
function steady(rates) {
  const r = rates.slice(1).sort((a, b) => a - b);
  return r.length ? r[Math.floor(r.length / 2)] : rates[0];
}

async function worker(name, backend, epochs) {
  const plan = PLAN[name];
  const samples = backend === 'cpu' ? plan.cpuSamples : plan.samples;
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-bench-'));
  const { run } = await import(join(root, 'dist/nnspec.mjs'));
  const quiet = { write() {}, isTTY: false };
  const spec = join(root, 'specs', `${name}.yaml`);
  const synth = ['synth', spec, '--samples', String(samples), '--out', join(dir, 'data'), '--seed', '1', ...(plan.length ? ['--length', String(plan.length)] : [])];
  if ((await run(synth, { stdout: quiet, stderr: quiet, env: process.env, cwd: root })) !== 0) throw new Error(`synth failed for ${name}`);

  // nnspec: the CLI's own run, epochs reported as JSON lines.
  let out = '';
  const io = { stdout: { write: (s) => (out += s), isTTY: false }, stderr: quiet, env: process.env, cwd: root };
  const code = await run(['train', spec, '--data', join(dir, 'data'), '--out', join(dir, 'run'), '--epochs', String(epochs), '--batch-size', String(plan.batch), '--backend', backend, '--seed', '1', '--json'], io);
  if (code !== 0) throw new Error(`nnspec train failed for ${name} (exit ${code})`);
  const nnspecRates = out.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.event === 'epoch').map((r) => r.samples_per_second);

  // By hand: the same layers with tfjs, model.fit on the same arrays.
  const tf = await import('@tensorflow/tfjs');
  const { readNpy } = await import(join(root, 'dist/data/npy.js'));
  const graphInputs = { sequential_mlp: ['features'], question_answering: ['text', 'question'], siamese_lstm: ['left_input', 'right_input'], social_posts: ['posts'], residual_block: ['x'], inception_module: ['x'] }[name];
  const hand = handModel(tf, name);
  const tensor = (file) => {
    const a = readNpy(join(dir, 'data', `${file}.npy`));
    return tf.tensor(a.data, a.shape, a.dtype === 'int32' ? 'int32' : 'float32');
  };
  const xs = graphInputs.map(tensor);
  const ys = hand.model.outputNames.map(tensor);
  hand.model.compile({ optimizer: hand.optimizer, loss: hand.loss, ...(hand.lossWeights ? { lossWeights: hand.lossWeights } : {}), metrics: ['accuracy'] });
  const handRates = [];
  let started = 0;
  await hand.model.fit(xs.length === 1 ? xs[0] : xs, ys.length === 1 ? ys[0] : ys, {
    epochs,
    batchSize: plan.batch,
    shuffle: true,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: { onEpochBegin: () => (started = performance.now()), onEpochEnd: () => handRates.push(samples / ((performance.now() - started) / 1000)) },
  });
  rmSync(dir, { recursive: true, force: true });
  return { name, backend, samples, batch: plan.batch, nnspec: steady(nnspecRates), hand: steady(handRates) };
}

if (process.argv[2] === '--worker') {
  const result = await worker(process.argv[3], process.argv[4], Number(process.argv[5]));
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const backends = arg('--backends', 'wasm,cpu').split(',');
  const specs = arg('--specs', Object.keys(PLAN).join(',')).split(',');
  const epochs = Number(arg('--epochs', '3'));
  console.log(`node ${process.version}, ${epochs} epochs (first is warm-up), median samples/s of the rest`);
  console.log(`${'model'.padEnd(20)} ${'backend'.padEnd(8)} ${'samples'.padStart(7)} ${'batch'.padStart(5)} ${'nnspec'.padStart(9)} ${'by hand'.padStart(9)} ${'overhead'.padStart(8)}`);
  for (const backend of backends) {
    for (const name of specs) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', name, backend, String(epochs)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const line = r.stdout.trim().split('\n').pop();
      if (r.status !== 0 || !line) {
        console.log(`${name.padEnd(20)} ${backend.padEnd(8)} failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      const x = JSON.parse(line);
      const f = (v) => v.toFixed(v < 100 ? 1 : 0).padStart(9);
      console.log(`${name.padEnd(20)} ${backend.padEnd(8)} ${String(x.samples).padStart(7)} ${String(x.batch).padStart(5)} ${f(x.nnspec)} ${f(x.hand)} ${(x.hand / x.nnspec).toFixed(3).padStart(8)}`);
    }
  }
}
