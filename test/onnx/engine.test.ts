/**
 * The onnx engine through the commands: `auto` runs on it and says so, run.json records it;
 * per-epoch losses equal the tfjs cpu engine's (1e-3 relative); a run resumes across engines both
 * ways; a diverging run stops before the bad update; evaluate and predict agree with tfjs; the
 * saved model loads with tf.loadLayersModel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { readPointer } from '../../src/train/checkpoint.js';
import { startEngine } from '../../src/commands/engine.js';
import { planOf, randomBatch } from './train-helpers.js';
import { ROOT, runCli } from '../helpers.js';
import { cpuTf, f32, loadSaved, readArray, readJson, tempDir, writeArrays, writeSpec } from '../train/helpers.js';

const SPEC = `nnspec: 1
name: engines
inputs:
  x: {shape: [12]}
layers:
  hidden: {type: Dense, units: 16, activation: relu, kernel_regularizer: {type: l2, l2: 0.001}}
  probs:  {type: Dense, units: 4, activation: softmax}
  score:  {type: Dense, units: 1, inputs: hidden}
outputs: [probs, score]
training:
  optimizer: {type: adam, learning_rate: 0.01}
  loss: {probs: categorical_crossentropy, score: mse}
  loss_weights: {probs: 1.0, score: 0.5}
  metrics: {probs: [acc], score: [mae]}
  batch_size: 16
`;

const MLP_FOR_PROBE = `
nnspec: 1
name: mlp
inputs:
  x: {shape: [6]}
layers:
  hidden: {type: Dense, units: 5, activation: relu}
  out:    {type: Dense, units: 3, activation: softmax}
outputs: [out]
training: {optimizer: adam, loss: categorical_crossentropy}
`;

function dataDir(dir: string): string {
  const rng = rngFor(3, 'engine-data');
  const n = 90;
  const labels = Array.from({ length: n }, () => rng.int(4));
  return writeArrays(join(dir, 'data'), {
    x: f32([n, 12], () => rng.normal()),
    probs: f32([n, 4], (i) => (labels[Math.floor(i / 4)] === i % 4 ? 1 : 0)),
    score: f32([n, 1], () => rng.normal()),
  });
}

const train = (spec: string, data: string, out: string, ...flags: string[]) =>
  runCli(['train', spec, '--data', data, '--out', out, '--seed', '11', '--quiet', '--validation-split', '0.2', ...flags]);

function history(run: string): Record<string, number[]> {
  return readJson<Record<string, number[]>>(join(run, 'history.json'));
}

function expectSameHistory(a: Record<string, number[]>, b: Record<string, number[]>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) {
    expect(a[k]!.length).toBe(b[k]!.length);
    b[k]!.forEach((x, i) => {
      const rel = Math.abs(a[k]![i]! - x) / Math.max(Math.abs(x), 1e-6);
      if (rel > 1e-3) throw new Error(`${k} epoch ${i + 1}: onnx ${a[k]![i]} vs tfjs ${x}`);
    });
  }
}

describe('the onnx engine in the commands', () => {
  it('auto trains on onnx, says so in one line, records it in run.json, and matches the tfjs cpu engine epoch by epoch', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const data = dataDir(dir);
    const a = await train(spec, data, join(dir, 'onnx'), '--epochs', '3', '--threads', '1');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr.split('\n')[0]).toMatch(/^backend: onnx \(ONNX Runtime \d+\.\d+\.\d+, CPU, 1 thread\)$/);
    const info = readJson(join(dir, 'onnx', 'run.json'));
    expect(info).toMatchObject({ backend: 'onnx', threads: 1, status: 'completed' });
    expect(info.onnxruntime).toMatch(/^\d+\.\d+\.\d+$/);
    const b = await train(spec, data, join(dir, 'cpu'), '--epochs', '3', '--backend', 'cpu');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr.split('\n')[0]).toBe('backend: cpu (pure JavaScript)');
    expectSameHistory(history(join(dir, 'onnx')), history(join(dir, 'cpu')));
    // The run directory is the tfjs layers format whichever engine wrote it.
    const tf = await cpuTf();
    const model = await loadSaved(tf, join(dir, 'onnx'));
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 4], [null, 1]]);
    model.dispose();
    expect(JSON.parse(readFileSync(join(dir, 'onnx', 'model.json'), 'utf8')).modelTopology).toEqual(JSON.parse(readFileSync(join(dir, 'cpu', 'model.json'), 'utf8')).modelTopology);
  });

  it('resumes a run across engines, both ways, as if it had not stopped', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const data = dataDir(dir);
    const straight = join(dir, 'straight');
    expect((await train(spec, data, straight, '--epochs', '3', '--backend', 'cpu')).code).toBe(0);
    for (const [first, second] of [['onnx', 'cpu'], ['cpu', 'onnx']]) {
      const run = join(dir, `${first}-${second}`);
      expect((await train(spec, data, run, '--epochs', '1', '--backend', first!)).code).toBe(0);
      const r = await runCli(['train', spec, '--data', data, '--out', run, '--resume', '--epochs', '3', '--quiet', '--backend', second!]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('resuming');
      expect(readJson(join(run, 'run.json')).backend).toBe(second);
      expectSameHistory(history(run), history(straight));
    }
  });

  it('a resumed run with dropout draws what the uninterrupted run drew', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC.replace('  probs:  {type: Dense, units: 4, activation: softmax}', '  dropped: {type: Dropout, rate: 0.3}\n  probs:  {type: Dense, units: 4, activation: softmax}'));
    const data = dataDir(dir);
    const straight = join(dir, 'straight');
    expect((await train(spec, data, straight, '--epochs', '3', '--backend', 'onnx')).code).toBe(0);
    const run = join(dir, 'resumed');
    expect((await train(spec, data, run, '--epochs', '1', '--backend', 'onnx')).code).toBe(0);
    expect((await runCli(['train', spec, '--data', data, '--out', run, '--resume', '--epochs', '3', '--quiet', '--backend', 'onnx'])).code).toBe(0);
    expect(history(run)).toEqual(history(straight));
  });

  it('evaluate and predict run on onnx and agree with the tfjs cpu engine', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const data = dataDir(dir);
    const run = join(dir, 'run');
    expect((await train(spec, data, run, '--epochs', '1')).code).toBe(0);
    const [eo, ec] = [await runCli(['evaluate', run, '--data', data, '--format', 'json']), await runCli(['evaluate', run, '--data', data, '--format', 'json', '--backend', 'cpu'])];
    expect(eo.code, eo.stderr).toBe(0);
    expect(eo.stderr).toMatch(/^backend: onnx /);
    const [ro, rc] = [JSON.parse(eo.stdout), JSON.parse(ec.stdout)];
    for (const k of Object.keys(rc.logs)) expect(ro.logs[k]).toBeCloseTo(rc.logs[k], 5);
    const [po, pc] = [await runCli(['predict', run, '--data', data, '--out', join(dir, 'po')]), await runCli(['predict', run, '--data', data, '--out', join(dir, 'pc'), '--backend', 'cpu'])];
    expect(po.code, po.stderr).toBe(0);
    expect(po.stderr).toMatch(/^backend: onnx /);
    for (const name of ['probs', 'score']) {
      const [a, b] = [readArray(join(dir, 'po', `${name}.npy`)), readArray(join(dir, 'pc', `${name}.npy`))];
      expect(a.shape).toEqual(b.shape);
      (b.data as Float32Array).forEach((x, i) => expect((a.data as Float32Array)[i]).toBeCloseTo(x, 5));
    }
  });

  it('stops a diverging run before the bad update and keeps the last good checkpoint', async () => {
    const dir = tempDir();
    const rng = rngFor(2, 'nan');
    const data = writeArrays(join(dir, 'data'), { x: f32([32, 4], () => rng.normal()), y: f32([32, 1], () => rng.normal()) });
    const spec = writeSpec(dir, `nnspec: 1
name: diverging
inputs:
  x: {shape: [4]}
layers:
  y: {type: Dense, units: 1}
outputs: [y]
training: {optimizer: {type: sgd, learning_rate: 3.0}, loss: mse, batch_size: 8}
`);
    const run = join(dir, 'run');
    const r = await runCli(['train', spec, '--data', data, '--out', run, '--epochs', '50', '--seed', '1', '--backend', 'onnx', '--quiet']);
    expect(r.code).toBe(1);
    const m = /training stopped: the loss is (NaN|Infinity) at epoch (\d+), batch (\d+) of 4; the update was not applied/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const epoch = Number(m![2]);
    expect(readPointer(run)).toMatchObject({ epoch: epoch - 1, batch: 0 });
    const tf = await cpuTf();
    const model = await loadSaved(tf, join(run, readPointer(run)!.dir));
    for (const w of model.weights) expect([...w.read().dataSync()].every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('auto passes over onnx when it cannot run the model, and says why; --backend onnx refuses with the reason', async () => {
    const plan = planOf(MLP_FOR_PROBE);
    // A layer type without an ONNX emitter (tfjs builds layers from their kind, not this name).
    (plan.graph.layers[0]!.config as { type: string }).type = 'NotInOnnx';
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: ROOT };
    const runtime = await startEngine('auto', io, { threads: 1 }, { plan, batch: randomBatch(4, 1) });
    expect(runtime!.name).not.toBe('onnx');
    expect(runtime!.skipped[0]).toBe('onnx: the onnx engine cannot run this model yet (no ONNX emitter for layer type NotInOnnx)');
    expect(await startEngine('onnx', io, { threads: 1 }, { plan, batch: randomBatch(4, 1) })).toBeUndefined();
    expect(err).toMatch(/NN904.*no ONNX emitter for layer type NotInOnnx/s);
  });

  it('--device cuda says why it cannot run here; --backend onnx names what it cannot run', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const data = dataDir(dir);
    const r = await train(spec, data, join(dir, 'cuda'), '--epochs', '1', '--device', 'cuda', '--backend', 'onnx');
    // This machine has no CUDA provider; on one that has, the run would go ahead.
    if (r.code !== 0) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/NN904.*CUDA provider does not run here/s);
    }
    const t = await train(spec, data, join(dir, 'threads'), '--epochs', '1', '--threads', '0');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('--threads');
  });
});
