/**
 * nnspec among other tools: `schema` (for editors), `init` (starter specs that validate),
 * `validate --format sarif` checked against the OASIS SARIF 2.1.0 schema (for code scanning),
 * the pre-commit hook, and the export command's CLI surface.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../src/spec/schema-build.js';
import { TEMPLATE_NAMES } from '../src/templates/index.js';
import { ROOT, runCli, specWith } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-eco-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA_TEXT = readFileSync(join(ROOT, 'schemas/nnspec.schema.json'), 'utf8');

describe('nnspec schema', () => {
  it('prints the published schema, which is what schema-build makes', async () => {
    const r = await runCli(['schema']);
    expect(r).toEqual({ code: 0, stdout: SCHEMA_TEXT, stderr: '' });
    expect(r.stdout).toBe(JSON.stringify(buildSchema(), null, 2) + '\n');
  });

  it('describes every key, so an editor can explain it on hover', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof v.description !== 'string' || v.description.length === 0) undescribed.push(`${path}/${k}`);
        walk(v, `${path}/${k}`);
      }
      for (const key of ['anyOf', 'oneOf', 'allOf']) ((n[key] ?? []) as unknown[]).forEach((b, i) => walk(b, `${path}/${key}/${i}`));
      if (n.items) walk(n.items, `${path}/items`);
      if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${path}/*`);
      for (const [k, v] of Object.entries((n.definitions ?? {}) as object)) walk(v, `#/definitions/${k}`);
    };
    walk(JSON.parse(SCHEMA_TEXT), '');
    expect(undescribed).toEqual([]);
  });
});

describe('nnspec init', () => {
  it.each(TEMPLATE_NAMES)('--template %s writes a commented spec that validates with no warning and summarizes', async (template) => {
    const file = join(dir, 'templates', `${template}.nnspec.yaml`);
    const r = await runCli(['init', file, '--template', template]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`nnspec: wrote ${file} (${template} template); next: nnspec validate ${file}\n`);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBeGreaterThan(2);
    expect(text).toContain(`nnspec validate ${file}`);
    expect(await runCli(['validate', file])).toEqual({ code: 0, stdout: '✓ 1 file checked, no problems\n', stderr: '' });
    const summary = await runCli(['summary', file, '--format', 'json']);
    expect(summary.code).toBe(0);
    expect((JSON.parse(summary.stdout) as { total_params: number }).total_params).toBeGreaterThan(0);
  });

  it('writes model.nnspec.yaml by default (mlp), with a schema line that reaches the schema from where the file is', async () => {
    const cwd = join(dir, 'default');
    mkdirSync(cwd);
    expect((await runCli(['init'], { cwd })).code).toBe(0);
    const text = readFileSync(join(cwd, 'model.nnspec.yaml'), 'utf8');
    const schema = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)![1]!;
    expect(readFileSync(join(cwd, schema), 'utf8')).toBe(SCHEMA_TEXT);
    expect(text).toContain('name: mlp\n');
  });

  it('refuses to overwrite without --force (exit 2), overwrites with it', async () => {
    const file = join(dir, 'taken.nnspec.yaml');
    writeFileSync(file, 'mine\n');
    const refused = await runCli(['init', file]);
    expect(refused).toEqual({ code: 2, stdout: '', stderr: `nnspec: error[NN005]: '${file}' exists; pass --force to overwrite it (see \`nnspec init --help\`)\n` });
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect((await runCli(['init', file, '--force', '-t', 'residual'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: residual\n');
  });

  it('- prints the spec; an unknown template is a usage error', async () => {
    const printed = await runCli(['init', '-', '--template', 'multi-output']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('name: multi_output\n');
    const bad = await runCli(['init', '-', '--template', 'cnn']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: "nnspec: error[NN003]: unknown --template 'cnn'; expected mlp, multi-input, multi-output, residual, resnet or transfer (see `nnspec init --help`)\n" });
  });
});

describe('nnspec validate --format sarif', () => {
  /**
   * The OASIS SARIF 2.1.0 schema (errata 01) is draft-04; it uses no draft-04-only form besides
   * its root `id` and `$schema`, so ajv's draft-07 validator checks it once those are renamed.
   */
  function sarifValidator() {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(JSON.stringify(schema)).not.toMatch(/"exclusive(Minimum|Maximum)":\s*(true|false)/);
    const { id, $schema: _s, ...rest } = schema;
    const Ajv = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    ajv.addFormat('uri', (s: string) => URL.canParse(s));
    ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///'));
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    return ajv.compile({ $id: id as string, ...rest });
  }

  const write = (path: string, text: string) => {
    mkdirSync(join(dir, 'sarif', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'sarif', path), text);
  };

  it('is a SARIF 2.1.0 log (checked against the OASIS schema) with one result a diagnostic, as --format json has them', async () => {
    write('ok.nnspec.yaml', specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}', 'd'));
    write('bad dir/broken.nnspec.yaml', specWith('  x: {shape: [4]}', '  d: {type: Dense, unit: 2}\n  e: {type: Dense, units: 2, activation: relux}', 'e'));
    write('warn.nnspec.yaml', specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}\n  probe: {type: Dense, units: 3, inputs: x}', 'd'));
    const cwd = join(dir, 'sarif');
    const sarif = await runCli(['validate', '--format', 'sarif', '.'], { cwd });
    const json = await runCli(['validate', '--format', 'json', '.'], { cwd });
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[] }[]; originalUriBaseIds: Record<string, { uri: string }> }[];
    };
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The check has teeth: a result without a message, or a level SARIF does not have, fails it.
    const broken = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    delete broken.runs[0]!.results[0]!.message;
    expect(validate(broken)).toBe(false);
    broken.runs[0]!.results[0]!.message = { text: 'x' };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('nnspec');
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${cwd}/`);
    const diagnostics = (JSON.parse(json.stdout) as { files: { diagnostics: { code: string; severity: string; file: string; line: number; column: number; end_line: number; end_column: number; message: string }[] }[] }).files.flatMap((f) => f.diagnostics);
    expect(diagnostics.length).toBe(3);
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region])).toEqual(
      diagnostics.map((d) => [d.code, d.severity, d.file.replace('bad dir', 'bad%20dir'), { startLine: d.line, startColumn: d.column, endLine: d.end_line, endColumn: d.end_column }]),
    );
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.message.text.startsWith(diagnostics.find((d) => d.code === r.ruleId)!.message)).toBe(true);
    }
  });

  it('a clean run is a valid log with no results (exit 0); an absolute path becomes a file: URI', async () => {
    const abs = join(dir, 'sarif', 'ok.nnspec.yaml');
    const clean = await runCli(['validate', '--format', 'sarif', abs]);
    expect(clean.code).toBe(0);
    const log = JSON.parse(clean.stdout) as { runs: { results: unknown[] }[] };
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0]!.results).toEqual([]);
    write('abs/broken.yaml', 'nnspec: 1\n');
    const broken = JSON.parse((await runCli(['validate', '--format', 'sarif', join(dir, 'sarif', 'abs', 'broken.yaml')])).stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: Record<string, string> } }[] }[] }[];
    };
    expect(broken.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: `file://${join(dir, 'sarif', 'abs', 'broken.yaml')}` });
  });
});

