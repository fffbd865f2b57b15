/**
 * `npm run fuzz -- --count N --seed S [--data-count M] [--spawn K] [--jobs J] [--minutes T] [--save]`: the spec
 * fuzzer (validate in every format, summary, graph, import) and the data fuzzer (readers and the
 * data check, evaluate, predict), in-process, then K spawned runs of bin/nnspec. With --jobs J the
 * spec cases are shared among J processes; --minutes stops the spec cases after T minutes. Prints the figures for FUZZING.md; with --save, the
 * first case of each kind of finding becomes a fixture in test/fixtures/fuzz/. Exit 0 when
 * nothing was found, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzData } from './data-fuzzer.js';
import { msByCommand } from './oracle.js';
import { spawnedRuns } from './spawned.js';
import { findingKey, fuzzSpecs, type FuzzStats } from './spec-fuzzer.js';

function flag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} takes a non-negative integer`);
  return v;
}

interface Noted {
  kind: string;
  problem: string;
  index: number;
  labels: string[];
  bytes: Uint8Array;
  detail?: string;
  argv?: string[];
}

/** What one process found, as JSON between shards and the parent. */
interface ShardResult {
  specs: Omit<FuzzStats, 'findings'> & { findings: number };
  msByCommand: Record<string, number>;
  found: { key: string; kind: string; problem: string; index: number; labels: string[]; bytes: string; detail?: string; argv?: string[] }[];
}

async function runShard(argv: string[], root: string, work: string, shard: { index: number; of: number }, log: (s: string) => void): Promise<ShardResult> {
  const count = flag(argv, 'count', 1000);
  const seed = flag(argv, 'seed', 1);
  const found = new Map<string, ShardResult['found'][number]>();
  const note = (f: Noted) => {
    const key = `${f.kind}: ${findingKey(f)}`;
    if (found.has(key)) return;
    found.set(key, { key, kind: f.kind, problem: f.problem, index: f.index, labels: f.labels, bytes: Buffer.from(f.bytes).toString('base64'), ...(f.detail ? { detail: f.detail } : {}), ...(f.argv ? { argv: f.argv } : {}) });
    log(`FINDING ${key}\n  case ${f.index} (${f.labels.join(', ')})${f.argv ? `\n  nnspec ${f.argv.join(' ')}` : ''}\n${f.detail ? `  ${f.detail.split('\n').slice(0, 6).join('\n  ')}\n` : ''}`);
  };
  const started = performance.now();
  const minutes = flag(argv, 'minutes', 0);
  const specs = await fuzzSpecs({
    count,
    seed,
    root,
    shard,
    ...(minutes > 0 ? { deadline: started + minutes * 60_000 } : {}),
    work: join(work, `specs-${shard.index}`),
    onFinding: (f) => note(f),
    onProgress: (done, s) => log(`  [${shard.index + 1}/${shard.of}] ${done} cases, ${Math.round((performance.now() - started) / 1000)} s, ${s.findings.length} findings\n`),
  });
  return { specs: { ...specs, findings: specs.findings.length }, msByCommand: { ...msByCommand }, found: [...found.values()] };
}

