/**
 * class_weight and the data's sample weights (`<output>.sample_weight.npy`) in evaluate, on the
 * tfjs and ONNX engines, against a hand computation from predict's outputs (Keras:
 * sum_over_batch_size, Σ loss·weight / samples, class and sample weights multiplied); training
 * with class_weight on both engines; every bad sample-weight file located.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { rngFor } from '../../src/train/random.js';
import { runCli } from '../helpers.js';
import { f32, readArray, readJson, tempDir, writeArrays, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: weighted
inputs:
  x: {shape: [5]}
layers:
  hidden: {type: Dense, units: 6, activation: tanh}
  kind: {type: Dense, units: 3, activation: softmax, inputs: hidden}
  flag: {type: Dense, units: 1, activation: sigmoid, inputs: hidden}
outputs: [kind, flag]
training:
  optimizer: {type: sgd, learning_rate: 0.1}
  loss: {kind: categorical_crossentropy, flag: binary_crossentropy}
  loss_weights: {kind: 1.0, flag: 2.0}
  metrics: {kind: [acc]}
  class_weight: {kind: {0: 2.0, 2: 0.5}, flag: {1: 3.0}}
`;

const N = 23;
const EPS = 1e-7;
let dir: string;
let data: string;
let weighted: string;
let run: string;
const flagWeights = Float32Array.from({ length: N }, (_, i) => (i % 4) * 0.5);
let kindY: Float32Array;
let flagY: Float32Array;

beforeAll(async () => {
  dir = tempDir('nnspec-weights-');
  const rng = rngFor(3, 'sample-weights');
  const x = f32([N, 5], () => rng.normal());
  const kind = f32([N, 3], (k) => (k % 3 === Math.floor(k / 3) % 3 ? 1 : 0));
  const flag = f32([N, 1], (i) => (i % 3 === 0 ? 1 : 0));
  kindY = kind.data as Float32Array;
  flagY = flag.data as Float32Array;
  data = writeArrays(join(dir, 'data'), { x, kind, flag });
  weighted = writeArrays(join(dir, 'weighted'), { x, kind, flag });
  writeFileSync(join(weighted, 'flag.sample_weight.npy'), npyBytes({ dtype: 'float32', shape: [N], data: flagWeights }));
  run = join(dir, 'run');
  const r = await runCli(['train', writeSpec(dir, SPEC), '--data', data, '--out', run, '--epochs', '2', '--batch-size', '8', '--seed', '5', '--backend', 'cpu', '--quiet']);
  if (r.code !== 0) console.log(r.stdout, r.stderr);
  expect(r.code).toBe(0);
});

/** Σ loss·weight / N per output from predict's outputs. */
async function byHand(sampleWeights: boolean): Promise<{ kind: number; flag: number }> {
  const out = join(dir, `pred-${sampleWeights}`);
  expect((await runCli(['predict', run, '--data', data, '--out', out, '--backend', 'cpu'])).code).toBe(0);
  const pk = readArray(join(out, 'kind.npy')).data as Float32Array;
  const pf = readArray(join(out, 'flag.npy')).data as Float32Array;
  const clip = (v: number) => Math.min(1 - EPS, Math.max(EPS, v));
  let kind = 0;
  let flag = 0;
  for (let i = 0; i < N; i++) {
    const c = [0, 1, 2].find((j) => kindY[i * 3 + j] === 1)!;
    const sum = pk[i * 3]! + pk[i * 3 + 1]! + pk[i * 3 + 2]!;
    kind += -Math.log(clip(pk[i * 3 + c]! / sum)) * ({ 0: 2, 1: 1, 2: 0.5 } as Record<number, number>)[c]!;
    const y = flagY[i]!;
    const q = clip(pf[i]!);
    flag += -(y * Math.log(q) + (1 - y) * Math.log(1 - q)) * (y === 1 ? 3 : 1) * (sampleWeights ? flagWeights[i]! : 1);
  }
  return { kind: kind / N, flag: flag / N };
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(2e-5 * Math.max(1, Math.abs(b)));

describe('evaluate weighs losses by class_weight and sample weights', () => {
  it.each(['cpu', 'onnx'])('%s: class weights alone, then times flag.sample_weight.npy', async (backend) => {
    for (const [d, sw] of [[data, false], [weighted, true]] as const) {
      const r = await runCli(['evaluate', run, '--data', d, '--format', 'json', '--backend', backend, '--batch-size', '7']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { loss: number; outputs: Record<string, { loss: number }> };
      const want = await byHand(sw);
      close(report.outputs.kind!.loss, want.kind);
      close(report.outputs.flag!.loss, want.flag);
      close(report.loss, want.kind + 2 * want.flag);
    }
  });
});

it('trains with class_weight on both engines: the same weighted loss on the one batch, unlike the unweighted one', async () => {
  const first = async (backend: string, spec: string) => {
    const out = join(dir, `run-${backend}-${spec.length}`);
    const r = await runCli(['train', writeSpec(dir, spec, `s-${backend}.yaml`), '--data', data, '--out', out, '--epochs', '1', '--batch-size', '32', '--seed', '5', '--backend', backend, '--quiet']);
    expect(r.code).toBe(0);
    return readJson<Record<string, number[]>>(join(out, 'history.json'));
  };
  const [cpu, onnx, plain] = [await first('cpu', SPEC), await first('onnx', SPEC), await first('cpu', SPEC.replace(/ {2}class_weight:.*\n/, ''))];
  for (const k of ['loss', 'kind_loss', 'flag_loss']) close(onnx[k]![0]!, cpu[k]![0]!);
  expect(Math.abs(cpu.flag_loss![0]! - plain.flag_loss![0]!)).toBeGreaterThan(1e-3);
});

describe('bad sample-weight files: exit 1, code, file, message', () => {
  const bad = (name: string, array: { dtype: 'float32'; shape: number[]; data: Float32Array }) => {
    const d = join(dir, `bad-${name}`);
    mkdirSync(d, { recursive: true });
    for (const f of ['x', 'kind', 'flag']) copyFileSync(join(data, `${f}.npy`), join(d, `${f}.npy`));
    writeFileSync(join(d, name), npyBytes(array));
    return d;
  };
  it.each([
    ['flag.sample_weight.npy', { dtype: 'float32' as const, shape: [N - 1], data: new Float32Array(N - 1).fill(1) }, "has shape (22,); sample weights of output 'flag' need one number per sample: (23,) or (23, 1)"],
    ['flag.sample_weight.npy', { dtype: 'float32' as const, shape: [N, 2], data: new Float32Array(2 * N).fill(1) }, "has shape (23, 2); sample weights of output 'flag' need one number per sample: (23,) or (23, 1)"],
    ['flag.sample_weight.npy', { dtype: 'float32' as const, shape: [N], data: Float32Array.from({ length: N }, (_, i) => (i === 4 ? -1 : 1)) }, 'has -1 at sample 4; a sample weight is a finite number, 0 or more (0 leaves the sample out of the loss)'],
    ['flg.sample_weight.npy', { dtype: 'float32' as const, shape: [N], data: new Float32Array(N).fill(1) }, "holds sample weights for 'flg', which is not a model output (outputs: kind, flag); name it <output>.sample_weight.npy"],
  ])('%s %#', async (name, array, message) => {
    const d = bad(name, array);
    const r = await runCli(['evaluate', run, '--data', d, '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`${join(d, name)}: error[NN831]: ${message}`);
    expect(r.stdout + r.stderr).toContain('nothing was evaluated');
  });
});

describe('train reads the sample weights too', () => {
  const withWeights = (name: string, values: Float32Array) => {
    const d = join(dir, `train-${name}`);
    mkdirSync(d, { recursive: true });
    for (const f of ['x', 'kind', 'flag']) copyFileSync(join(data, `${f}.npy`), join(d, `${f}.npy`));
    writeFileSync(join(d, 'flag.sample_weight.npy'), npyBytes({ dtype: 'float32', shape: [values.length], data: values }));
    return d;
  };
  const first = async (backend: string, d: string, spec = SPEC.replace(/ {2}class_weight:.*\n/, '')) => {
    const out = join(dir, `run-sw-${backend}-${d.length}-${spec.length}`);
    const r = await runCli(['train', writeSpec(dir, spec, `sw-${backend}.yaml`), '--data', d, '--out', out, '--epochs', '1', '--batch-size', '32', '--seed', '5', '--backend', backend, '--quiet']);
    return { r, history: r.code === 0 ? readJson<Record<string, number[]>>(join(out, 'history.json')) : undefined };
  };

  it.each(['cpu', 'onnx'])('%s: weights of 2 double the output\'s loss on the one batch (no stray-file warning)', async (backend) => {
    const twos = withWeights('twos', new Float32Array(N).fill(2));
    const [weighted, plain] = [await first(backend, twos), await first(backend, data)];
    expect(weighted.r.code, weighted.r.stderr).toBe(0);
    expect(weighted.r.stderr).not.toContain('NN820');
    close(weighted.history!.flag_loss![0]!, 2 * plain.history!.flag_loss![0]!);
    close(weighted.history!.kind_loss![0]!, plain.history!.kind_loss![0]!);
  });

  it('a bad weight file stops train: exit 1, NN831, nothing was trained', async () => {
    const d = withWeights('negative', Float32Array.from({ length: N }, (_, i) => (i === 2 ? -1 : 1)));
    const { r } = await first('cpu', d);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`${join(d, 'flag.sample_weight.npy')}: error[NN831]: has -1 at sample 2`);
    expect(r.stdout + r.stderr).toContain('nothing was trained');
  });
});
