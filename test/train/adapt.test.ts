/**
 * Normalization's adapt (src/train/adapt.ts, the train step in src/commands/train-adapt.ts):
 * statistics equal NumPy's on the fixture (scripts/preprocessing-goldens.py wrote x.npy and
 * stats.json) through the data readers at any batch size; the train step writes them into the
 * model on both engines, the saved run's predict applies them, a resumed run keeps its own; a
 * Normalization on a computed input is NN914.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineChoice } from '../../src/commands/engine.js';
import { loadObjective } from '../../src/commands/objective-spec.js';
import { loadTrainingData, splitData } from '../../src/commands/train-data.js';
import { beginRun, buildTrainEngine, openTrainRun, settle } from '../../src/commands/train-run.js';
import { readNpy } from '../../src/data/npy.js';
import { ADAPT_READ_BYTES, adaptReadSize, adaptTargets, computeAdapted, Moments, statisticKey } from '../../src/train/adapt.js';
import { range } from '../../src/train/batches.js';
import type { Batches } from '../../src/train/batches.js';
import type { Io } from '../../src/commands/io.js';
import { readModelWeights } from '../../src/train/run-files.js';
import type { RunInfo } from '../../src/train/run-info.js';
import { saver } from '../../src/train/saver.js';
import type { RunState } from '../../src/train/state.js';
import { compileText, ROOT, runCli } from '../helpers.js';

const DATA = join(ROOT, 'test/fixtures/preprocessing/adapt');
const STATS = JSON.parse(readFileSync(join(DATA, 'stats.json'), 'utf8')) as { count: number; mean: number[]; variance: number[] };
const X = readNpy(join(DATA, 'x.npy'), 'x.npy');

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'nnspec-adapt-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function captureIo(cwd: string): Io & { err: () => string } {
  let err = '';
  return {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
    env: {},
    cwd,
    err: () => err,
  } as unknown as Io & { err: () => string };
}

const SPEC = (normalization = '{type: Normalization}', before = '') => `nnspec: 1
name: adapt
inputs:
  x: {shape: [3]}
layers:
${before}  n: ${normalization}
  y: {type: Dense, units: 1}
outputs: [y]
training:
  optimizer: {type: sgd, learning_rate: 0.01}
  loss: mse
  batch_size: 16
  epochs: 1
`;

const relative = (got: number, want: number) => Math.abs(got - want) / Math.max(1, Math.abs(want));

/** An in-memory Batches over one float32 input of the given shape. */
function memoryBatches(values: Float32Array, shape: number[]): Batches {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    samples: shape[0]!,
    batch(indices) {
      const out = new Float32Array(indices.length * per);
      for (let i = 0; i < indices.length; i++) out.set(values.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
      return { size: indices.length, inputs: [{ values: out, shape: [indices.length, ...shape.slice(1)], dtype: 'float32' }], targets: [] };
    },
  };
}

