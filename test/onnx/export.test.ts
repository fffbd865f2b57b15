/**
 * `export --to onnx`: the model loads in ONNX Runtime with the spec's input and output names and a
 * symbolic batch axis, and at two batch sizes gives what `nnspec predict` gives on the same run (the
 * onnx engine, 1e-5) and what the tfjs cpu backend predicts (1e-4 relative); without --weights the
 * weights are the seeded initial ones of the spec's training seed. Usage errors and mismatched
 * weights are refused.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import { describeModel, namedWeights } from '../../src/backends/tfjs/engine.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { registerNnspecLayers } from '../../src/backends/tfjs/register.js';
import { seededModel } from '../../src/backends/tfjs/seeded-model.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { compile } from '../../src/compiler/compile.js';
import type { Graph } from '../../src/compiler/graph.js';
import { minimalLength } from '../../src/data/length.js';
import { writeModelFiles } from '../../src/train/run-files.js';
import { SPEC_FILE } from '../../src/train/run-info.js';
import { ROOT, runCli } from '../helpers.js';
import { makeFeeds, randomizeWeights } from '../support/onnx-oracle.js';
import { readArray, tempDir, writeArrays } from '../train/helpers.js';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = await loadTf('cpu');
  registerNnspecLayers(tf);
  dir = tempDir('nnspec-onnx-export-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS = [
  'specs/sequential_mlp.yaml',
  'specs/question_answering.yaml',
  'specs/siamese_lstm.yaml',
  'specs/social_posts.yaml',
  'specs/residual_block.yaml',
  'specs/inception_module.yaml',
  'bench/specs/conv.yaml',
  'test/fixtures/valid/core_and_merges.yaml',
  'test/fixtures/valid/conv_1d.yaml',
  'test/fixtures/valid/pooling_2d.yaml',
  'test/fixtures/valid/recurrent_layers.yaml',
  'test/fixtures/valid/recurrent_gru_reset_after.yaml',
  'test/fixtures/valid/wrappers_layers.yaml',
  'test/fixtures/valid/normalization_layers.yaml',
  'test/fixtures/valid/reshape_layers.yaml',
  'test/fixtures/valid/activations_layers.yaml',
];

// Where tfjs's cpu backend is no reference (test/onnx/forward.test.ts and layers.test.ts say why):
// its Merge throws on a mix of masked and unmasked inputs; its BatchNormalization is wrong on any
// axis but the last. Those are compared with predict on onnx only; so are the three wide seed specs,
// which take tfjs's cpu backend half a minute each (forward.test.ts compares them with tfjs).
const TFJS_WRONG: Record<string, string[] | 'all'> = {
  'test/fixtures/valid/core_and_merges.yaml': 'all',
  'test/fixtures/valid/normalization_layers.yaml': ['bn_axis1', 'bn_init'],
  'specs/social_posts.yaml': 'all',
  'specs/residual_block.yaml': 'all',
  'specs/inception_module.yaml': 'all',
};

function compiled(path: string): { text: string; graph: Graph; length: number | undefined } {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const r = compile(text, path);
  if (!r.ok || !r.graph) throw new Error(`${path} does not compile`);
  const unknown = r.graph.inputs.some((n) => n.output!.shape.slice(1).includes(null));
  return { text, graph: r.graph, length: unknown ? Math.max(7, minimalLength(text)!) : undefined };
}

/** A run directory as `nnspec train` leaves it, with seeded random weights (predict needs a loss: mse where the spec has none). */
function fakeRun(path: string, graph: Graph, text: string): string {
  const run = join(dir, path.replace(/\W/g, '_'));
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, SPEC_FILE), /^training:/m.test(text) ? text : `${text}\ntraining:\n  loss: mse\n`);
  const { model } = buildModel(graph, tf);
  randomizeWeights(tf, graph, new Map(model.layers.map((l) => [l.name, l as never])));
  writeModelFiles(run, describeModel(tf, model), namedWeights(model));
  model.dispose();
  return run;
}

