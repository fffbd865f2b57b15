/**
 * `import` as the inverse of `export`: for every seed spec and valid fixture, export (Keras JSON,
 * and TensorFlow.js model.json) → import → a spec whose summary equals the original's, row for
 * row, and whose layer configurations mean the same. And models TensorFlow.js serializes itself
 * (`model.toJSON()`, no nnspec metadata) import with tfjs's own parameter counts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toKerasModel } from '../../src/backends/export/keras-json.js';
import { toTfjsModel } from '../../src/backends/export/tfjs-json.js';
import { summarize } from '../../src/backends/summary/rows.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { compile } from '../../src/compiler/compile.js';
import type { Graph } from '../../src/compiler/graph.js';
import { sides } from '../../src/layers/resizing.js';
import { tuple } from '../../src/layers/shape.js';
import { runCli } from '../helpers.js';
import { FIXTURES, SEEDS, byNode, specsIn, summaryOf } from '../export/model-files.js';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = await loadTf('cpu');
  dir = mkdtempSync(join(tmpdir(), 'nnspec-import-rt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const all = specsIn(SEEDS, FIXTURES);

async function importJson(json: unknown, name: string): Promise<{ code: number; spec: string; stderr: string }> {
  const file = join(dir, `${name.replace(/\W/g, '_')}.json`);
  writeFileSync(file, JSON.stringify(json));
  const r = await runCli(['import', file], { cwd: dir });
  return { code: r.code, spec: r.stdout, stderr: r.stderr };
}

/**
 * A layer configuration in one spelling: tuples spelled out ([3, 3] for 3), pooling strides
 * resolved, regularizer/constraint/initializer names as objects, so that equal meanings compare equal.
 */
