/**
 * synth → train → evaluate for every seed spec on the cpu and wasm backends (tiny data, one
 * epoch): the run directory is complete, the history has Keras's keys, and the saved model loads
 * with tf.loadLayersModel.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveObjective, metricKeys } from '../../src/train/objective.js';
import { compileText, runCli } from '../helpers.js';
import { cpuTf, loadSaved, readJson, SPECS, tempDir } from './helpers.js';
import { readFileSync } from 'node:fs';

// Convolutions over 32x32x64 images are slow on the pure-JS cpu backend: two samples there.
const SAMPLES: Record<string, number> = { inception_module: 2, residual_block: 2, social_posts: 2, resnet50: 2, seq2seq: 2 };
const specs = readdirSync(SPECS).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
// tfjs-backend-wasm 4.22 aborts ResNet50 at 224x224 ("memory access out of bounds") and its
// module stays broken for the rest of the process: ResNet50 trains on cpu here and on onnx in
// test/onnx/train-specs.slow.test.ts.
const SKIP: Record<string, string[]> = { wasm: ['resnet50'] };

describe.each(['cpu', 'wasm'])('every seed spec trains on %s', (backend) => {
  it.each(specs.filter((s) => !SKIP[backend]?.includes(s)))('%s', async (name) => {
    const dir = tempDir();
    const spec = join(SPECS, `${name}.yaml`);
    const samples = backend === 'cpu' ? SAMPLES[name] ?? 8 : 8;
    const synth = await runCli(['synth', spec, '--samples', String(samples), '--out', join(dir, 'data'), '--seed', '1']);
    expect(synth.code).toBe(0);
    const run = join(dir, 'run');
    const r = await runCli(['train', spec, '--data', join(dir, 'data'), '--out', run, '--epochs', '1', '--batch-size', String(samples / 2), '--backend', backend, '--seed', '2', '--quiet']);
    expect(r.stderr).toContain(`backend: ${backend}`);
    expect(r.code).toBe(0);
    for (const f of ['model.json', 'weights.bin', 'spec.yaml', 'history.csv', 'history.json', 'run.json', 'checkpoint.json']) expect(existsSync(join(run, f))).toBe(true);
    const info = readJson<{ backend: string; status: string; epochs_completed: number; seed: number }>(join(run, 'run.json'));
    expect(info).toMatchObject({ backend, status: 'completed', epochs_completed: 1, seed: 2 });
    const graph = compileText(readFileSync(spec, 'utf8')).graph!;
    const plan = resolveObjective(graph);
    if ('error' in plan) throw new Error(plan.error);
    const history = readJson<Record<string, number[]>>(join(run, 'history.json'));
    // A spec with training.validation_split (seq2seq) also logs each key for the validation split.
    const keys = metricKeys(plan.outputs);
    const validation = (graph.training as { validation_split?: number } | undefined)?.validation_split ? keys.map((k) => `val_${k}`) : [];
    expect(Object.keys(history)).toEqual([...keys, ...validation]);
    for (const values of Object.values(history)) expect(Number.isFinite(values[0])).toBe(true);
    const evaluation = await runCli(['evaluate', run, '--data', join(dir, 'data'), '--format', 'json', '--backend', backend]);
    expect(evaluation.code).toBe(0);
    expect(Object.keys(JSON.parse(evaluation.stdout).logs)).toEqual(metricKeys(plan.outputs));
    if (backend === 'cpu') {
      const tf = await cpuTf();
      const model = await loadSaved(tf, run);
      expect(model.outputNames).toEqual(graph.outputs);
      expect(model.countParams()).toBe(graph.totalParams);
      model.dispose();
    }
  });
});
