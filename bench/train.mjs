// npm run bench:train — training throughput of each seed spec, per backend, against the same model
// written by hand with the tfjs layers API and trained with model.fit. Prints samples/s for both
// and nnspec's overhead as a ratio (hand-written samples/s ÷ nnspec samples/s; aim: under 1.05).
// Needs a build. Each (spec, backend) runs in its own process; the first epoch is warm-up and is
// not counted. tfjs's wasm backend cannot train Embedding or Conv layers without nnspec's gap
// kernels, so the hand-written models get them too: the comparison is of everything else.
//
// Usage: node bench/train.mjs [--backends wasm,cpu] [--specs a,b] [--epochs 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The seed specs written by hand with tfjs, Keras defaults made explicit where tfjs differs. */
function handModel(tf, name) {
  const L = tf.layers;
  const lstm = (units, returnSequences = false) => L.lstm({ units, recurrentActivation: 'sigmoid', returnSequences });
  switch (name) {
    case 'sequential_mlp': {
      const x = tf.input({ shape: [64], name: 'features' });
      let h = L.dense({ units: 32, activation: 'relu' }).apply(x);
      h = L.dense({ units: 32, activation: 'relu' }).apply(h);
      const y = L.dense({ units: 10, activation: 'softmax', name: 'dense_3' }).apply(h);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'question_answering': {
      const text = tf.input({ shape: [null], dtype: 'int32', name: 'text' });
      const question = tf.input({ shape: [null], dtype: 'int32', name: 'question' });
      const a = lstm(32).apply(L.embedding({ inputDim: 10000, outputDim: 64 }).apply(text));
      const b = lstm(16).apply(L.embedding({ inputDim: 10000, outputDim: 32 }).apply(question));
      const y = L.dense({ units: 500, activation: 'softmax', name: 'answer' }).apply(L.concatenate().apply([a, b]));
      return { model: tf.model({ inputs: [text, question], outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'siamese_lstm': {
      const left = tf.input({ shape: [null, 128], name: 'left_input' });
      const right = tf.input({ shape: [null, 128], name: 'right_input' });
      const shared = lstm(32);
      const merged = L.concatenate().apply([shared.apply(left), shared.apply(right)]);
      const y = L.dense({ units: 1, activation: 'sigmoid', name: 'predictions' }).apply(merged);
      return { model: tf.model({ inputs: [left, right], outputs: y }), loss: 'binaryCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'social_posts': {
      const posts = tf.input({ shape: [null], dtype: 'int32', name: 'posts' });
      let h = L.embedding({ inputDim: 50000, outputDim: 256 }).apply(posts);
      h = L.conv1d({ filters: 128, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.maxPooling1d({ poolSize: 5 }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.maxPooling1d({ poolSize: 5 }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.globalMaxPooling1d().apply(h);
      const f = L.dense({ units: 128, activation: 'relu' }).apply(h);
      const age = L.dense({ units: 1, name: 'age' }).apply(f);
      const income = L.dense({ units: 10, activation: 'softmax', name: 'income' }).apply(f);
      const gender = L.dense({ units: 1, activation: 'sigmoid', name: 'gender' }).apply(f);
      return {
        model: tf.model({ inputs: posts, outputs: [age, income, gender] }),
        loss: ['meanSquaredError', 'categoricalCrossentropy', 'binaryCrossentropy'],
        lossWeights: [0.25, 1, 10],
        optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
      };
    }
    case 'residual_block': {
      const x = tf.input({ shape: [32, 32, 128], name: 'x' });
      let h = L.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
      h = L.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h);
      h = L.maxPooling2d({ poolSize: 2, strides: 2 }).apply(h);
      const r = L.conv2d({ filters: 128, kernelSize: 1, strides: 2, padding: 'same' }).apply(x);
      const g = L.globalAveragePooling2d({}).apply(L.add().apply([h, r]));
      const y = L.dense({ units: 10, activation: 'softmax', name: 'classes' }).apply(g);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'inception_module': {
      const x = tf.input({ shape: [32, 32, 64], name: 'x' });
      const conv = (filters, kernelSize, strides, input) => L.conv2d({ filters, kernelSize, strides, padding: 'same', activation: 'relu' }).apply(input);
      const a = L.conv2d({ filters: 128, kernelSize: 1, strides: 2, activation: 'relu' }).apply(x);
      const b = conv(128, 3, 2, L.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }).apply(x));
      const c = conv(128, 3, 1, L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x));
      const d = conv(128, 3, 2, conv(128, 3, 1, L.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }).apply(x)));
      const g = L.globalAveragePooling2d({}).apply(L.concatenate({ axis: -1 }).apply([a, b, c, d]));
      const y = L.dense({ units: 10, activation: 'softmax', name: 'classes' }).apply(g);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7) };
    }
  }
  throw new Error(`no hand-written model for ${name}`);
}

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
