/**
 * The data-vs-spec checks that run before any training: every file present and no stray ones,
 * one sample count, per-sample shapes matching the declared ones (null takes any length),
 * Embedding ids inside [0, input_dim), labels that fit each output's loss, and finite values.
 * Every problem is reported, each located by file; none is thrown.
 */
import { inferConcrete, minimumSize, openAxes } from '../compiler/concrete.js';
import type { Graph } from '../compiler/graph.js';
import { suggest } from '../diagnostics/suggest.js';
import { formatShape } from '../layers/shape.js';
import type { OutputPlan } from '../train/objective.js';
import { createHash } from 'node:crypto';
import { shapeText } from './array.js';
import { problemOf, type DataProblem, type DataSet } from './dataset.js';
import { idReaders, type IdReader } from './ids.js';
import { HashFeed, scanArray, type IdStats, type Scan } from './scan.js';
import type { ArraySource } from './source.js';

/** How a target array becomes the output's shape: as is, or with a trailing 1 added (Keras squeezes/expands). */
export type TargetFit = 'same' | 'expand';

export interface CheckedData {
  problems: DataProblem[];
  samples: number;
  /** Per output name, how its target array maps onto the output. */
  fits: Map<string, TargetFit>;
  /** The digest of the arrays' contents (dtype, shape, values by name), from the same pass, when asked for. */
  hash?: string;
}

const LOSSES_WITH_CLASS_ROWS = new Set(['categorical_crossentropy', 'kl_divergence', 'categorical_hinge']);

/**
 * The checks read each array once, in chunks (scan.ts), and compute the data hash in the same
 * pass when `opts.hash` is set.
 */
export function checkData(graph: Graph, outputs: OutputPlan[], data: DataSet, opts: { hash?: boolean } = {}): CheckedData {
  const problems = [...data.problems];
  const fits = new Map<string, TargetFit>();
  const inputs = graph.inputs.map((n) => n.name);
  const names = [...inputs, ...outputs.map((o) => o.name)];
  // A directory or .npz that cannot be read is one problem, not one more for every missing file.
  if (data.unreadable) return { problems, samples: 0, fits };
  const failed = new Set(data.problems.map((p) => p.name));
  const isNpz = /\.npz$/i.test(data.source);
  const roleOf = (name: string) => ({ role: inputs.includes(name) ? ('input' as const) : ('output' as const), name });

  for (const name of names) {
    if (data.entries.has(name) || failed.has(name)) continue;
    const { role } = roleOf(name);
    problems.push(isNpz
      ? { code: 'NN819', file: data.source, message: `has no array '${name}' for the model's ${role} '${name}'`, hint: `save it with np.savez(..., ${name}=array)`, against: roleOf(name) }
      : { code: 'NN819', file: data.source, message: `has no file for the model's ${role} '${name}'; expected ${name}.npy, ${name}.json or ${name}.csv`, against: roleOf(name) });
  }
  for (const file of data.extra) {
    const near = suggest(baseName(file), names);
    problems.push({
      code: 'NN820',
      severity: 'warning',
      file,
      message: `matches no input or output of the spec (inputs: ${inputs.join(', ')}; outputs: ${outputs.map((o) => o.name).join(', ')})`,
      hint: near ? `did you mean '${near}'? rename the file` : 'remove it, or name it after an input or output',
    });
  }

  const samples = checkSampleCounts(data, names, problems);
  const { scans, hash } = scanAll(graph, outputs, data, problems, opts.hash ?? false);

  for (const node of graph.inputs) {
    const entry = data.entries.get(node.name);
    const scan = scans.get(node.name);
    if (!entry || !scan) continue;
    const declared = node.output!.shape.slice(1);
    const a = entry.array;
    const against = { role: 'input' as const, name: node.name };
    if (!shapeMatches(a.shape.slice(1), declared)) {
      problems.push({ code: 'NN823', file: entry.file, against, message: `has shape ${shapeText(a.shape)}, samples of ${formatShape(a.shape.slice(1))}, but input '${node.name}' takes samples of ${formatShape(declared)}${declared.includes(null) ? ' (None: any length)' : ''}` });
      continue;
    }
    const bad = scan.first.get('nonFinite');
    if (bad !== undefined) {
      problems.push({ code: 'NN824', file: entry.file, at: { place: position(a, bad.index) }, message: `holds ${describeValue(bad.value)} at ${position(a, bad.index)}; inputs must be finite numbers` });
      continue;
    }
    if (node.output!.dtype === 'int32') {
      const fractional = scan.first.get('fractional');
      if (fractional !== undefined) {
        problems.push({ code: 'NN825', file: entry.file, against, at: { place: position(a, fractional.index) }, message: `holds ${fractional.value} at ${position(a, fractional.index)}, but input '${node.name}' is int32 and takes integers` });
        continue;
      }
    }
    idReaders(graph, node.name).forEach((reader, k) => checkIds(entry.file, a, reader, scan.ids[k]!, problems));
  }
  checkConcreteSizes(graph, data, problems);

  for (const o of outputs) {
    const entry = data.entries.get(o.name);
    const scan = scans.get(o.name);
    if (!entry || !scan) continue;
    const fit = checkTarget(entry.file, entry.array, scan, o, problems);
    if (fit) fits.set(o.name, fit);
  }
  return { problems, samples, fits, ...(hash !== undefined && !problems.some(isError) ? { hash } : {}) };
}

