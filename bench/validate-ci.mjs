// npm run bench:validate-ci: `nnspec validate` on 1,000 spec files (the seed specs and three
// Keras-application-sized specs, copied) against ajv-cli's schema-only pass over the same files,
// alternated within one run; then the --cache run on unchanged files. Prints medians and ratios.
// Needs a build. ajv-cli: pass --ajv PATH (its bin), or it is fetched with `npm exec`.
// Usage: node bench/validate-ci.mjs [--runs 5] [--files 1000] [--ajv /path/to/ajv]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mobilenet, resnet50, vgg16 } from './app-specs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
const runs = Number(arg('--runs', 5));
const count = Number(arg('--files', 1000));
const bin = join(root, 'bin/nnspec');

const sources = [...readdirSync(join(root, 'specs')).map((f) => readFileSync(join(root, 'specs', f), 'utf8')), resnet50(), vgg16(), mobilenet()];
const dir = mkdtempSync(join(tmpdir(), 'nnspec-validate-ci-'));
const specs = join(dir, 'specs');
mkdirSync(specs);
for (let i = 0; i < count; i++) writeFileSync(join(specs, `spec_${String(i).padStart(4, '0')}.yaml`), sources[i % sources.length]);
const bytes = sources.reduce((n, s, i) => n + s.length * Math.ceil((count - i) / sources.length), 0);

const ajvCmd = arg('--ajv', undefined);
const ajv = ajvCmd ? [ajvCmd] : ['npm', 'exec', '--yes', '--package=ajv-cli@5', '--', 'ajv'];
const ajvArgs = ['validate', '--spec=draft7', '--strict=false', '--all-errors', '-s', join(root, 'schemas/nnspec.schema.json'), '-d', `${specs}/*.yaml`];

// CPU time (user + system, all threads) through GNU time where it is installed: on a loaded
// machine wall time measures the neighbours too, CPU time does not.
const gnuTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;

function time(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const [c, a] = gnuTime ? ['/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 28, cwd: dir, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { ms, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, status: r.status, err: r.stderr };
}

const contenders = {
  'ajv-cli (schema only)': () => time(ajv[0], [...ajv.slice(1), ...ajvArgs]),
  'nnspec validate --jobs 1': () => time(process.execPath, [bin, 'validate', specs, '--jobs', '1']),
  'nnspec validate': () => time(process.execPath, [bin, 'validate', specs]),
  'nnspec validate --cache (unchanged files)': () => time(process.execPath, [bin, 'validate', specs, '--cache', '--cache-location', join(dir, 'warm-cache')]),
};
// Warm the cache once, and check every contender accepts the corpus.
for (const [name, run] of Object.entries(contenders)) {
  const r = run();
  if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.err.slice(0, 400)}`);
}
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, { wall: [], cpu: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, run] of Object.entries(contenders)) {
    const r = run();
    times[name].wall.push(r.ms);
    times[name].cpu.push(r.cpu);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(times['ajv-cli (schema only)'].wall);
const baseCpu = median(times['ajv-cli (schema only)'].cpu);
console.log(`${count} files (${(bytes / 1e6).toFixed(1)} MB: ${sources.length} sources copied), ${runs} alternated runs, ${availableParallelism()} cores, medians (min)`);
for (const [name, t] of Object.entries(times)) {
  const m = median(t.wall);
  const c = median(t.cpu);
  const cpu = Number.isNaN(c) ? '' : `   CPU ${c.toFixed(0).padStart(6)} ms (${(baseCpu / c).toFixed(2)}x)`;
  console.log(`  ${name.padEnd(44)} wall ${m.toFixed(0).padStart(6)} ms  (min ${Math.min(...t.wall).toFixed(0)})  ${(base / m).toFixed(2)}x ajv-cli's speed${cpu}`);
}
rmSync(dir, { recursive: true, force: true });
