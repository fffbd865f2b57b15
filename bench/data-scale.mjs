#!/usr/bin/env node
/**
 * Issue 14's measurement: the 1,000-feature regression (Dense 16 -> 1, adam, mse, 1 epoch, tfjs
 * wasm) trained on 1x (10,000 samples, 40 MB) and 10x (100,000 samples, 400 MB) synthetic .npy
 * data, peak RSS from GNU time and samples/s from run.json, for this tree and (optionally) a
 * build of an older commit (the in-memory path), alternated per round; min and median.
 *
 *   node bench/data-scale.mjs [--base /path/to/old/checkout] [--rounds 3] [--dir /tmp/nnspec-data-scale]
 *   node bench/data-scale.mjs --large 10e9        # also: synth and train one epoch on ~10 GB
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dir = arg('dir', '/tmp/nnspec-data-scale');
const rounds = Number(arg('rounds', '3'));
const base = arg('base');
const large = arg('large');
const backend = arg('backend', 'wasm');
mkdirSync(dir, { recursive: true });
const spec = join(dir, 'reg.yaml');
writeFileSync(spec, `nnspec: 1
name: regression
inputs:
  x: {shape: [1000]}
layers:
  h: {type: Dense, units: 16, activation: relu}
  y: {type: Dense, units: 1}
outputs: [y]
training: {loss: mse, optimizer: adam}
`);


function run(bin, args) {
  try {
    execFileSync('/usr/bin/time', ['-f', 'TIME %M %e %U %S', '-o', join(dir, 'time.txt'), process.execPath, bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  } catch (e) {
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr}`);
  }
  const [, kb, seconds, user, sys] = readFileSync(join(dir, 'time.txt'), 'utf8').trim().split('\n').pop().split(' ');
  return { rssMB: Number(kb) / 1024, seconds: Number(seconds), cpu: Number(user) + Number(sys) };
}

function synth(samples, out) {
  if (existsSync(join(out, 'x.npy'))) return;
  const r = run(join(here, 'bin/nnspec'), ['synth', spec, '--samples', String(samples), '--out', out, '--seed', '1']);
  console.log(`synth ${samples} samples -> ${out}: peak RSS ${r.rssMB.toFixed(0)} MB, ${r.seconds} s`);
}

function train(bin, data) {
  const out = join(dir, 'run');
  rmSync(out, { recursive: true, force: true });
  const r = run(bin, ['train', spec, '--data', data, '--out', out, '--backend', backend, '--epochs', '1', '--seed', '1', '-q']);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  return { ...r, samplesPerSecond: info.samples_per_second ?? info.timing?.samples_per_second };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

if (large) {
  const bytes = Number(large);
  const samples = Math.floor(bytes / 4000);
  const d = join(dir, 'large');
  synth(samples, d);
  const r = train(join(here, 'bin/nnspec'), d);
  console.log(`large: ${samples} samples (${(samples * 4000 / 1e9).toFixed(2)} GB of x.npy): peak RSS ${r.rssMB.toFixed(0)} MB, ${r.seconds} s, ${r.samplesPerSecond?.toFixed(0)} samples/s`);
  process.exit(0);
}

synth(10_000, join(dir, 'd1'));
synth(100_000, join(dir, 'd10'));
const variants = [['this tree', join(here, 'bin/nnspec')], ...(base ? [['base', join(resolve(base), 'bin/nnspec')]] : [])];
const results = new Map();
for (let round = 0; round < rounds; round++) {
  for (const [name, bin] of round % 2 ? [...variants].reverse() : variants) {
    for (const data of ['d1', 'd10']) {
      const r = train(bin, join(dir, data));
      const key = `${name} ${data}`;
      results.set(key, [...(results.get(key) ?? []), r]);
      console.log(`round ${round + 1}: ${key}: peak RSS ${r.rssMB.toFixed(1)} MB, ${r.seconds} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.samplesPerSecond?.toFixed(0)} samples/s`);
    }
  }
}
// On a shared machine wall time and samples/s measure the neighbours too; the process's CPU time
// (user + system) is the comparison of the work each variant does.
console.log('\n| variant | data | peak RSS MB (min / median) | samples/s (median / max) | wall s (median) | CPU s (min / median) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [key, rs] of results) {
  const rss = stats(rs.map((r) => r.rssMB));
  const sps = stats(rs.map((r) => r.samplesPerSecond));
  const wall = stats(rs.map((r) => r.seconds));
  const cpu = stats(rs.map((r) => r.cpu));
  const [name, data] = [key.slice(0, key.lastIndexOf(' ')), key.slice(key.lastIndexOf(' ') + 1)];
  console.log(`| ${name} | ${data === 'd1' ? '1x (40 MB)' : '10x (400 MB)'} | ${rss.min.toFixed(1)} / ${rss.median.toFixed(1)} | ${sps.median.toFixed(0)} / ${sps.max.toFixed(0)} | ${wall.median} | ${cpu.min.toFixed(2)} / ${cpu.median.toFixed(2)} |`);
}
