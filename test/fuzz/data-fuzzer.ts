/**
 * The data fuzzer: valid data for a few specs (synthesized at a length the spec compiles at),
 * written as .npy, .csv, .json or one .npz, then mutated (bytes and headers of .npy, zip
 * structure of .npz, cells of .csv, values and nesting of .json; missing, extra, duplicated and
 * misnamed files; sample counts; sequence lengths too short or zero; NaN, huge and negative
 * values; labels outside the loss's range). Each case goes through the readers and the data
 * check in-process; some also through `evaluate` and `predict` on a run trained on the valid data.
 * The oracle: nothing but coded NN8xx problems escapes a reader or the check; data the check
 * accepts fits the model's shape rules, and evaluate and predict then run (exit 0).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferConcrete } from '../../src/compiler/concrete.js';
import { compile } from '../../src/compiler/compile.js';
import type { Graph } from '../../src/compiler/graph.js';
import { checkData } from '../../src/data/check.js';
import { readDataSet } from '../../src/data/dataset.js';
import { graphAtLength } from '../../src/data/length.js';
import { npyBytes } from '../../src/data/npy-write.js';
import { synthesize } from '../../src/data/synth.js';
import type { NdArray } from '../../src/data/array.js';
import { CODES } from '../../src/diagnostics/codes.js';
import { resolveObjective, type OutputPlan } from '../../src/train/objective.js';
import { rngFor } from '../../src/train/random.js';
import { zip } from '../data/build.js';
import { bytewise } from './mutate-spec.js';
import { checkRun, runInProcess, type Finding } from './oracle.js';
import { caseSeed, Random } from './random.js';

/** Specs with data: an MLP, int ids into Embeddings, a Conv1D stack over any length (at least 6 steps), three outputs with weighted losses. */
const SEQ = `nnspec: 1
name: seq
inputs:
  x: {shape: [null, 3]}
layers:
  conv: {type: Conv1D, filters: 4, kernel_size: 3}
  pool: {type: MaxPooling1D, pool_size: 4}
  flat: {type: GlobalMaxPooling1D}
  y: {type: Dense, units: 2, activation: softmax}
outputs: [y]
training: {loss: sparse_categorical_crossentropy, optimizer: sgd, batch_size: 4, epochs: 1}
`;

interface DataSeed {
  name: string;
  spec: string;
  length: number;
  graph: Graph;
  outputs: OutputPlan[];
  arrays: { name: string; array: NdArray }[];
  run?: string;
}

export interface DataFuzzOptions {
  count: number;
  seed: number;
  root: string;
  work: string;
  /** Run every so many accepted cases through evaluate and predict (0: never). */
  evaluateEvery?: number;
  onFinding?: (f: Finding & { index: number; labels: string[]; bytes: Uint8Array }) => void;
}

export interface DataFuzzStats {
  cases: number;
  refused: number;
  accepted: number;
  evaluated: number;
  /** How often each code was the first problem of a refused case. */
  codes: Record<string, number>;
  findings: (Finding & { index: number; labels: string[]; bytes: Uint8Array })[];
  ms: number;
}

function seeds(root: string): { name: string; spec: string; length: number }[] {
  const read = (f: string) => readFileSync(join(root, f), 'utf8');
  return [
    { name: 'sequential_mlp', spec: read('specs/sequential_mlp.yaml'), length: 0 },
    { name: 'question_answering', spec: read('specs/question_answering.yaml'), length: 7 },
    { name: 'seq', spec: SEQ, length: 9 },
  ];
}

async function prepare(opts: DataFuzzOptions): Promise<DataSeed[]> {
  const out: DataSeed[] = [];
  for (const s of seeds(opts.root)) {
    const compiled = compile(s.spec, `${s.name}.yaml`);
    if (!compiled.graph || !compiled.ok) throw new Error(`data seed ${s.name} does not compile`);
    const concrete = s.length > 0 ? graphAtLength(s.spec, s.length)! : compiled.graph;
    const objective = resolveObjective(compiled.graph);
    if ('error' in objective) throw new Error(objective.error);
    const arrays = synthesize(concrete, 6, rngFor(1, s.name)).map((a) => ({ name: a.name, array: a.array }));
    const seed: DataSeed = { ...s, graph: compiled.graph, outputs: objective.outputs, arrays };
    if ((opts.evaluateEvery ?? 10) > 0) {
      const dir = join(opts.work, `seed-${s.name}`);
      writeSet(dir, seed.arrays, () => 'npy');
      const specFile = join(opts.work, `${s.name}.yaml`);
      writeFileSync(specFile, s.spec);
      const run = join(opts.work, `run-${s.name}`);
      const r = await runInProcess(['train', specFile, '--data', dir, '--out', run, '--epochs', '1', '--batch-size', '6', '--backend', 'cpu', '--quiet', '--seed', '1'], opts.work);
      if ('threw' in r || r.code !== 0) throw new Error(`training the data seed ${s.name} failed: ${'threw' in r ? String(r.threw) : r.stderr}`);
      seed.run = run;
    }
    out.push(seed);
  }
  return out;
}

