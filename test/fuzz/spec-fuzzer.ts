/**
 * The spec fuzzer: `count` mutated specs and Keras JSON files, each through the oracle
 * (oracle.ts) in-process; a finding is kept with the bytes that caused it, first one per kind.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutateKeras } from './mutate-keras.js';
import { mutateSpec } from './mutate-spec.js';
import { checkImportCase, checkSpecCase, type Finding } from './oracle.js';
import { caseSeed, Random } from './random.js';
import { loadKerasSeeds, loadSeeds } from './seeds.js';

export interface FuzzOptions {
  count: number;
  seed: number;
  /** The repository root (seeds are read from it). */
  root: string;
  /** Where case files are written while they run. */
  work: string;
  /** A case slower than this is a finding (default 30 s: a loaded machine is slow). */
  timeLimitMs?: number;
  /** A resident set larger than this after a case is a finding (default 3 GB). */
  rssLimitMb?: number;
  /** Stop before this moment (performance.now()), reporting the cases done (a time budget). */
  deadline?: number;
  /** Run only the cases with index % of === index (a share of a parallel run). */
  shard?: { index: number; of: number };
  /** Called for each case that broke the oracle. */
  onFinding?: (f: CaseFinding) => void;
  /** Progress every so many cases. */
  onProgress?: (done: number, stats: FuzzStats) => void;
}

export interface CaseFinding extends Finding {
  index: number;
  kind: 'spec' | 'import';
  labels: string[];
  bytes: Uint8Array;
}

export interface FuzzStats {
  cases: number;
  specCases: number;
  importCases: number;
  svgCases: number;
  invalid: number;
  findings: CaseFinding[];
  slowestMs: number;
  slowestLabels: string[];
  labels: Record<string, number>;
  /** Time spent on cases with each mutation (a case counts for each of its labels). */
  msByLabel: Record<string, number>;
  /** The process's largest resident set seen after a case, in MB (memory is bounded as well as time). */
  maxRssMb: number;
  ms: number;
}

/** One in IMPORT_EVERY cases mutates a Keras model JSON for `import`; one in SVG_EVERY small specs is drawn as SVG. */
const IMPORT_EVERY = 8;
const SVG_EVERY = 100;

export async function fuzzSpecs(opts: FuzzOptions): Promise<FuzzStats> {
  const seeds = loadSeeds(opts.root);
  const keras = loadKerasSeeds(opts.root);
  mkdirSync(opts.work, { recursive: true });
  const stats: FuzzStats = { cases: 0, specCases: 0, importCases: 0, svgCases: 0, invalid: 0, findings: [], slowestMs: 0, slowestLabels: [], labels: {}, msByLabel: {}, maxRssMb: 0, ms: 0 };
  const limit = opts.timeLimitMs ?? 30_000;
  const started = performance.now();
  const shard = opts.shard ?? { index: 0, of: 1 };
  for (let index = shard.index; index < opts.count; index += shard.of) {
    if (opts.deadline !== undefined && performance.now() > opts.deadline) break;
    const r = new Random(caseSeed(opts.seed, index));
    const findings: Finding[] = [];
    // The time bound is on nnspec's work, not on making the case (printing 4,000 layers as YAML takes seconds).
    let t0 = 0;
    let kind: CaseFinding['kind'];
    let mutated: { bytes: Uint8Array; labels: string[] };
    if (index % IMPORT_EVERY === IMPORT_EVERY - 1) {
      kind = 'import';
      mutated = mutateKeras(r, r.pick(keras).text);
      const file = join(opts.work, `case.json`);
      writeFileSync(file, mutated.bytes);
      t0 = performance.now();
      await checkImportCase(file, mutated.bytes, opts.work, findings);
      stats.importCases++;
    } else {
      kind = 'spec';
      const seed = r.pick(seeds);
      mutated = mutateSpec(r, seed.text, r.pick(seeds).text);
      const file = join(opts.work, `case.yaml`);
      writeFileSync(file, mutated.bytes);
      t0 = performance.now();
      const svg = index % SVG_EVERY === 0 && mutated.bytes.length < 4000;
      if (svg) stats.svgCases++;
      await checkSpecCase(file, mutated.bytes, opts.work, index, { svg }, findings);
      stats.specCases++;
    }
    const ms = performance.now() - t0;
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowestLabels = mutated.labels;
    }
    if (ms > limit) findings.push({ problem: `case took ${Math.round(ms)} ms (limit ${limit} ms)` });
    const rss = process.memoryUsage.rss() / 2 ** 20;
    stats.maxRssMb = Math.max(stats.maxRssMb, Math.round(rss));
    if (rss > (opts.rssLimitMb ?? 3072)) findings.push({ problem: `the process grew to ${Math.round(rss)} MB (limit ${opts.rssLimitMb ?? 3072} MB)` });
    for (const l of mutated.labels) {
      stats.labels[l] = (stats.labels[l] ?? 0) + 1;
      stats.msByLabel[l] = (stats.msByLabel[l] ?? 0) + ms;
    }
    for (const f of findings) {
      const found: CaseFinding = { ...f, index, kind, labels: mutated.labels, bytes: mutated.bytes };
      stats.findings.push(found);
      opts.onFinding?.(found);
    }
    stats.cases++;
    if (opts.onProgress && stats.cases % 1000 === 0) opts.onProgress(stats.cases, stats);
  }
  stats.ms = performance.now() - started;
  return stats;
}

/** A finding's kind without its numbers and names, so one bug is reported once. */
export function findingKey(f: Finding): string {
  return f.problem.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N');
}