export function isError(p: DataProblem): boolean {
  return p.severity !== 'warning';
}

/** Classes of an output (its last axis), as the target checks read them. */
function classesOf(o: OutputPlan): number | null | undefined {
  return o.shape[o.shape.length - 1];
}

/**
 * Every array read once, in name order (the digest's order): the tests each check below may
 * need, the ids of each Embedding reading an input, and the digest. A value the format forbids
 * (an int64 beyond 2^53, a bool byte of 2) is that file's problem, found here.
 */
function scanAll(graph: Graph, outputs: OutputPlan[], data: DataSet, problems: DataProblem[], hashing: boolean): { scans: Map<string, Scan>; hash?: string } {
  const scans = new Map<string, Scan>();
  let h = hashing ? createHash('sha256') : undefined;
  for (const name of [...data.entries.keys()].sort()) {
    const { array, file } = data.entries.get(name)!;
    const tests = new Map<string, (v: number) => boolean>([
      ['nonFinite', (v) => !Number.isFinite(v)],
      ['fractional', (v) => !Number.isInteger(v)],
    ]);
    const output = outputs.find((o) => o.name === name);
    let limits: number[] = [];
    if (output) {
      const classes = classesOf(output);
      if (output.loss === 'sparse_categorical_crossentropy') tests.set('sparse', (v) => !Number.isInteger(v) || v < 0 || (classes !== null && v >= classes!));
      if (output.loss === 'binary_crossentropy') tests.set('binary', (v) => v < 0 || v > 1);
    } else {
      limits = idReaders(graph, name).map((r) => r.limit);
    }
    let feed: HashFeed | undefined;
    if (h) {
      h.update(`${name}\0${array.dtype}\0${array.shape.join(',')}\0`);
      feed = new HashFeed(h, array.dtype === 'int64' || array.dtype === 'uint64');
    }
    try {
      scans.set(name, scanArray(array, tests, limits, feed));
    } catch (e) {
      problems.push({ ...problemOf(e), name });
    }
    if (feed) h = feed.end();
  }
  return { scans, ...(h ? { hash: h.digest('hex') } : {}) };
}

/**
 * The data's sizes where the spec says null (sequence lengths, image sizes), through the
 * compiler's shape rules: a length below what a convolution or pool needs, or 0, is refused
 * here, naming the layer and the minimum, not inside the tensor library. Runs once every input
 * file passed its own checks.
 */