/** The exported model's outputs for `feeds`, by output name, after checking its inputs and outputs. */
async function runExported(file: string, graph: Graph, feeds: ReturnType<typeof makeFeeds>): Promise<Map<string, Float32Array>> {
  const ort = loadOrt();
  const session = await createSession(readFileSync(file), { threads: 1 });
  try {
    expect(session.inputNames).toEqual(graph.inputs.map((n) => n.name));
    expect(session.outputNames).toEqual(graph.outputs);
    const inputs = Object.fromEntries(graph.inputs.map((n) => [n.name, new ort.Tensor(feeds.data[n.name] instanceof Int32Array ? 'int32' : 'float32', feeds.data[n.name]!, feeds.shapes[n.name]!)]));
    const out = await session.run(inputs);
    return new Map(graph.outputs.map((o) => [o, out[o]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** `nnspec predict` on the run with the feeds as its data, by output name. */
async function predicted(run: string, graph: Graph, feeds: ReturnType<typeof makeFeeds>, backend: string, tag: string): Promise<Map<string, Float32Array>> {
  const data = join(run, `data-${tag}`);
  writeArrays(data, Object.fromEntries(graph.inputs.map((n) => {
    const d = feeds.data[n.name]!;
    return [n.name, { dtype: d instanceof Int32Array ? 'int32' : 'float32', shape: feeds.shapes[n.name]!, data: d }];
  })));
  const out = join(run, `pred-${tag}-${backend}`);
  const r = await runCli(['predict', run, '--data', data, '--out', out, '--backend', backend, '--batch-size', '2']);
  expect(r.code, r.stderr).toBe(0);
  return new Map(graph.outputs.map((o) => [o, readArray(join(out, `${o}.npy`)).data as Float32Array]));
}

/** Largest |a − b| over max(1, max|b|): absolute for small outputs, relative for large ones. */
function worst(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(w) ? Infinity : w / scale;
}

describe('the exported model gives what predict gives on the same run', () => {
  it.each(SPECS)('%s', async (path) => {
    const { text, graph, length } = compiled(path);
    const run = fakeRun(path, graph, text);
    const file = join(run, 'model.onnx');
    const r = await runCli(['export', path, '--to', 'onnx', '--weights', run, '--out', file, ...(length ? ['--length', String(length)] : [])]);
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', '']);
    for (const batch of [3, 5]) {
      const feeds = makeFeeds(graph, { batch, steps: length ?? 5, padIds: true, seed: batch });
      const got = await runExported(file, graph, feeds);
      const onnx = await predicted(run, graph, feeds, 'onnx', `b${batch}`);
      const wrong = TFJS_WRONG[path] ?? [];
      const cpu = wrong === 'all' ? undefined : await predicted(run, graph, feeds, 'cpu', `b${batch}`);
      for (const o of graph.outputs) {
        expect(worst(got.get(o)!, onnx.get(o)!), `${o} at batch ${batch} vs predict on onnx`).toBeLessThanOrEqual(1e-5);
        if (cpu && !wrong.includes(o)) expect(worst(got.get(o)!, cpu.get(o)!), `${o} at batch ${batch} vs predict on tfjs cpu`).toBeLessThanOrEqual(1e-4);
      }
    }
  });
});

describe('without --weights', () => {
  it("bakes in the initial weights of the spec's training seed, and the batch axis is symbolic", async () => {
    const path = 'specs/siamese_lstm.yaml';
    const { text, graph } = compiled(path);
    const seeded = join(dir, 'seeded.yaml');
    writeFileSync(seeded, text.replace(/^training:\n/m, 'training:\n  seed: 42\n'));
    const file = join(dir, 'seeded.onnx');
    expect((await runCli(['export', seeded, '--to', 'onnx', '--out', file, '--length', '6'])).code).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('batch'))).toBe(true);
    const { model } = seededModel(tf, graph, 42);
    const feeds = makeFeeds(graph, { batch: 4, steps: 6 });
    const want = model.predict(graph.inputs.map((n) => tf.tensor(feeds.data[n.name]!, feeds.shapes[n.name]!))) as ReturnType<Tf['tensor']>;
    const got = await runExported(file, graph, feeds);
    expect(worst(got.get(graph.outputs[0]!)!, want.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    // Another seed, other weights: the seed is what decides them.
    const other = join(dir, 'other.onnx');
    expect((await runCli(['export', path, '--to', 'onnx', '--out', other, '--length', '6'])).code).toBe(0);
    expect(readFileSync(other).equals(bytes)).toBe(false);
  });
});

describe('refused', () => {
  it('a run of another spec (exit 1, NN903 at the run, naming the weight)', async () => {
    const { text, graph } = compiled('specs/sequential_mlp.yaml');
    const run = fakeRun('other-spec', graph, text);
    const out = join(dir, 'refused.onnx');
    const r = await runCli(['export', 'bench/specs/conv.yaml', '--to', 'onnx', '--out', out, '--weights', run]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(`${run}: error[NN903]: the weights do not fit bench/specs/conv.yaml: the weights have no 'conv_1/kernel'`);
    expect(existsSync(out)).toBe(false);
  });

  it('a weight of the wrong shape (exit 1, NN903, both shapes)', async () => {
    const { text, graph } = compiled('specs/sequential_mlp.yaml');
    const run = fakeRun('wrong-shape', graph, text);
    const narrower = join(dir, 'narrower.yaml');
    writeFileSync(narrower, text.replace(/units: 32/, 'units: 31'));
    const r = await runCli(['export', narrower, '--to', 'onnx', '--out', join(dir, 'narrower.onnx'), '--weights', run]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(`${run}: error[NN903]: the weights do not fit ${narrower}: the weight 'dense_1/kernel' has shape [64, 32]; the spec's is [64, 31]`);
  });

  it('usage (exit 2): no --out, unknown lengths without --length, --length for another target, --weights for keras-json', async () => {
    const cases: [string[], string][] = [
      [['export', 'specs/sequential_mlp.yaml', '--to', 'onnx'], 'nnspec: error[NN002]: --to onnx needs --out: the model is a binary file (see `nnspec export --help`)\n'],
      [
        ['export', 'specs/question_answering.yaml', '--to', 'onnx', '--out', join(dir, 'qa.onnx')],
        "nnspec: error[NN002]: specs/question_answering.yaml: inputs 'text' ([null, null]), 'question' ([null, null]) have dimensions of unknown length; an ONNX model is exported for one length: give --length N (see `nnspec export --help`)\n",
      ],
      [['export', 'specs/sequential_mlp.yaml', '--to', 'tfjs', '--length', '4'], 'nnspec: error[NN006]: --length applies to --to onnx (see `nnspec export --help`)\n'],
      [['export', 'specs/sequential_mlp.yaml', '--to', 'onnx', '--out', join(dir, 'x.onnx'), '--length', '0'], "nnspec: error[NN003]: --length must be a positive integer; got '0' (see `nnspec export --help`)\n"],
    ];
    for (const [argv, stderr] of cases) {
      const r = await runCli(argv);
      expect([r.code, r.stderr], argv.join(' ')).toEqual([2, stderr]);
    }
    expect(existsSync(join(dir, 'qa.onnx'))).toBe(false);
  });
});

describe('the exported file', () => {
  it('is written where --out says, directories made', async () => {
    const out = join(dir, 'deep', 'er', 'mlp.onnx');
    expect((await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'onnx', '--out', out])).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
