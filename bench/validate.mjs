// npm run bench: times `nnspec validate` on one small spec (Node start-up included) and on
// 1,000 generated specs, valid and invalid; prints figures for bench/RESULTS.md.
// Needs a build (npm run build). Usage: node bench/validate.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/nnspec');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;

/** A small deterministic PRNG so the generated corpus is the same every run. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const seeds = readdirSync(join(root, 'specs')).map((f) => readFileSync(join(root, 'specs', f), 'utf8'));
const MUTATIONS = [
  (s) => s.replace(/units: (\d+)/, 'unit: $1'), // unknown key
  (s) => s.replace(/type: Dense/, 'type: Dense2'), // unknown type
  (s) => s.replace(/kernel_size: \d+, /, ''), // missing key
  (s) => s.replace(/padding: same/g, 'padding: valid'), // shape mismatch
  (s) => s.replace(/inputs: (\w+)\}/, 'inputs: $1_typo}'), // undefined name
  (s) => s.replace(/\n  /, '\n\t'), // tab
  (s) => s + '\n---\nname: again\n', // two documents
  (s) => s.replace(/loss: (\w+)/, 'loss: $1x'), // bad loss name
];

function mlp(r, i) {
  const depth = 2 + Math.floor(r() * 30);
  let layers = '';
  for (let d = 0; d < depth; d++) layers += `  dense_${d}: {type: Dense, units: ${8 + Math.floor(r() * 256)}, activation: relu}\n`;
  return `nnspec: 1\nname: mlp_${i}\ninputs:\n  x: {shape: [${1 + Math.floor(r() * 512)}]}\nlayers:\n${layers}outputs: [dense_${depth - 1}]\ntraining: {optimizer: adam, loss: mse}\n`;
}

function corpus(dir, n) {
  const r = rng(42);
  let invalid = 0;
  for (let i = 0; i < n; i++) {
    let text = i % 3 === 0 ? mlp(r, i) : seeds[i % seeds.length];
    if (r() < 0.4) {
      text = MUTATIONS[Math.floor(r() * MUTATIONS.length)](text);
      invalid++;
    }
    writeFileSync(join(dir, `spec_${String(i).padStart(4, '0')}.yaml`), text);
  }
  return invalid;
}

// The same CLI from tsc's output, module by module: what the bundle (dist/nnspec.mjs) saves.
const unbundled = ['--input-type=module', '-e', `import { run, processIo } from ${JSON.stringify(join(root, 'dist/main.js'))}; process.exitCode = await run(process.argv.slice(1), processIo());`];

function time(args, entry = [bin]) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...entry, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, out: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'nnspec-bench-'));
try {
  const invalid = corpus(dir, 1000);
  const node = [];
  const one = [];
  const oneUnbundled = [];
  const many = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    node.push(Number(process.hrtime.bigint() - t0) / 1e6);
    one.push(time(['validate', join(root, 'specs/sequential_mlp.yaml')]).ms);
    oneUnbundled.push(time(['validate', join(root, 'specs/sequential_mlp.yaml')], unbundled).ms);
  }
  for (let i = 0; i < Math.max(3, Math.floor(runs / 5)); i++) many.push(time(['validate', '--format', 'json', dir]));
  const report = JSON.parse(many[0].out);
  console.log(`node ${process.version}, ${runs} runs, medians`);
  console.log(`  node -e 0 (start-up alone):            ${median(node).toFixed(0)} ms`);
  console.log(`  validate specs/sequential_mlp.yaml:    ${median(one).toFixed(0)} ms  (${(median(one) / median(node)).toFixed(2)}x bare node)`);
  console.log(`    the same, unbundled (dist/main.js):  ${median(oneUnbundled).toFixed(0)} ms  (bundle saves ${(median(oneUnbundled) / median(one)).toFixed(2)}x)`);
  console.log(`  validate 1,000 specs (${invalid} mutated): ${median(many.map((m) => m.ms)).toFixed(0)} ms  (${report.errors} errors, ${report.warnings} warnings, exit ${many[0].status})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