function checkConcreteSizes(graph: Graph, data: DataSet, problems: DataProblem[]): void {
  const shapes = new Map<string, number[]>();
  for (const node of graph.inputs) {
    const entry = data.entries.get(node.name);
    if (!entry || problems.some((p) => p.file === entry.file)) return;
    shapes.set(node.name, [...entry.array.shape.slice(1)]);
  }
  const failure = inferConcrete(graph, shapes);
  if (!failure) return;
  for (const node of graph.inputs) {
    const entry = data.entries.get(node.name)!;
    const given = shapes.get(node.name)!;
    for (const axis of openAxes(node.output!.shape)) {
      const minimum = minimumSize(graph, shapes, node.name, axis);
      if (minimum === undefined || minimum <= given[axis]!) continue;
      problems.push({
        code: 'NN830',
        file: entry.file,
        against: { role: 'input', name: node.name },
        message: `holds samples of ${formatShape(given)} for input '${node.name}': size ${given[axis]} on axis ${axis + 1} is too small for ${failure.type} '${failure.node}', which needs at least ${minimum} there (${failure.message})`,
        hint: `give samples of size ${minimum} or more on axis ${axis + 1} (pad the sequences), or use padding: same in the layer`,
      });
      return;
    }
  }
  const first = graph.inputs.find((n) => openAxes(n.output!.shape).length > 0) ?? graph.inputs[0]!;
  problems.push({
    code: 'NN830',
    file: data.entries.get(first.name)!.file,
    against: { role: 'input', name: first.name },
    message: `holds samples of ${formatShape(shapes.get(first.name)!)} for input '${first.name}', which ${failure.type} '${failure.node}' cannot take: ${failure.message}`,
  });
}

function baseName(file: string): string {
  const last = file.split(/[/\\:]/).pop()!;
  return last.replace(/\.[^.]*$/, '');
}

function checkSampleCounts(data: DataSet, names: string[], problems: DataProblem[]): number {
  const counts: { file: string; n: number }[] = [];
  for (const name of names) {
    const e = data.entries.get(name);
    if (!e) continue;
    if (e.array.shape.length === 0) {
      problems.push({ code: 'NN822', file: e.file, message: 'holds a single number; expected one entry per sample (the first axis counts samples)' });
      continue;
    }
    counts.push({ file: e.file, n: e.array.shape[0]! });
  }
  if (counts.length === 0) return 0;
  const first = counts[0]!;
  for (const c of counts.slice(1)) {
    if (c.n !== first.n) problems.push({ code: 'NN822', file: c.file, message: `has ${c.n} samples but ${first.file} has ${first.n}; every file needs one entry per sample, in the same order` });
  }
  if (first.n === 0) problems.push({ code: 'NN822', file: first.file, message: 'holds no samples' });
  return first.n;
}

function shapeMatches(actual: readonly number[], declared: readonly (number | null)[]): boolean {
  return actual.length === declared.length && declared.every((d, i) => d === null || d === actual[i]);
}

function checkIds(file: string, a: ArraySource, reader: IdReader, stats: IdStats, problems: DataProblem[]): void {
  const { below, limit } = reader;
  const { count } = stats;
  if (count === 0) return;
  const worst = stats.worst!.index;
  const largest = stats.worst!.value;
  const outputDim = reader.config.output_dim as number | undefined;
  const swapped = outputDim !== undefined && outputDim > limit && largest >= 0 && largest < outputDim;
  problems.push({
    code: 'NN826',
    file,
    at: { place: position(a, worst) },
    message: `has ${count} id${count === 1 ? '' : 's'} outside [0, ${limit}) for ${reader.config.type} '${reader.node}' (${below} ${limit}); ${largest < 0 ? 'the most negative' : 'the largest'} is ${largest} at ${position(a, worst)}`,
    hint: swapped
      ? `Keras takes ${reader.config.type}(${below}, output_dim) and ${below} is the vocabulary size; did you swap them? (${below}: ${outputDim}, output_dim: ${limit})`
      : `${below} must be larger than every id (the vocabulary size, largest id + 1)`,
  });
}