type Format = 'npy' | 'csv' | 'json';

function csvText(a: NdArray): string | undefined {
  if (a.shape.length > 2) return undefined;
  const cols = a.shape.length === 2 ? a.shape[1]! : 1;
  const rows: string[] = [];
  for (let i = 0; i < a.shape[0]!; i++) rows.push(Array.from(a.data.slice(i * cols, (i + 1) * cols)).join(','));
  return rows.join('\n') + '\n';
}

function nested(a: NdArray): unknown {
  const build = (axis: number, offset: number): unknown => {
    if (axis === a.shape.length) return a.data[offset];
    const stride = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
    return Array.from({ length: a.shape[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

function encode(a: NdArray, format: Format): Uint8Array {
  if (format === 'csv') return Buffer.from(csvText(a) ?? '', 'utf8');
  if (format === 'json') return Buffer.from(JSON.stringify(nested(a)), 'utf8');
  return npyBytes(a);
}

function writeSet(dir: string, arrays: { name: string; array: NdArray }[], format: (a: NdArray) => Format): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const { name, array } of arrays) {
    const f = format(array);
    writeFileSync(join(dir, `${name}.${f}`), encode(array, f));
  }
}

const DESCRS = ['<f4', '<f8', '<i8', '>i4', '|b1', '|O', '<U3', '<c8', '|V4', '<f2', '<u8', '<m8', '|i1', '<i4', 'float32', '', '<f16'];
const SHAPES = ['()', '(0,)', '(-1,)', '(99999999999,)', '(2147483648,)', '(1e3,)', "('a',)", '(3, 0)', '(4611686018427387904, 2)', '(6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)', '[6]', '(6 8)', '(6,,)', ''];

/** Edits the header dict of a .npy (descr, shape, fortran_order, version, header length). */
function npyHeader(r: Random, bytes: Uint8Array): { bytes: Uint8Array; label: string } {
  const b = Buffer.from(bytes);
  const headerLen = b.readUInt16LE(8);
  let header = b.subarray(10, 10 + headerLen).toString('latin1');
  const body = b.subarray(10 + headerLen);
  const kind = r.int(5);
  if (kind === 0) header = header.replace(/'descr': '[^']*'/, `'descr': '${r.pick(DESCRS)}'`);
  else if (kind === 1) header = header.replace(/'shape': \([^)]*\)/, `'shape': ${r.pick(SHAPES)}`);
  else if (kind === 2) header = header.replace(/'fortran_order': \w+/, `'fortran_order': ${r.pick(['True', 'None', '1', "'yes'", 'False'])}`);
  else if (kind === 3) {
    const out = Buffer.from(b);
    out[6] = r.pick([0, 2, 3, 4, 255]);
    return { bytes: out, label: 'npy-version' };
  } else {
    const out = Buffer.from(b);
    out.writeUInt16LE(r.pick([0, 1, headerLen + 1, 65535, headerLen - 3]), 8);
    return { bytes: out, label: 'npy-header-length' };
  }
  const head = Buffer.from(header, 'latin1');
  const pre = Buffer.from(b.subarray(0, 10));
  pre.writeUInt16LE(head.length, 8);
  return { bytes: Buffer.concat([pre, head, body]), label: ['npy-descr', 'npy-shape', 'npy-fortran'][kind]! };
}

function textEdit(r: Random, text: string, format: 'csv' | 'json'): string {
  const cells = format === 'csv' ? ['', 'nan', 'NaN', 'inf', '-inf', '1e999', '"3"', '0x10', '1,2', ' ', '9007199254740993', '-1', '1.5', 'true', 'a', '\t', '"'] : ['null', 'NaN', 'Infinity', '"3"', '[]', '{}', '1e999', 'true', '[[1]]', '9007199254740993', '-1', '1.5', '"x"'];
  switch (r.int(6)) {
    case 0: return text.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/, r.pick(cells));
    case 1: {
      const lines = text.split('\n');
      const i = r.int(lines.length);
      lines[i] = format === 'csv' ? `${lines[i]},${r.pick(cells)}` : lines[i]!;
      return format === 'csv' ? lines.join('\n') : text.replace(/\]/, `, ${r.pick(cells)}]`);
    }
    case 2: return text.slice(0, r.int(text.length));
    case 3: return `\uFEFF${text.replace(/\n/g, '\r\n')}`;
    case 4: return format === 'json' ? '['.repeat(1 + r.int(20000)) + ']'.repeat(r.int(20000)) : text + '\n\n\n';
    default: return format === 'csv' ? text.split('\n').filter((_, i) => i % 2 === 0).join('\n') : `{"a": ${text}}`;
  }
}

