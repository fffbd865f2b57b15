import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { summarize } from '../../src/backends/summary/rows.js';
import { formatSpec } from '../../src/format/format.js';
import { ROOT, runCli } from '../helpers.js';

const MESSY = `# header comment
name: messy   # trailing
nnspec: 1
training:
  epochs: 3
  loss: mse
  optimizer:
    learning_rate: 0.01
    type: adam
outputs:
  - out
layers:
  # the first layer
  d1:
    inputs: x
    activation: relu
    units: 8
    type: Dense
  d2:
    type: Dense
    # a comment inside
    units: 4
    kernel_regularizer: {l2: 0.01}
  out: {units: 1, type: Dense}
  out2: {inputs: d2, units: 3, type: Dense}
inputs:
  x:
    dtype: float32
    shape: [3]
`;

function specFiles(): string[] {
  const dirs = ['specs', 'test/fixtures/valid', 'test/fixtures/chapter', 'test/fixtures/invalid'];
  return dirs.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(ROOT, d, f)));
}

describe('nnspec fmt', () => {
  it('writes the canonical form: documented key order, one aligned line per layer, comments kept', () => {
    const r = formatSpec(MESSY);
    expect(r.ok && r.text).toBe(`# header comment
nnspec: 1
name: messy # trailing
inputs:
  x: {shape: [3], dtype: float32}
layers:
  # the first layer
  d1: {type: Dense, units: 8, activation: relu, inputs: x}
  d2:
    type: Dense
    # a comment inside
    units: 4
    kernel_regularizer: {l2: 0.01}
  out:  {type: Dense, units: 1}
  out2: {type: Dense, units: 3, inputs: d2}
outputs: [out]
training:
  optimizer: {type: adam, learning_rate: 0.01}
  loss: mse
  epochs: 3
`);
  });

  it('is idempotent and keeps every spec and fixture meaning the same (same summary, same diagnostics)', () => {
    const files = specFiles();
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const r = formatSpec(source);
      if (!r.ok) continue; // unreadable YAML fixtures: fmt refuses them (tested below)
      const again = formatSpec(r.text);
      expect(again.ok && again.changed, file).toBe(false);
      const before = compile(source, 'spec.yaml');
      const after = compile(r.text, 'spec.yaml');
      expect(after.diagnostics.map((d) => `${d.code} ${d.message}`).sort(), file).toEqual(before.diagnostics.map((d) => `${d.code} ${d.message}`).sort());
      if (before.ok) expect(summarize(after.graph!), file).toEqual(summarize(before.graph!));
    }
  });

  it('--check passes on specs/ (the seed specs are formatted)', async () => {
    const r = await runCli(['fmt', '--check', 'specs']);
    const seeds = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).length;
    expect(seeds).toBeGreaterThanOrEqual(8);
    expect(r.stderr).toBe(`${seeds} files formatted\n`);
    expect(r.code).toBe(0);
  });

  it('--check fails on an unformatted file with NN120 at the first difference, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-fmt-'));
    writeFileSync(join(dir, 'messy.yaml'), MESSY);
    const r = await runCli(['fmt', '--check', 'messy.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stderr) as { diagnostics: { code: string; file: string; line: number; message: string }[] };
    expect(report.diagnostics).toMatchObject([{ code: 'NN120', file: 'messy.yaml', line: 2, message: 'messy.yaml is not formatted (first difference on line 2)' }]);
    expect(readFileSync(join(dir, 'messy.yaml'), 'utf8')).toBe(MESSY);
  });

  it('rewrites files in place, names them, and leaves formatted ones alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-fmt-'));
    writeFileSync(join(dir, 'messy.yaml'), MESSY);
    writeFileSync(join(dir, 'qa.yaml'), readFileSync(join(ROOT, 'specs/question_answering.yaml')));
    const r = await runCli(['fmt', '.'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: 'messy.yaml\n', stderr: '1 file rewritten, 1 already formatted\n' });
    expect(readFileSync(join(dir, 'messy.yaml'), 'utf8')).toBe((formatSpec(MESSY) as { text: string }).text);
    expect((await runCli(['fmt', '--check', '.'], { cwd: dir })).code).toBe(0);
  });

  it('--stdout prints the formatted text of one file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-fmt-'));
    writeFileSync(join(dir, 'messy.yaml'), MESSY);
    const r = await runCli(['fmt', '--stdout', 'messy.yaml'], { cwd: dir });
    expect(r.stdout).toBe((formatSpec(MESSY) as { text: string }).text);
    expect(readFileSync(join(dir, 'messy.yaml'), 'utf8')).toBe(MESSY);
    expect((await runCli(['fmt', '--stdout', '--check', 'messy.yaml'], { cwd: dir })).code).toBe(2);
  });

  it('refuses a file that is not readable YAML with NN121 at its place (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-fmt-'));
    writeFileSync(join(dir, 'bad.yaml'), 'nnspec: 1\nlayers:\n  a: {type: Dense\n');
    const r = await runCli(['fmt', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:4:1: error\[NN121\]: cannot format bad\.yaml: not readable YAML/m);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    const l = await runCli(['fmt', 'list.yaml'], { cwd: dir });
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/error\[NN121\]: cannot format list\.yaml: the top level is not a mapping/);
  });

  it('needs a path (exit 2)', async () => {
    const r = await runCli(['fmt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NN002/);
  });
});
