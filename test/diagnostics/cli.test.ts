/**
 * One diagnostic path, end to end through the CLI: for every class of error (usage, spec, data,
 * import, run), the exit status, code, message and place, in pretty and in json; and a sweep of
 * bad data files (the .npy fixtures and mutations of good .npy/.csv/.json files) in which every
 * printed error carries a code and a place inside its file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src/data/npy-write.js';
import { zip } from '../data/build.js';
import { ROOT, runCli } from '../helpers.js';
import { headlines } from './io.js';

const SPEC = `nnspec: 1
name: t
inputs:
  x: {shape: [3]}
layers:
  y: {type: Dense, units: 2, activation: softmax, inputs: x}
outputs: [y]
training: {loss: sparse_categorical_crossentropy}
`;
const NO_LOSS = SPEC.replace('training: {loss: sparse_categorical_crossentropy}\n', '');

let dir: string;
const x = npyBytes({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
const y = npyBytes({ dtype: 'int32', shape: [2], data: Int32Array.from([0, 1]) });

function dataDir(name: string, files: Record<string, Uint8Array | string>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(d, f), bytes);
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-diag-cli-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  writeFileSync(join(dir, 'noloss.yaml'), NO_LOSS);
  writeFileSync(join(dir, 'bad.yaml'), SPEC.replace('units: 2', 'units: 0'));
  writeFileSync(join(dir, 'seq.yaml'), 'nnspec: 1\nname: s\ninputs:\n  t: {shape: [null, 2]}\nlayers:\n  c: {type: Conv1D, filters: 2, kernel_size: 3, inputs: t}\n  p: {type: GlobalMaxPooling1D}\noutputs: [p]\n');
  writeFileSync(join(dir, 'model.json'), '{\n  "class_name": "Functional",\n  "config": {,}\n}\n');
  mkdirSync(join(dir, 'notarun'));
  mkdirSync(join(dir, 'emptyrun'));
  dataDir('good', { 'x.npy': x, 'y.npy': y });
  dataDir('badcsv', { 'x.csv': '1,2,3\n4,x,6\n', 'y.npy': y });
  dataDir('badnpy', { 'x.npy': x.subarray(0, 9), 'y.npy': y });
  dataDir('shape', { 'x.npy': npyBytes({ dtype: 'float32', shape: [2, 4], data: new Float32Array(8) }), 'y.npy': y });
});

interface Case {
  name: string;
  argv: string[];
  exit: number;
  code: string;
  message: string;
  /** The pretty headline's place, before `: error[`. */
  pretty: string;
  /** The json diagnostic's place fields. */
  json: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'usage: an unknown option', argv: ['train', 'spec.yaml', '--data', 'good', '--out', 'r0', '--bogus'], exit: 2, code: 'NN001', message: "unknown option '--bogus'", pretty: 'nnspec', json: { file: null, line: null } },
  { name: 'usage: a bad flag value', argv: ['train', 'spec.yaml', '--data', 'good', '--out', 'r', '--epochs', '0'], exit: 2, code: 'NN003', message: "--epochs must be a positive integer; got '0'", pretty: 'nnspec', json: { file: null } },
  { name: 'usage: a spec that does not exist', argv: ['synth', 'nope.yaml', '-n', '2', '-o', 'o'], exit: 2, code: 'NN004', message: "cannot read 'nope.yaml': no such file", pretty: 'nnspec', json: { file: null } },
  { name: 'spec: a value out of range', argv: ['train', 'bad.yaml', '--data', 'good', '--out', 'r1'], exit: 1, code: 'NN204', message: "'units' in Dense layer 'y' must be >= 1, got 0", pretty: 'bad.yaml:6:27', json: { file: 'bad.yaml', line: 6, column: 27 } },
  { name: 'spec: no loss to train on', argv: ['train', 'noloss.yaml', '--data', 'good', '--out', 'r2'], exit: 1, code: 'NN906', message: "the spec gives no loss for output 'y'", pretty: 'noloss.yaml:7:1', json: { file: 'noloss.yaml', line: 7, column: 1 } },
  { name: 'data: a missing --data directory', argv: ['train', 'spec.yaml', '--data', 'nope', '--out', 'r3'], exit: 1, code: 'NN829', message: 'does not exist', pretty: 'nope', json: { file: 'nope', line: null, offset: null } },
  { name: 'data: a CSV cell', argv: ['train', 'spec.yaml', '--data', 'badcsv', '--out', 'r4'], exit: 1, code: 'NN815', message: "line 2, cell 2: 'x' is not a number", pretty: 'badcsv/x.csv:2:3', json: { file: 'badcsv/x.csv', line: 2, column: 3 } },
  { name: 'run: evaluate on a directory that is not a run', argv: ['evaluate', 'notarun', '--data', 'badnpy'], exit: 2, code: 'NN900', message: 'notarun is not a training run', pretty: 'nnspec', json: { file: null } },
  { name: 'data: an .npy header cut short', argv: ['train', 'spec.yaml', '--data', 'badnpy', '--out', 'r5'], exit: 1, code: 'NN804', message: 'header is truncated', pretty: 'badnpy/x.npy (byte 8, header length)', json: { file: 'badnpy/x.npy', line: null, offset: 8, place: 'header length' } },
  { name: 'data: a shape against the spec', argv: ['train', 'spec.yaml', '--data', 'shape', '--out', 'r6'], exit: 1, code: 'NN823', message: "but input 'x' takes samples of (3,)", pretty: 'shape/x.npy', json: { file: 'shape/x.npy', labels: [{ file: 'spec.yaml', line: 4, column: 3, end_line: 4, end_column: 4, message: "input 'x' is declared here" }] } },
  { name: 'import: not JSON', argv: ['import', 'model.json'], exit: 1, code: 'NN700', message: 'not valid JSON', pretty: 'model.json:3:14', json: { file: 'model.json', line: 3, column: 14 } },
  { name: 'export: --weights that is not a run', argv: ['export', 'spec.yaml', '--to', 'tfjs', '--weights', 'notarun', '--out', 'm'], exit: 2, code: 'NN900', message: "'notarun' is not a training run", pretty: 'nnspec', json: { file: null } },
  { name: 'predict: a directory that is not a run', argv: ['predict', 'notarun', '--data', 'good', '--out', 'p'], exit: 2, code: 'NN900', message: 'notarun is not a training run', pretty: 'nnspec', json: { file: null } },
  { name: 'synth: a --length the model cannot take', argv: ['synth', 'seq.yaml', '-n', '2', '-o', 'o', '--length', '2'], exit: 1, code: 'NN908', message: 'the model does not compile with sequences of length 2; it needs at least 3', pretty: 'seq.yaml', json: { file: 'seq.yaml', line: null, hint: 'give --length 3 or more' } },
  { name: 'run: --resume without a checkpoint', argv: ['train', 'spec.yaml', '--data', 'good', '--out', 'emptyrun', '--resume'], exit: 1, code: 'NN901', message: 'holds no checkpoint to resume from', pretty: 'emptyrun', json: { file: 'emptyrun', line: null } },
];

