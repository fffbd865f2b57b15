/**
 * `export --to tfjs`: a model.json that tf.loadLayersModel loads with nnspec's output shapes and
 * parameter counts (every seed in this process, and in a separate Node process that has only
 * @tensorflow/tfjs, i.e. none of nnspec's classes), topology only by default, and with
 * `--weights RUN` the trained weights of a run, bit for bit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { describeModel, namedWeights } from '../../src/backends/tfjs/engine.js';
import { writeModelFiles } from '../../src/train/run-files.js';
import { nnspecClassNames } from '../../src/backends/tfjs/register.js';
import { ROOT, runCli } from '../helpers.js';
import { FIXTURES, SEEDS, fileHandler, specsIn } from './model-files.js';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = await loadTf('cpu');
  dir = mkdtempSync(join(tmpdir(), 'nnspec-tfjs-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type LayerEntry = { class_name: string; config: Record<string, unknown> };
const topologyOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: LayerEntry[] } } }).modelTopology;

async function exportTo(spec: string, out: string, ...extra: string[]) {
  const r = await runCli(['export', spec, '--to', 'tfjs', '--out', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('the seed specs', () => {
  const seeds = specsIn(SEEDS);
  const outDir = (path: string) => join(dir, 'seeds', path.replace(/\W/g, '_'));

  it.each(seeds)('%s: tf.loadLayersModel gives nnspec shapes and parameter counts', async (path, graph) => {
    await exportTo(path, `${outDir(path)}/`);
    const modelJson = join(outDir(path), 'model.json');
    const json = JSON.parse(readFileSync(modelJson, 'utf8')) as Record<string, unknown>;
    expect(json.format).toBe('layers-model');
    // No run: topology only, and tfjs initializes the weights.
    expect(json).not.toHaveProperty('weightsManifest');
    expect(existsSync(join(outDir(path), 'weights.bin'))).toBe(false);
    const m = await tf.loadLayersModel(fileHandler(modelJson));
    try {
      expect(m.countParams()).toBe(graph.totalParams);
      expect(m.outputs.map((o) => o.shape)).toEqual(graph.outputs.map((o) => graph.nodes.get(o)!.output!.shape));
    } finally {
      m.dispose();
    }
  });

  it('use only TensorFlow.js classes (global pooling written as tfjs GlobalAveragePooling2D/GlobalMaxPooling1D)', () => {
    const classes = new Set(seeds.flatMap(([path]) => topologyOf(join(outDir(path), 'model.json')).config.layers.map((l) => l.class_name)));
    const ours = nnspecClassNames(tf);
    expect([...classes].filter((c) => ours.has(c))).toEqual([]);
    expect(classes).toContain('GlobalAveragePooling2D');
    expect(classes).toContain('GlobalMaxPooling1D');
  });

  it('load in a Node process with @tensorflow/tfjs alone (no nnspec classes registered)', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { readFileSync } from 'node:fs';
      console.log = console.warn = () => {};
      const out = {};
      for (const path of process.argv.slice(1)) {
        const json = JSON.parse(readFileSync(path, 'utf8'));
        const m = await tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology }) });
        out[path] = { params: m.countParams(), outputs: m.outputs.map((o) => o.shape) };
      }
      process.stdout.write(JSON.stringify(out));
    `;
    const paths = seeds.map(([path]) => join(outDir(path), 'model.json'));
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...paths], { cwd: ROOT, encoding: 'utf8' });
    const loaded = JSON.parse(stdout) as Record<string, { params: number; outputs: unknown[] }>;
    for (const [path, graph] of seeds) {
      expect(loaded[join(outDir(path), 'model.json')], path).toEqual({
        params: graph.totalParams,
        outputs: graph.outputs.map((o) => graph.nodes.get(o)!.output!.shape),
      });
    }
  });
});

describe('--weights RUN', () => {
  /** A run directory as `nnspec train` leaves it: model.json + weights.bin. */
  async function fakeRun(spec: string, name: string): Promise<{ run: string; weights: Map<string, number[]> }> {
    const [, graph] = specsIn(SEEDS).find(([p]) => p === spec)!;
    const { model } = buildModel(graph, tf);
    const run = join(dir, name);
    mkdirSync(run, { recursive: true });
    writeModelFiles(run, describeModel(tf, model), namedWeights(model));
    const weights = new Map(model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));
    model.dispose();
    return { run, weights };
  }

  it('writes weights.bin next to model.json: the run\'s weights, by name, bit for bit', async () => {
    const { run, weights } = await fakeRun('specs/siamese_lstm.yaml', 'run-siamese');
    const out = join(dir, 'with-weights', 'siamese.json');
    await exportTo('specs/siamese_lstm.yaml', out, '--weights', run);
    expect(existsSync(join(dir, 'with-weights', 'weights.bin'))).toBe(true);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { weightsManifest: { paths: string[]; weights: { name: string }[] }[] };
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0]!.weights.map((w) => w.name).sort()).toEqual([...weights.keys()].sort());
    const m = await tf.loadLayersModel(fileHandler(out));
    try {
      for (const w of m.weights) expect(Array.from(w.read().dataSync()), w.originalName).toEqual(weights.get(w.originalName));
    } finally {
      m.dispose();
    }
  });

  it('refuses a run of another spec (exit 1, naming the weight)', async () => {
    const { run } = await fakeRun('specs/sequential_mlp.yaml', 'run-mlp');
    const r = await runCli(['export', 'specs/siamese_lstm.yaml', '--to', 'tfjs', '--out', join(dir, 'refused'), '--weights', run]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^.*run-mlp: error\[NN903\]: the weights do not fit specs\/siamese_lstm.yaml: /);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });

  it('usage errors (exit 2): no --out, keras-json, a directory that is not a run', async () => {
    const noOut = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'tfjs', '--weights', dir]);
    expect([noOut.code, noOut.stderr]).toEqual([2, 'nnspec: error[NN002]: --weights needs --out: weights.bin is written next to model.json (see `nnspec export --help`)\n']);
    const keras = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'keras-json', '--out', join(dir, 'k.json'), '--weights', dir]);
    expect(keras.code).toBe(2);
    expect(keras.stderr).toMatch(/--weights applies to --to tfjs/);
    writeFileSync(join(dir, 'model.json'), '{}');
    const notRun = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'tfjs', '--out', join(dir, 'x'), '--weights', dir]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/is not a training run: it has no weights\.bin/);
  });
});