describe('adapted statistics equal NumPy', () => {
  it.each([1, 7, 16, 64, 203, 500])('per feature, read %i samples at a time through the .npy reader', async (batchSize) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC());
    const io = captureIo(dir);
    const s = loadObjective(join(dir, 'spec.yaml'), io)!;
    const sets = (await loadTrainingData(s, { data: DATA }, 'h', io))!;
    const splits = splitData(s, sets, { validationSplit: 0 } as never, io)!;
    const { targets, problems } = adaptTargets(s.graph);
    expect(problems).toEqual([]);
    expect(targets).toEqual([{ layer: 'n', inputs: [0], axes: [1], dims: [3] }]);
    const [a] = await computeAdapted(targets, splits.train.batches, splits.train.indices, batchSize);
    expect(a!.samples).toBe(STATS.count);
    expect(a!.count).toBe(STATS.count);
    a!.mean.forEach((m, i) => expect(relative(m, STATS.mean[i]!)).toBeLessThan(1e-12));
    a!.variance.forEach((v, i) => expect(relative(v, STATS.variance[i]!)).toBeLessThan(1e-9));
  });

  it('over the training part of a validation split only', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC());
    const io = captureIo(dir);
    const s = loadObjective(join(dir, 'spec.yaml'), io)!;
    const sets = (await loadTrainingData(s, { data: DATA }, 'h', io))!;
    const splits = splitData(s, sets, { validationSplit: 0.25 } as never, io)!;
    const n = splits.train.indices.length;
    expect(n).toBe(Math.floor(203 * 0.75));
    const [a] = await computeAdapted(adaptTargets(s.graph).targets, splits.train.batches, splits.train.indices, 10);
    const x = X.data as Float32Array;
    for (let f = 0; f < 3; f++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i * 3 + f]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[i * 3 + f]! - mean) ** 2;
      expect(relative(a!.mean[f]!, mean)).toBeLessThan(1e-12);
      expect(relative(a!.variance[f]!, v / n)).toBeLessThan(1e-9);
    }
  });

  it('over several kept axes, and over none (axis: null), as a direct two-pass computation', async () => {
    const shape = [10, 4, 3, 2];
    const values = Float32Array.from({ length: 10 * 24 }, (_, i) => Math.sin(i * 1.7) * 50 + (i % 3) * 100);
    const direct = (key: (r: number, c: number, ch: number) => number, size: number) => {
      const sum = new Float64Array(size);
      const n = new Float64Array(size);
      const at = (b: number, r: number, c: number, ch: number) => values[b * 24 + r * 6 + c * 2 + ch]!;
      const each = (f: (k: number, v: number) => void) => {
        for (let b = 0; b < 10; b++) for (let r = 0; r < 4; r++) for (let c = 0; c < 3; c++) for (let ch = 0; ch < 2; ch++) f(key(r, c, ch), at(b, r, c, ch));
      };
      each((k, v) => ((sum[k] += v), (n[k] += 1)));
      const mean = Array.from(sum, (s, k) => s / n[k]!);
      const m2 = new Float64Array(size);
      each((k, v) => (m2[k] += (v - mean[k]!) ** 2));
      return { mean, variance: Array.from(m2, (s, k) => s / n[k]!), count: n[0]! };
    };
    const cases = [
      { axes: [1, 3], dims: [4, 2], want: direct((r, _c, ch) => r * 2 + ch, 8) },
      { axes: [3], dims: [2], want: direct((_r, _c, ch) => ch, 2) },
      { axes: [], dims: [], want: direct(() => 0, 1) },
    ];
    for (const { axes, dims, want } of cases) {
      const [a] = await computeAdapted([{ layer: 'n', inputs: [0], axes, dims }], memoryBatches(values, shape), range(0, 10), 3);
      expect(a!.count).toBe(want.count);
      a!.mean.forEach((m, i) => expect(relative(m, want.mean[i]!)).toBeLessThan(1e-12));
      a!.variance.forEach((v, i) => expect(relative(v, want.variance[i]!)).toBeLessThan(1e-9));
    }
  });

  it('the pass reads about 1 MiB of inputs at a time, at least a training batch', () => {
    expect(ADAPT_READ_BYTES).toBe(2 ** 20);
    expect(adaptReadSize(compileText(SPEC()).graph!, 16)).toBe(Math.floor(2 ** 20 / 12));
    const image = compileText('nnspec: 1\nname: i\ninputs:\n  x: {shape: [224, 224, 3]}\nlayers:\n  n: {type: Normalization}\noutputs: [n]\n').graph!;
    expect(adaptReadSize(image, 32)).toBe(32);
    const sequence = compileText('nnspec: 1\nname: s\ninputs:\n  x: {shape: [null, 4]}\nlayers:\n  n: {type: Normalization}\noutputs: [n]\n').graph!;
    expect(adaptReadSize(sequence, 8)).toBe(Math.floor(2 ** 20 / (64 * 4 * 4)));
  });

  it('statisticKey: an element position on the kept axes, row-major', () => {
    expect(Array.from(statisticKey([2, 3], [2]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(statisticKey([2, 3], [1]))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(statisticKey([2, 3], [1, 2]))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(statisticKey([2, 3], []))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('Moments merges batches exactly: one batch or many give the same mean and variance', () => {
    const values = Float64Array.from({ length: 300 }, (_, i) => 1e6 + Math.cos(i) * 3);
    const key = Int32Array.of(0, 1, 2);
    const whole = new Moments(3);
    whole.add(values, key);
    const parts = new Moments(3);
    for (let i = 0; i < 300; i += 30) parts.add(values.subarray(i, i + 30), key);
    expect(parts.count).toBe(100);
    for (let s = 0; s < 3; s++) {
      expect(relative(parts.mean[s]!, whole.mean[s]!)).toBeLessThan(1e-14);
      expect(relative(parts.variance()[s]!, whole.variance()[s]!)).toBeLessThan(1e-8);
    }
  });
});

describe('given statistics and computed inputs', () => {
  it('a Normalization with mean and variance is not adapted', () => {
    const graph = compileText(SPEC('{type: Normalization, mean: [1, 2, 3], variance: [1, 1, 1]}')).graph!;
    expect(adaptTargets(graph)).toEqual({ targets: [], problems: [] });
  });

  it("a Normalization on a computed input is NN914 at its layer, before training (exit 1)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC('{type: Normalization}', '  d: {type: Dense, units: 3}\n'));
    const io = captureIo(dir);
    const s = loadObjective(join(dir, 'spec.yaml'), io)!;
    const sets = (await loadTrainingData(s, { data: DATA }, 'h', io))!;
    const run = openTrainRun('run2', false, io)!;
    const settings = settle(run, s, sets.hashes, { data: DATA }, io)!;
    const splits = splitData(s, sets, settings, io)!;
    const runtime = (await startEngine('cpu', io))!;
    let printed = '';
    const reported: unknown[] = [];
    const built = await buildTrainEngine(runtime, run, s, settings, undefined, { ...io, diagnostics: { report: (d: unknown) => reported.push(d), end: () => {} } as never, stderr: { write: (t: string) => ((printed += t), true) } as never }, splits.train);
    expect(built).toBeUndefined();
    expect(reported).toMatchObject([
      {
        code: 'NN914',
        severity: 'error',
        file: join(dir, 'spec.yaml'),
        line: 7,
        column: 3,
        message: "Normalization 'n' has no mean and variance, so they are adapted from the training data; but its input 'd' is computed by the model, and nnspec adapts from model inputs only",
        hint: "give mean and variance (computed once, e.g. numpy's x.mean(axis) and x.var(axis)), or put 'n' directly on a model input",
      },
    ]);
    expect(printed).not.toMatch(/adapted/);
  });
});

describe.each<EngineChoice>(['cpu', 'onnx'])('the train step on %s', (backend) => {
  /** A new run built as train builds it (open, settle, split, engine, first checkpoint), returning the run's path. */
  async function newRun(dir: string, out: string) {
    const io = captureIo(dir);
    const spec = loadObjective(join(dir, 'spec.yaml'), io)!;
    const sets = (await loadTrainingData(spec, { data: DATA }, 'h', io))!;
    const run = openTrainRun(out, false, io)!;
    const settings = settle(run, spec, sets.hashes, { data: DATA }, io)!;
    const splits = splitData(spec, sets, settings, io)!;
    const runtime = (await startEngine(backend, io, { threads: 1 }))!;
    const built = (await buildTrainEngine(runtime, run, spec, settings, undefined, io, splits.train))!;
    const state: RunState = { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, loopSeconds: 0, commandSeconds: 0, settings, optimizer: built.optimizer, hashes: sets.hashes } as RunState;
    const info = { status: 'running', spec: 'spec.yaml', data: DATA, backend: runtime.name, backend_detail: runtime.detail, samples: { train: 203, validation: 0 }, started_at: new Date().toISOString(), wall_seconds: 0 } as RunInfo;
    await beginRun(run, spec, state, saver(built.engine, run.path, () => info));
    return { io, spec, sets, run, settings, splits, runtime, built };
  }

  it('adapts before the first checkpoint, says so in one line, and the saved run predicts with the statistics', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC());
    const { io, built, run } = await newRun(dir, 'run');
    built.engine.dispose();
    expect(io.err().trim().split('\n').filter((l) => /adapted/.test(l))).toEqual([
      `adapted Normalization 'n' (mean [${STATS.mean.map((m) => Number(m.toPrecision(4))).join(', ')}], variance [${STATS.variance.map((v) => Number(v.toPrecision(4))).join(', ')}]) from 203 training samples`,
    ]);
    expect(built.adapted?.map((a) => a.layer)).toEqual(['n']);

    const saved = new Map(readModelWeights(run.path).map((w) => [w.name, w]));
    expect(Array.from(saved.get('n/mean')!.values)).toEqual(STATS.mean.map(Math.fround));
    expect(Array.from(saved.get('n/variance')!.values)).toEqual(STATS.variance.map(Math.fround));
    expect(Array.from(saved.get('n/count')!.values)).toEqual([203]);

    const r = await runCli(['predict', 'run', '--data', DATA, '--out', 'pred', '--backend', backend], { cwd: dir });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const pred = readNpy(join(dir, 'pred', 'y.npy'), 'y.npy');
    const w = saved.get('y/kernel')!.values;
    const b = saved.get('y/bias')!.values[0]!;
    const x = X.data as Float32Array;
    for (let i = 0; i < 203; i++) {
      let want = b;
      for (let f = 0; f < 3; f++) want += (w[f]! * (x[i * 3 + f]! - STATS.mean[f]!)) / Math.sqrt(STATS.variance[f]!);
      expect(Math.abs((pred.data as Float32Array)[i]! - want)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
    }
  });

  it('a resumed run keeps its checkpoint statistics and does not adapt again', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC());
    const first = await newRun(dir, 'run');
    // Mark the checkpoint's statistics, so that re-adapting would show.
    const marked = (await first.built.engine.readWeights()).map((w) => (w.name === 'n/mean' ? { ...w, values: Float32Array.of(1, 2, 3) } : w));
    await first.built.engine.writeWeights(marked);
    const state = { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, loopSeconds: 0, commandSeconds: 0, settings: first.settings, optimizer: first.built.optimizer, hashes: first.sets.hashes } as RunState;
    await saver(first.built.engine, first.run.path, () => ({ status: 'running', spec: 'spec.yaml', data: DATA, backend: 'x', backend_detail: 'x', samples: { train: 203, validation: 0 }, started_at: '', wall_seconds: 0 }) as RunInfo)(state);
    first.built.engine.dispose();

    const io = captureIo(dir);
    const resumed = openTrainRun('run', true, io)!;
    expect(resumed.resumed).toBeDefined();
    const settings = settle(resumed, first.spec, first.sets.hashes, { data: DATA }, io)!;
    const built = (await buildTrainEngine(first.runtime, resumed, first.spec, settings, undefined, io, first.splits.train))!;
    const mean = (await built.engine.readWeights()).find((w) => w.name === 'n/mean')!;
    built.engine.dispose();
    expect(Array.from(mean.values)).toEqual([1, 2, 3]);
    expect(built.adapted).toBeUndefined();
    expect(io.err()).not.toMatch(/adapted/);
  });
});