describe.each(CASES)('$name', (c) => {
  it('pretty: exit status, code, message, place', async () => {
    const r = await runCli(c.argv, { cwd: dir });
    expect(r.code, r.stderr).toBe(c.exit);
    const { coded, uncoded } = headlines(r.stderr);
    expect(uncoded).toEqual([]);
    const line = coded.find((l) => l.includes(`error[${c.code}]`));
    expect(line, r.stderr).toBeDefined();
    expect(line!.startsWith(`${c.pretty}: error[${c.code}]: `), line).toBe(true);
    expect(line).toContain(c.message);
  });

  it('json: one document on stderr with the code, message and place', async () => {
    const r = await runCli([...c.argv, '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(c.exit);
    const doc = JSON.parse(r.stderr) as { diagnostics: Record<string, unknown>[]; errors: number };
    expect(doc.errors).toBeGreaterThanOrEqual(1);
    const d = doc.diagnostics.find((e) => e.code === c.code);
    expect(d, r.stderr).toMatchObject({ severity: 'error', ...c.json });
    expect(d!.message).toContain(c.message);
  });
});

describe('an engine that cannot run here', () => {
  const hasNode = existsSync(join(ROOT, 'node_modules/@tensorflow/tfjs-node'));
  it.skipIf(hasNode)('--backend node without tfjs-node: NN904 about the command line, pretty and json', async () => {
    const argv = ['train', 'spec.yaml', '--data', 'good', '--out', 'r-node', '--backend', 'node'];
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nnspec: error\[NN904\]: @tensorflow\/tfjs-node is not installed/m);
    const j = await runCli([...argv, '--format', 'json'], { cwd: dir });
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stderr).diagnostics).toEqual([expect.objectContaining({ code: 'NN904', file: null, line: null })]);
  });
});

describe('github and sarif faces of a data error', () => {
  it('github: an annotation on the data file with its line', async () => {
    const r = await runCli(['train', 'spec.yaml', '--data', 'badcsv', '--out', 'r7', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("::error file=badcsv/x.csv,line=2,col=3,endLine=2,endColumn=4,title=NN815::line 2, cell 2: 'x' is not a number (hint: replace missing or non-numeric values with numbers)\n");
  });

  it('sarif: one log with the result located in the data file', async () => {
    const r = await runCli(['train', 'spec.yaml', '--data', 'badnpy', '--out', 'r8', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stderr).runs[0].results[0];
    expect(result).toMatchObject({ ruleId: 'NN804', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'badnpy/x.npy' }, region: { byteOffset: 8 } } }] });
  });
});

const STOP = ['--validation-split', '0.9', '--backend', 'cpu'];