describe('the fixtures', () => {
  const fixtures = specsIn(FIXTURES);

  /**
   * Models that do not reload in TensorFlow.js even with nnspec's classes registered: nnspec's
   * Flatten and Reshape (Keras shape rules) keep tfjs's class names, so model.json reloads them as
   * tfjs's own layers, which refuse a rank-2 or unknown-size input. (Cropping2D/UpSampling2D on
   * unknown sizes reload too, with negative symbolic sizes; the counts below still hold.)
   */
  const NO_RELOAD: Record<string, RegExp> = {
    'test/fixtures/valid/reshape_layers.yaml': /not fully defined|incompatible/,
  };

  it.each(fixtures)('%s: reloads in this process (nnspec classes registered) with nnspec counts', async (path, graph) => {
    const out = join(dir, 'fixtures', path.replace(/\W/g, '_'), 'model.json');
    const r = await exportTo(path, out);
    if (NO_RELOAD[path]) {
      await expect(tf.loadLayersModel(fileHandler(out))).rejects.toThrow(NO_RELOAD[path]);
      return;
    }
    const m = await tf.loadLayersModel(fileHandler(out));
    try {
      expect(m.countParams()).toBe(graph.totalParams);
    } finally {
      m.dispose();
    }
    // Every nnspec class left in the file is named in a warning.
    const classes = topologyOf(out).config.layers.flatMap((l) => [l.class_name, ...(l.config.layer ? [(l.config.layer as LayerEntry).class_name] : [])]);
    const ours = nnspecClassNames(tf);
    for (const c of classes.filter((c) => ours.has(c))) expect(r.stderr).toContain(`class ${c}`);
  });

  it('keeps depth_multiplier, which tfjs\'s SeparableConv2D leaves out of its config', () => {
    const layers = topologyOf(join(dir, 'fixtures', 'test_fixtures_valid_conv_2d_yaml', 'model.json')).config.layers;
    expect(layers.find((l) => l.config.name === 's1')!.config.depth_multiplier).toBe(2);
  });

  it('says what model.json cannot hold: activity regularizers, nnspec\'s classes', async () => {
    const r = await exportTo('test/fixtures/valid/recurrent_gru_reset_after.yaml', join(dir, 'gru', 'model.json'));
    expect(r.stderr).toContain("warning[NN910]: layer 'gru' is written as nnspec's TensorFlow.js class ResetAfterGRU");
    const c = await exportTo('test/fixtures/valid/conv_2d.yaml', join(dir, 'conv', 'model.json'));
    expect(c.stderr).toContain("warning[NN910]: layer 'c2': its activity_regularizer is not in model.json");
  });
});