/** Changes an array: sample count, per-sample length, dtype, values (NaN, huge, negative, fractional). */
function editArray(r: Random, a: NdArray): { array: NdArray; label: string } {
  const n = a.shape[0]!;
  const per = a.shape.slice(1);
  const size = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);
  const take = (wanted: number[]): NdArray => {
    const shape = wanted.map((d) => Math.max(0, d));
    const count = size(shape);
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = a.data[i % Math.max(1, a.data.length)] ?? 0;
    return { dtype: 'float64', shape, data };
  };
  switch (r.int(7)) {
    case 0: return { array: take([r.pick([0, 1, n - 1, n + 1]), ...per]), label: 'sample-count' };
    case 1: {
      if (per.length === 0) return { array: take([n, 2]), label: 'extra-axis' };
      const axis = r.int(per.length);
      const shape = [n, ...per];
      shape[axis + 1] = r.pick([0, 1, 2, 5, per[axis]! - 1, per[axis]! + 1, 300]);
      return { array: take(shape), label: 'sample-length' };
    }
    case 2: return { array: take([n]), label: 'drop-axes' };
    case 3: {
      const data = Float64Array.from(a.data);
      data[r.int(data.length)] = r.pick([NaN, Infinity, -Infinity, 1e300, -1, 2 ** 53, 0.5, 1e9, -(2 ** 31)]);
      return { array: { dtype: 'float64', shape: a.shape, data }, label: 'value' };
    }
    case 4: return { array: { dtype: 'int32', shape: a.shape, data: Int32Array.from(a.data, (v) => Math.round(v * 1000)) }, label: 'int-scaled' };
    case 5: return { array: { dtype: 'bool', shape: a.shape, data: Uint8Array.from(a.data, (v) => (v > 0.5 ? 1 : 0)) }, label: 'bool' };
    default: return { array: { dtype: 'float32', shape: a.shape, data: Float32Array.from(a.data, (v) => v + 0.25) }, label: 'fractional' };
  }
}

interface Built {
  /** --data: a directory or an .npz. */
  path: string;
  labels: string[];
  /** The bytes of the file most recently changed, kept with a finding. */
  bytes: Uint8Array;
}