function canonical(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = /1D$/.test(String(config.type)) ? 1 : 2;
  for (const [k, v] of Object.entries(config)) {
    if (['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'size', 'output_padding', 'axes'].includes(k) && v !== null) out[k] = tuple(v as number, k === 'axes' ? 2 : n);
    else if ((k.endsWith('_constraint') || k.endsWith('_regularizer') || k.endsWith('_initializer')) && typeof v === 'string') out[k] = { type: v };
    else if (k === 'layer') out[k] = canonical(v as Record<string, unknown>);
    else out[k] = v;
  }
  if (/Pooling[12]D$/.test(String(config.type)) && 'strides' in out && out.strides === null) out.strides = out.pool_size;
  if (config.type === 'ZeroPadding2D') out.padding = sides(config.padding as never);
  if (config.type === 'Cropping2D') out.cropping = sides(config.cropping as never);
  return out;
}

/** Constraint objects lose default arguments on the way ({type: max_norm, max_value: 2} → max_norm): compare with them filled. */
const CONSTRAINT_DEFAULTS: Record<string, Record<string, unknown>> = { max_norm: { max_value: 2, axis: 0 }, unit_norm: { axis: 0 }, min_max_norm: { min_value: 0, max_value: 1, rate: 1, axis: 0 } };
function filled(config: Record<string, unknown>): Record<string, unknown> {
  const out = canonical(config);
  for (const [k, v] of Object.entries(out)) {
    if (k.endsWith('_constraint') && v && typeof v === 'object') out[k] = { ...CONSTRAINT_DEFAULTS[(v as { type: string }).type], ...(v as object) };
  }
  return out;
}

function expectSameModel(original: Graph, text: string, { configs }: { configs: boolean }): void {
  const back = compile(text, 'imported.yaml');
  expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(summarize(back.graph!, { expand: true })).toEqual(summarize(original, { expand: true }));
  expect(back.graph!.training).toEqual(original.training);
  expect(back.graph!.description).toEqual(original.description);
  if (!configs) return;
  for (const layer of original.layers) {
    const imported = back.graph!.layers.find((l) => l.name === layer.name)!;
    expect(filled(imported.config), layer.name).toEqual(filled(layer.config));
  }
}

describe('export --to keras-json → import', () => {
  it.each(all)('%s: the same summary, training and layer configurations', async (path, graph) => {
    const r = await importJson(toKerasModel(graph, '0').model, path);
    expect(r.code, r.stderr).toBe(0);
    expectSameModel(graph, r.spec, { configs: true });
  });

  it('through the CLI, files in and out: summaries equal as printed', async () => {
    const keras = join(dir, 'qa.keras.json');
    const spec = join(dir, 'qa.nnspec.yaml');
    expect((await runCli(['export', 'specs/question_answering.yaml', '--to', 'keras-json', '--out', keras])).code).toBe(0);
    const imported = await runCli(['import', keras, '--out', spec]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('');
    expect(imported.stderr).toMatch(/qa\.nnspec\.yaml: 6 layers, 1,000,052 parameters, from Keras 2 Functional\n$/);
    const before = await runCli(['summary', 'specs/question_answering.yaml', '--format', 'json']);
    const after = await runCli(['summary', spec, '--format', 'json']);
    expect(after.stdout).toBe(before.stdout);
    expect(readFileSync(spec, 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*schemas\/nnspec\.schema\.json\n# Imported by nnspec .* from qa\.keras\.json \(Keras 2 Functional\)\.\n/);
  });
});

describe('export --to tfjs → import (TensorFlow.js serialization, nnspec classes included)', () => {
  it.each(all)('%s: the same summary', async (path, graph) => {
    const { modelJson } = await toTfjsModel(graph, tf, { version: '0' });
    const r = await importJson(modelJson, `tfjs-${path}`);
    expect(r.code, r.stderr).toBe(0);
    // tfjs cannot hold activity regularizers, so configurations are compared through the summary only.
    expectSameModel(graph, r.spec, { configs: false });
  });
});

describe('models TensorFlow.js wrote itself (model.toJSON(), snake_case keys, no nnspec metadata)', () => {
  it('a functional model: tfjs parameter count, shapes and layer order', async () => {
    const input = tf.input({ shape: [12, 12, 3], name: 'pixels' });
    const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input);
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(conv);
    const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(bn);
    const flat = tf.layers.flatten({ name: 'flat' }).apply(pool);
    const side = tf.input({ shape: [4], name: 'side' });
    const merged = tf.layers.concatenate({ name: 'merged' }).apply([flat as never, side]);
    const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'heNormal', name: 'out' }).apply(merged);
    const model = tf.model({ inputs: [input, side], outputs: out as never, name: 'tfjs_made' });
    const r = await importJson(model.toJSON(null, false), 'tfjs-functional');
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.spec)!;
    expect(s.total_params).toBe(model.countParams());
    expect(s.trainable_params).toBe(model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0));
    // nnspec lists the model inputs first; tfjs where they are used.
    const shapes = (rows: [string, unknown][]) => Object.fromEntries(rows);
    expect(shapes(s.layers.map((l) => [l.name, l.output_shape]))).toEqual(shapes(model.layers.map((l) => [l.name, l.outputShape])));
    expect(r.spec).toContain('out: {type: Dense, units: 3, activation: softmax, kernel_initializer: he_normal}');
    model.dispose();
  });

  it('a Sequential model inside a model.json (modelTopology + weightsManifest), recurrent and wrapped layers', async () => {
    const model = tf.sequential({ name: 'seq_made' });
    model.add(tf.layers.embedding({ inputDim: 300, outputDim: 8, inputShape: [20], name: 'emb' }));
    model.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true }) as never, name: 'bi' }));
    model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }), name: 'td' }));
    model.add(tf.layers.globalAveragePooling1d({ name: 'gap' }));
    let saved: unknown;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = { modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const r = await importJson(saved, 'tfjs-sequential');
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r.spec)!.total_params).toBe(model.countParams());
    expect(r.stderr).toMatch(/from TensorFlow\.js Sequential\n$/);
    // tfjs's defaults differ from Keras's (hard_sigmoid, glorot_normal, no forget bias): they come through as written.
    expect(r.spec).toContain(
      'bi: {type: Bidirectional, layer: {type: LSTM, units: 5, recurrent_activation: hard_sigmoid, kernel_initializer: glorot_normal, unit_forget_bias: false, return_sequences: true}}',
    );
    expect(r.spec).toContain('td: {type: TimeDistributed, layer: {type: Dense, units: 2, kernel_initializer: glorot_normal}}');
    model.dispose();
  });
});