/** Of the 98 cases, 80 are refused today (a flipped data byte, a trailing space or a header space can leave the data valid). */
const REFUSED_AT_LEAST = 75;

/** Bad data files: the refused .npy fixtures, and truncations and byte flips of good ones. */
function badDataCases(): [string, string, Uint8Array][] {
  const cases: [string, string, Uint8Array][] = [];
  const fixtures = join(ROOT, 'test/fixtures/npy');
  for (const f of readdirSync(fixtures).filter((f) => f.endsWith('.npy'))) cases.push([`fixture ${f}`, 'x.npy', readFileSync(join(fixtures, f))]);
  for (let n = 0; n < x.length; n += 7) cases.push([`x.npy cut at ${n}`, 'x.npy', x.subarray(0, n)]);
  for (let i = 0; i < 90; i += 5) {
    const b = Uint8Array.from(x);
    b[i] = b[i]! ^ 0x5a;
    cases.push([`x.npy byte ${i} flipped`, 'x.npy', b]);
  }
  const csv = '1,2,3\n4,5,6\n';
  for (let i = 0; i < csv.length; i++) cases.push([`x.csv char ${i} replaced`, 'x.csv', Buffer.from(csv.slice(0, i) + 'z' + csv.slice(i + 1))]);
  const json = '[[1, 2, 3], [4, 5, 6]]';
  for (let i = 0; i < json.length; i += 2) cases.push([`x.json char ${i} replaced`, 'x.json', Buffer.from(json.slice(0, i) + '"' + json.slice(i + 1))]);
  return cases;
}

describe('every printed data error has a code and a place in its file', () => {
  let n = 0;
  let refused = 0;
  // The sweep must not pass by finding nothing to refuse.
  afterAll(() => expect(refused).toBeGreaterThanOrEqual(REFUSED_AT_LEAST));
  it.each(badDataCases())('%s', async (_, name, bytes) => {
    const data = dataDir(`sweep${n++}`, { [name]: bytes, 'y.npy': y });
    const out = `run-sweep${n}`;
    // A split that leaves nothing to train on stops right after the data check (NN907): valid data never trains.
    const pretty = await runCli(['train', 'spec.yaml', '--data', data, '--out', out, ...STOP], { cwd: dir });
    expect(pretty.code, pretty.stderr).toBe(1);
    if (/^nnspec: error\[NN907\]/.test(pretty.stderr)) return; // a mutation that left the data valid
    refused++;
    const { coded, uncoded } = headlines(pretty.stderr);
    expect(uncoded).toEqual([]);
    expect(coded.length, pretty.stderr).toBeGreaterThanOrEqual(1);
    const json = await runCli(['train', 'spec.yaml', '--data', data, '--out', `${out}-json`, '--format', 'json', ...STOP], { cwd: dir });
    const doc = JSON.parse(json.stderr) as { diagnostics: { code: string; file: string | null; line: number | null; offset: number | null; place: string | null }[] };
    for (const d of doc.diagnostics) {
      expect(d.code).toMatch(/^NN8\d\d$/);
      expect(d.file).toMatch(new RegExp(`^${data}(/|$)`));
      if (d.file !== data && d.line !== null) {
        const text = readFileSync(join(dir, d.file!), 'utf8');
        expect(d.line).toBeLessThanOrEqual(text.split('\n').length);
      }
      if (d.offset !== null) expect(d.offset).toBeLessThanOrEqual(bytes.length);
    }
  });
});

/** .npz mutations: truncations and byte flips of a good archive (one entry stored, one deflated), given as --data. */
function badNpzCases(): [string, Uint8Array][] {
  const good = zip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: y, deflate: true }]);
  const cases: [string, Uint8Array][] = [];
  for (let n = 0; n < good.length; n += 23) cases.push([`cut at ${n}`, good.subarray(0, n)]);
  for (let i = 0; i < good.length; i += 11) {
    const b = Uint8Array.from(good);
    b[i] = b[i]! ^ 0xa5;
    cases.push([`byte ${i} flipped`, b]);
  }
  return cases;
}

describe('every printed .npz error has a code and a byte or entry inside the archive', () => {
  let n = 0;
  it.each(badNpzCases())('%s', async (_, bytes) => {
    const file = `sweep${n++}.npz`;
    writeFileSync(join(dir, file), bytes);
    const r = await runCli(['train', 'spec.yaml', '--data', file, '--out', `run-${file}`, '--format', 'json', ...STOP], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stderr) as { diagnostics: { code: string; file: string; offset: number | null; place: string | null }[] };
    expect(doc.diagnostics.length).toBeGreaterThanOrEqual(1);
    if (doc.diagnostics[0]!.code === 'NN907') return; // still valid
    for (const d of doc.diagnostics) {
      expect(d.code).toMatch(/^NN8\d\d$/);
      expect(d.file.startsWith(file)).toBe(true);
      if (d.offset !== null) expect(d.offset).toBeLessThanOrEqual(bytes.length);
    }
  });
});
