/**
 * Golden output of `train`, `evaluate` and `import`: what a user reads on stdout and stderr, kept
 * in test/golden/{train,evaluate,import}/ as file snapshots (`npx vitest run test/golden -u`
 * rewrites them; review the diff). Runs are seeded on the cpu backend, so losses and metrics
 * repeat exactly; only what varies from run to run is masked: durations, throughput, ETA,
 * dates, versions and the temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../src/train/random.js';
import { runCli, type CliResult } from '../helpers.js';
import { f32, writeArrays, writeSpec } from '../train/helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-golden-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces what varies between runs of the same seeded command with placeholders. */
function mask(text: string): string {
  return text
    .split(dir)
    .join('<tmp>')
    .replace(/\d+(\.\d+)?(ms|s)\b/g, '<time>')
    .replace(/[\d,]+(\.\d+)? samples\/s/g, '<n> samples/s')
    .replace(/"(seconds|wall_seconds|samples_per_second|eta_seconds)":\s*[\d.e+-]+/g, '"$1": <n>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>')
    .replace(/nnspec \d+\.\d+\.\d+\S*/g, 'nnspec <version>');
}

function transcript(r: CliResult): string {
  return mask(`exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);
}

const SPEC = `nnspec: 1
name: golden
inputs:
  x: {shape: [4]}
layers:
  hidden: {type: Dense, units: 8, activation: relu}
  y: {type: Dense, units: 3, activation: softmax}
outputs: [y]
training: {optimizer: {type: adam, learning_rate: 0.05}, loss: categorical_crossentropy, metrics: [acc], batch_size: 8}
`;

/** 48 samples whose class is the index of the largest of the first three inputs. */
function data(): string {
  const rng = rngFor(5, 'golden');
  const x = f32([48, 4], () => rng.normal());
  const y = f32([48, 3], (i) => {
    const row = Math.floor(i / 3);
    const first = [0, 1, 2].map((k) => x.data[row * 4 + k]!);
    return first.indexOf(Math.max(...first)) === i % 3 ? 1 : 0;
  });
  return writeArrays(join(dir, 'data'), { x, y });
}

describe('golden output', () => {
  let spec: string;
  let dataDir: string;
  let run: string;
  beforeAll(async () => {
    spec = writeSpec(dir, SPEC, 'golden.yaml');
    dataDir = data();
    run = join(dir, 'run');
  });

  it('train: one line per epoch, then where the run was saved', async () => {
    const r = await runCli(['train', spec, '--data', dataDir, '--out', run, '--epochs', '3', '--seed', '7', '--backend', 'cpu', '--validation-split', '0.25']);
    expect(r.code, r.stderr).toBe(0);
    await expect(transcript(r)).toMatchFileSnapshot('train/plain.txt');
  });

  it('train --json: one JSON record per event on stdout', async () => {
    const r = await runCli(['train', spec, '--data', dataDir, '--out', join(dir, 'json-run'), '--epochs', '2', '--seed', '7', '--backend', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    await expect(transcript(r)).toMatchFileSnapshot('train/json.txt');
  });

  it('train: a data directory that does not exist', async () => {
    const r = await runCli(['train', spec, '--data', join(dir, 'nowhere'), '--out', join(dir, 'never'), '--backend', 'cpu']);
    expect(r.code).not.toBe(0);
    await expect(transcript(r)).toMatchFileSnapshot('train/missing-data.txt');
  });

  it('evaluate: the loss and metrics of the run as text and as JSON', async () => {
    const text = await runCli(['evaluate', run, '--data', dataDir, '--backend', 'cpu']);
    expect(text.code, text.stderr).toBe(0);
    await expect(transcript(text)).toMatchFileSnapshot('evaluate/text.txt');
    const json = await runCli(['evaluate', run, '--data', dataDir, '--backend', 'cpu', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    await expect(transcript(json)).toMatchFileSnapshot('evaluate/json.txt');
  });

  it('evaluate: a directory that is not a run', async () => {
    const r = await runCli(['evaluate', dataDir, '--data', dataDir, '--backend', 'cpu']);
    expect(r.code).not.toBe(0);
    await expect(transcript(r)).toMatchFileSnapshot('evaluate/not-a-run.txt');
  });
});

describe('golden import output', () => {
  it.each([
    ['keras2_functional_shared.json', 'keras2-functional-shared'],
    ['keras3_sequential_rnn.json', 'keras3-sequential-rnn'],
    ['keras2_15_functional_cnn.json', 'keras2-15-functional-cnn'],
    ['keras2_unsupported.json', 'keras2-unsupported'],
  ])('import %s', async (fixture, name) => {
    const r = await runCli(['import', `test/fixtures/keras/${fixture}`]);
    await expect(transcript(r)).toMatchFileSnapshot(`import/${name}.txt`);
  });
});