describe('the pre-commit hook', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string; types: string[] }[];

  it('runs nnspec validate as a node hook on *.nnspec.yaml and *.nnspec.yml', () => {
    expect(hooks).toHaveLength(1);
    const hook = hooks[0]!;
    expect([hook.id, hook.entry, hook.language, hook.types]).toEqual(['nnspec-validate', 'nnspec validate', 'node', ['yaml']]);
    const files = new RegExp(hook.files);
    expect(['specs/a.nnspec.yaml', 'b.nnspec.yml'].every((f) => files.test(f))).toBe(true);
    expect(['specs/a.yaml', 'a.nnspec.yaml.bak', 'nnspec.yaml'].some((f) => files.test(f))).toBe(false);
  });

  it('names a command the package installs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain(hooks[0]!.entry.split(' ')[0]);
  });
});

describe('nnspec export on the command line', () => {
  it('keras-json to stdout, or to --out (directories made)', async () => {
    const printed = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'keras-json']);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe('');
    expect((JSON.parse(printed.stdout) as { class_name: string }).class_name).toBe('Functional');
    const out = join(dir, 'export', 'deep', 'mlp.json');
    const written = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'keras-json', '--out', out]);
    expect([written.code, written.stdout]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
  });

  it('an invalid spec: its diagnostics on stderr, nothing written, exit 1', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, specWith('  x: {shape: [4]}', '  d: {type: Dense, unit: 2}', 'd'));
    const out = join(dir, 'never.json');
    const r = await runCli(['export', file, '--to', 'keras-json', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[NN20\d\]/);
    expect(existsSync(out)).toBe(false);
  });

  it('usage errors (exit 2): no --to, an unknown target, no such spec', async () => {
    expect(await runCli(['export', 'specs/sequential_mlp.yaml'])).toEqual({ code: 2, stdout: '', stderr: "nnspec: error[NN002]: required option '--to <target>' not specified (see `nnspec export --help`)\n" });
    const unknown = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'pytorch']);
    expect([unknown.code, unknown.stderr]).toEqual([2, "nnspec: error[NN003]: unknown --to 'pytorch'; expected keras-json, tfjs or onnx (see `nnspec export --help`)\n"]);
    const onnx = await runCli(['export', 'specs/sequential_mlp.yaml', '--to', 'onnx']);
    expect([onnx.code, onnx.stderr]).toEqual([2, 'nnspec: error[NN002]: --to onnx needs --out: the model is a binary file (see `nnspec export --help`)\n']);
    const missing = await runCli(['export', 'nope.yaml', '--to', 'tfjs']);
    expect([missing.code, missing.stderr]).toEqual([2, "nnspec: error[NN004]: cannot read 'nope.yaml': no such file (see `nnspec export --help`)\n"]);
  });
});
