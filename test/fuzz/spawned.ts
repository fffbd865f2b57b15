/**
 * A few spawned runs of the real binary (bin/nnspec, the built bundle) on mutated specs: the
 * process's own exit status and streams, which the in-process runs cannot show (an uncaught
 * exception's exit status, a crash of V8). Skipped when dist/ is not built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutateSpec } from './mutate-spec.js';
import { caseSeed, Random } from './random.js';
import { loadSeeds } from './seeds.js';

export interface SpawnedFinding {
  problem: string;
  index: number;
  argv: string[];
  bytes: Uint8Array;
  detail?: string;
}

const STACK = /\n\s+at [^\n]*:\d+:\d+/;

export async function spawnedRuns(opts: { count: number; seed: number; root: string; work: string }): Promise<{ runs: number; findings: SpawnedFinding[]; skipped?: string }> {
  const bin = join(opts.root, 'bin/nnspec');
  if (!existsSync(join(opts.root, 'dist/nnspec.mjs'))) return { runs: 0, findings: [], skipped: 'dist/nnspec.mjs is not built' };
  mkdirSync(opts.work, { recursive: true });
  const seeds = loadSeeds(opts.root);
  const findings: SpawnedFinding[] = [];
  const commands = [['validate', '--format', 'json'], ['summary', '--format', 'json'], ['graph', '--format', 'dot'], ['validate', '--format', 'sarif']];
  let runs = 0;
  for (let index = 0; index < opts.count; index++) {
    const r = new Random(caseSeed(opts.seed ^ 0x27d4eb2f, index));
    const m = mutateSpec(r, r.pick(seeds).text, r.pick(seeds).text);
    const file = join(opts.work, `spawned-${index}.yaml`);
    writeFileSync(file, m.bytes);
    const argv = [...commands[index % commands.length]!, file];
    const p = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    runs++;
    const status = p.status;
    if (p.error || status === null) findings.push({ problem: `spawned run did not exit (${p.error?.message ?? p.signal})`, index, argv, bytes: m.bytes });
    else if (![0, 1].includes(status)) findings.push({ problem: `spawned run exit ${status}`, index, argv, bytes: m.bytes, detail: p.stderr.slice(0, 1000) });
    if (STACK.test(p.stderr ?? '') || STACK.test(p.stdout ?? '')) findings.push({ problem: 'spawned run printed a stack trace', index, argv, bytes: m.bytes, detail: p.stderr.slice(0, 1000) });
    if (status !== null && argv[0] !== 'graph' && (status === 0 || argv[0] === 'validate')) {
      try {
        JSON.parse(p.stdout);
      } catch {
        findings.push({ problem: `spawned ${argv[0]} printed no JSON on stdout`, index, argv, bytes: m.bytes, detail: p.stdout.slice(0, 300) });
      }
    }
  }
  return { runs, findings };
}