export async function main(argv: string[], root: string): Promise<number> {
  const count = flag(argv, 'count', 1000);
  const seed = flag(argv, 'seed', 1);
  const dataCount = flag(argv, 'data-count', Math.min(count, 2000));
  const spawnCount = flag(argv, 'spawn', 10);
  const jobs = Math.max(1, flag(argv, 'jobs', 1));
  const save = argv.includes('--save');
  const shardArg = argv.indexOf('--shard');
  const log = (s: string) => void process.stderr.write(s);
  // Case files are written and read thousands of times: on a RAM disk where there is one.
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nnspec-fuzz-'));
  try {
    if (shardArg >= 0) {
      // A child of a --jobs run: its spec cases only, the result as JSON on stdout.
      const [i, of] = argv[shardArg + 1]!.split('/').map(Number) as [number, number];
      process.stdout.write(JSON.stringify(await runShard(argv, root, work, { index: i, of }, log)) + '\n');
      return 0;
    }
    const started = performance.now();
    // --only I replays case I of the run alone (with --save, it becomes a fixture if it still fails).
    const only = argv.indexOf('--only') >= 0 ? flag(argv, 'only', 0) : undefined;
    log(`spec fuzzer: ${only === undefined ? `${count} cases` : `case ${only}`}, seed ${seed}${jobs > 1 ? `, ${jobs} processes` : ''}\n`);
    const shards = only !== undefined ? [await runShard(argv, root, work, { index: only, of: Number.MAX_SAFE_INTEGER }, log)] : jobs === 1 ? [await runShard(argv, root, work, { index: 0, of: 1 }, log)] : await Promise.all(Array.from({ length: jobs }, (_, j) => child(argv, j, jobs)));
    const specMs = performance.now() - started;
    log(`data fuzzer: ${dataCount} cases, seed ${seed}\n`);
    const found = new Map(shards.flatMap((s) => s.found.map((f) => [f.key, f] as const)));
    const data = await fuzzData({
      count: dataCount,
      seed,
      root,
      work: join(work, 'data'),
      onFinding: (f) => {
        const key = `data: ${findingKey(f)}`;
        if (found.has(key)) return;
        found.set(key, { key, kind: 'data', problem: f.problem, index: f.index, labels: f.labels, bytes: Buffer.from(f.bytes).toString('base64'), ...(f.detail ? { detail: f.detail } : {}), ...(f.argv ? { argv: f.argv } : {}) });
        log(`FINDING ${key}\n  case ${f.index} (${f.labels.join(', ')})\n${f.detail ? `  ${f.detail.split('\n').slice(0, 6).join('\n  ')}\n` : ''}`);
      },
    });
    const spawned = spawnCount > 0 ? await spawnedRuns({ count: spawnCount, seed, root, work: join(work, 'spawned') }) : { runs: 0, findings: [], skipped: 'not asked' };
    for (const f of spawned.findings) {
      const key = `spawned: ${findingKey(f)}`;
      if (!found.has(key)) found.set(key, { key, kind: 'spawned', problem: f.problem, index: f.index, labels: [], bytes: Buffer.from(f.bytes).toString('base64'), argv: f.argv, ...(f.detail ? { detail: f.detail } : {}) });
      log(`FINDING ${key}\n  nnspec ${f.argv.join(' ')}\n`);
    }
    if (save) saveFixtures(root, seed, [...found.values()]);

    const sum = (k: 'cases' | 'specCases' | 'importCases' | 'svgCases' | 'invalid' | 'findings') => shards.reduce((n, s) => n + s.specs[k], 0);
    const labels: Record<string, [number, number]> = {};
    for (const s of shards) for (const [k, v] of Object.entries(s.specs.labels)) labels[k] = [(labels[k]?.[0] ?? 0) + v, (labels[k]?.[1] ?? 0) + (s.specs.msByLabel[k] ?? 0)];
    const commands: Record<string, number> = {};
    for (const s of shards) for (const [k, v] of Object.entries(s.msByCommand)) commands[k] = (commands[k] ?? 0) + v;
    const slowest = shards.reduce((a, b) => (b.specs.slowestMs > a.specs.slowestMs ? b : a));
    process.stdout.write(
      [
        `spec cases: ${sum('cases')} (${sum('specCases')} specs, ${sum('importCases')} Keras JSON for import, ${sum('svgCases')} drawn as SVG) in ${(specMs / 1000).toFixed(1)} s wall with ${jobs} process${jobs === 1 ? '' : 'es'}; slowest case ${Math.round(slowest.specs.slowestMs)} ms (${slowest.specs.slowestLabels.join(', ')}); largest resident set ${Math.max(...shards.map((s) => s.specs.maxRssMb))} MB`,
        `mutations (cases, mean ms per case): ${Object.entries(labels).sort((a, b) => b[1][0] - a[1][0]).map(([k, [n, ms]]) => `${k} ${n} (${Math.round(ms / n)})`).join(', ')}`,
        `time by command (all processes): ${Object.entries(commands).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`,
        `data cases: ${data.cases} (${data.refused} refused by a reader or the check, ${data.accepted} accepted, ${data.evaluated} also through evaluate and predict) in ${(data.ms / 1000).toFixed(1)} s; first problems: ${Object.entries(data.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `spawned runs: ${spawned.runs}${'skipped' in spawned && spawned.skipped ? ` (skipped: ${spawned.skipped})` : ''}`,
        `findings: ${found.size} kinds (${sum('findings') + data.findings.length + spawned.findings.length} cases)`,
        '',
      ].join('\n'),
    );
    return found.size === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A shard in its own process (this same bundle), its JSON result read from stdout. */
function child(argv: string[], index: number, of: number): Promise<ShardResult> {
  return new Promise((resolve) => {
    const args = [...process.execArgv, process.argv[1]!, ...argv.filter((a, i) => a !== '--save' && a !== '--jobs' && argv[i - 1] !== '--jobs'), '--shard', `${index}/${of}`];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as ShardResult);
      } catch {
        // A shard that died (the fuzzer's own failure) is reported as a finding; the others' results stand.
        const problem = `fuzz shard ${index}/${of} exited ${code} without a result`;
        const specs = { cases: 0, specCases: 0, importCases: 0, svgCases: 0, invalid: 0, findings: 1, slowestMs: 0, slowestLabels: [], labels: {}, msByLabel: {}, maxRssMb: 0, ms: 0 };
        resolve({ specs, msByCommand: {}, found: [{ key: `shard: ${problem}`, kind: 'shard', problem, index: -1, labels: [], bytes: '' }] });
      }
    });
  });
}

function saveFixtures(root: string, seed: number, found: ShardResult['found']): void {
  for (const f of found) {
    const bytes = Buffer.from(f.bytes, 'base64');
    const ext = f.kind === 'import' ? 'json' : f.kind === 'data' ? 'bin' : 'yaml';
    const dir = join(root, 'test/fixtures/fuzz', f.kind);
    mkdirSync(dir, { recursive: true });
    const name = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    writeFileSync(join(dir, `${name}.${ext}`), bytes);
    writeFileSync(join(dir, `${name}.txt`), `${f.problem}\nseed ${seed}, case ${f.index}: ${f.labels.join(', ')}\n`);
  }
}