function buildCase(r: Random, s: DataSeed, dir: string): Built {
  const labels: string[] = [];
  let arrays = s.arrays.map((x) => ({ ...x }));
  for (let n = r.int(3); n > 0; n--) {
    const i = r.int(arrays.length);
    const edited = editArray(r, arrays[i]!.array);
    arrays[i] = { name: arrays[i]!.name, array: edited.array };
    labels.push(edited.label);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let last: Uint8Array = new Uint8Array();
  if (r.chance(0.2)) {
    // One .npz, perhaps broken as a zip.
    const entries = arrays.map(({ name, array }) => ({ name: `${name}.npy`, data: npyBytes(array), deflate: r.chance(0.5) }));
    if (r.chance(0.3)) {
      const e = r.pick(entries) as { name: string; data: Uint8Array; deflate: boolean; crc?: number; size?: number; method?: number };
      const k = r.int(6);
      if (k === 0) e.crc = r.int(2 ** 32);
      else if (k === 1) e.size = r.pick([0, 1, 2 ** 31, 2 ** 32 - 1]);
      else if (k === 2) e.method = r.pick([1, 9, 12, 99]);
      else if (k === 3) e.name = r.pick(['../x.npy', '/abs.npy', 'x', 'a/b.npy', entries[0]!.name, '']);
      else if (k === 4) e.data = npyHeader(r, e.data).bytes;
      else e.data = bytewise(r, e.data).bytes;
      labels.push('npz-entry');
    }
    let bytes = zip(entries);
    if (r.chance(0.15)) {
      bytes = bytewise(r, bytes).bytes;
      labels.push('npz-bytes');
    }
    const path = join(dir, 'data.npz');
    writeFileSync(path, bytes);
    return { path, labels: labels.length ? labels : ['valid-npz'], bytes };
  }
  for (const { name, array } of arrays) {
    const formats: Format[] = csvText(array) !== undefined ? ['npy', 'csv', 'json'] : ['npy', 'json'];
    const format = r.pick(formats);
    let bytes = encode(array, format);
    if (r.chance(0.3)) {
      if (format === 'npy') {
        const m = r.chance(0.5) ? npyHeader(r, bytes) : bytewise(r, bytes);
        bytes = m.bytes;
        labels.push(m.label);
      } else {
        bytes = Buffer.from(textEdit(r, Buffer.from(bytes).toString('utf8'), format), 'utf8');
        labels.push(`${format}-text`);
      }
    }
    last = bytes;
    let file = `${name}.${format}`;
    const set = r.int(30);
    if (set === 0) continue; // missing
    if (set === 1) file = `${name}x.${format}`;
    if (set === 2) file = `${name}.txt`;
    if (set === 3) writeFileSync(join(dir, `${name}.${format === 'npy' ? 'json' : 'npy'}`), encode(array, format === 'npy' ? 'json' : 'npy'));
    if (set === 4) mkdirSync(join(dir, `extra_${name}.npy`));
    if (set <= 4) labels.push(['missing', 'misnamed', 'extension', 'duplicate', 'directory'][set]!);
    writeFileSync(join(dir, file), bytes);
  }
  return { path: dir, labels: labels.length ? labels : ['valid'], bytes: last };
}

export async function fuzzData(opts: DataFuzzOptions): Promise<DataFuzzStats> {
  mkdirSync(opts.work, { recursive: true });
  const started = performance.now();
  const all = await prepare(opts);
  const stats: DataFuzzStats = { cases: 0, refused: 0, accepted: 0, evaluated: 0, codes: {}, findings: [], ms: 0 };
  const every = opts.evaluateEvery ?? 10;
  for (let index = 0; index < opts.count; index++) {
    const r = new Random(caseSeed(opts.seed ^ 0x5bd1e995, index));
    const s = r.pick(all);
    const built = buildCase(r, s, join(opts.work, 'case'));
    const findings: Finding[] = [];
    const names = [...s.graph.inputs.map((n) => n.name), ...s.outputs.map((o) => o.name)];
    let problems: { code: string; file: string; message: string }[] | undefined;
    try {
      const set = readDataSet(built.path, built.path, names);
      const checked = checkData(s.graph, s.outputs, set);
      // Warnings (an extra file in the directory, NN820) do not refuse the data.
      problems = checked.problems.filter((p) => (p as { severity?: string }).severity !== 'warning');
      for (const p of problems) {
        if (!(p.code in CODES) || !p.code.startsWith('NN8') || !p.message || !p.file) findings.push({ problem: `a data problem without an NN8xx code, message or file: ${p.code}`, detail: JSON.stringify(p) });
      }
      if (problems.length === 0) {
        const shapes = new Map(s.graph.inputs.map((n) => [n.name, [...set.entries.get(n.name)!.array.shape.slice(1)]]));
        const failure = inferConcrete(s.graph, shapes);
        if (failure) findings.push({ problem: `the data check accepted data the shape rules refuse: ${failure.message}` });
      }
    } catch (e) {
      findings.push({ problem: `the data readers or check threw ${(e as Error).name}: ${(e as Error).message}`, detail: (e as Error).stack });
    }
    if (problems && problems.length > 0) {
      stats.refused++;
      stats.codes[problems[0]!.code] = (stats.codes[problems[0]!.code] ?? 0) + 1;
    }
    else if (problems) stats.accepted++;
    const accepted = problems?.length === 0;
    if (s.run && every > 0 && (accepted ? stats.accepted % every === 1 || every === 1 : index % (every * 4) === 0)) {
      stats.evaluated++;
      const ev = await runInProcess(['evaluate', s.run, '--data', built.path, '--backend', 'cpu', '--format', 'json'], opts.work);
      if (checkRun(ev, accepted ? [0] : [1], findings) && !accepted && !/"code": "NN8\d\d"/.test(ev.stderr)) findings.push({ problem: 'evaluate refused the data without an NN8xx diagnostic', argv: ev.argv, detail: ev.stderr.slice(0, 1000) });
      const pr = await runInProcess(['predict', s.run, '--data', built.path, '--out', join(opts.work, 'pred'), '--backend', 'cpu', '--format', 'json'], opts.work);
      // predict needs only the inputs: refused targets may still predict.
      checkRun(pr, accepted ? [0] : [0, 1], findings);
    }
    for (const f of findings) {
      const found = { ...f, index, labels: [s.name, ...built.labels], bytes: built.bytes };
      stats.findings.push(found);
      opts.onFinding?.(found);
    }
    stats.cases++;
  }
  stats.ms = performance.now() - started;
  return stats;
}