/** Checks a target against its output and loss; returns how it fits, or undefined after reporting. */
function checkTarget(file: string, a: ArraySource, scan: Scan, o: OutputPlan, problems: DataProblem[]): TargetFit | undefined {
  const perSample = a.shape.slice(1);
  const out = o.shape;
  const classes = out[out.length - 1];
  const against = { role: 'output' as const, name: o.name };
  const bad = scan.first.get('nonFinite');
  if (bad !== undefined) {
    problems.push({ code: 'NN824', file, at: { place: position(a, bad.index) }, message: `holds ${describeValue(bad.value)} at ${position(a, bad.index)}; targets must be finite numbers` });
    return undefined;
  }
  const looksLikeIds = perSample.length === out.length - 1 || (perSample.length === out.length && perSample[perSample.length - 1] === 1 && classes !== 1);
  const idShape = looksLikeIds && shapeMatches(perSample.slice(0, out.length - 1), out.slice(0, -1));
  const integral = !scan.first.has('fractional');

  if (o.loss === 'sparse_categorical_crossentropy') {
    if (!idShape) {
      problems.push({
        code: 'NN827',
        file,
        against,
        message: `has samples of ${formatShape(perSample)}, but output '${o.name}' ${formatShape(out)} with sparse_categorical_crossentropy takes one class id per sample: ${formatShape(out.slice(0, -1))}`,
        ...(shapeMatches(perSample, out) ? { hint: 'these look like one-hot rows: use loss categorical_crossentropy for them' } : {}),
      });
      return undefined;
    }
    const outside = scan.first.get('sparse');
    if (outside !== undefined) {
      problems.push({ code: 'NN828', file, at: { place: position(a, outside.index) }, message: `holds ${outside.value} at ${position(a, outside.index)}; output '${o.name}' has ${classes} classes, so class ids must be integers in [0, ${classes})` });
      return undefined;
    }
    return 'same';
  }
  if (LOSSES_WITH_CLASS_ROWS.has(o.loss) && idShape && integral && classes !== 1) {
    problems.push({
      code: 'NN827',
      file,
      against,
      message: `holds class ids (${perSample.length === 0 ? 'one number per sample' : `samples of ${formatShape(perSample)}`}), but output '${o.name}' uses ${o.loss}, which takes one-hot rows of ${classes}: samples of ${formatShape(out)}`,
      hint: 'use loss sparse_categorical_crossentropy for class ids, or one-hot encode the labels',
    });
    return undefined;
  }
  let fit: TargetFit | undefined;
  if (shapeMatches(perSample, out)) fit = 'same';
  else if (classes === 1 && shapeMatches(perSample, out.slice(0, -1))) fit = 'expand';
  if (!fit) {
    problems.push({ code: 'NN827', file, against, message: `has samples of ${formatShape(perSample)}, but output '${o.name}' produces ${formatShape(out)}` });
    return undefined;
  }
  if (o.loss === 'binary_crossentropy') {
    const outside = scan.first.get('binary');
    if (outside !== undefined) {
      problems.push({ code: 'NN828', file, at: { place: position(a, outside.index) }, message: `holds ${outside.value} at ${position(a, outside.index)}; binary_crossentropy on output '${o.name}' takes labels in [0, 1]`, hint: 'use 0/1 labels, or a loss for other values (mse, sparse_categorical_crossentropy for class ids)' });
      return undefined;
    }
  }
  return fit;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

/** "sample 3, index [0, 5]" for a flat C-order index. */
export function position(a: { shape: readonly number[] }, flat: number): string {
  const idx: number[] = [];
  let rest = flat;
  for (let k = a.shape.length - 1; k >= 0; k--) {
    idx.unshift(rest % a.shape[k]!);
    rest = Math.floor(rest / a.shape[k]!);
  }
  const [sample, ...within] = idx;
  return within.length === 0 ? `sample ${sample}` : `sample ${sample}, index [${within.join(', ')}]`;
}
