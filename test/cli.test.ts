/**
 * `nnspec validate` as a command line: what it reads (files, directories, globs), what it
 * prints in each --format, and its exit status (0 valid, 1 invalid, 2 usage).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, specWith } from './helpers.js';

const VALID = specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}', 'd');
const INVALID = specWith('  x: {shape: [4]}', '  d: {type: Dense, unit: 2}', 'd');
const WARNING_ONLY = specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}\n  probe: {type: Dense, units: 3, inputs: x}', 'd');
const fixture = (name: string) => `test/fixtures/invalid/${name}`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-cli-'));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('specs/a.yaml', VALID);
  write('specs/nested/b.yml', VALID);
  write('specs/nested/deeper/c.yaml', INVALID);
  write('specs/notes.txt', 'not a spec');
  write('specs/node_modules/pkg/x.yaml', INVALID);
  write('specs/.hidden/h.yaml', INVALID);
  write('good/one.yaml', VALID);
  write('good/two.yml', VALID);
  write('warn/w.yaml', WARNING_ONLY);
  mkdirSync(join(dir, 'empty'));
  // A link back up the tree: not followed, so the walk ends.
  symlinkSync(join(dir, 'good'), join(dir, 'good', 'loop'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli(argv, { cwd: dir });
const lastLine = (s: string) => s.trimEnd().split('\n').pop();

describe('what validate reads', () => {
  it('one valid file: exit 0 and one count line', async () => {
    const r = await run('validate', 'good/one.yaml');
    expect(r).toEqual({ code: 0, stdout: '✓ 1 file checked, no problems\n', stderr: '' });
  });

  it('a directory: every *.yaml and *.yml below it, sorted, not node_modules or dot-directories', async () => {
    const r = await run('validate', '--format', 'json', 'specs');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: { file: string; valid: boolean }[] };
    expect(report.files.map((f) => [f.file, f.valid])).toEqual([
      ['specs/a.yaml', true],
      ['specs/nested/b.yml', true],
      ['specs/nested/deeper/c.yaml', false],
    ]);
  });

  it('a quoted glob, expanded by nnspec', async () => {
    const r = await run('validate', '--format', 'json', 'specs/**/*.yml');
    expect((JSON.parse(r.stdout) as { files: { file: string }[] }).files.map((f) => f.file)).toEqual(['specs/nested/b.yml']);
    expect(r.code).toBe(0);
  });

  it('does not follow a symbolic link that loops back up the tree', async () => {
    const r = await run('validate', 'good');
    expect(r).toEqual({ code: 0, stdout: '✓ 2 files checked, no problems\n', stderr: '' });
  });

  it('files, directories and globs together, each file once', async () => {
    const r = await run('validate', 'good/one.yaml', 'good', 'good/*.yaml');
    expect(lastLine(r.stdout)).toBe('✓ 2 files checked, no problems');
    expect(r.code).toBe(0);
  });

  it('exit 1 when any file is invalid, after checking all of them', async () => {
    const r = await run('validate', 'specs/nested/deeper/c.yaml', 'good');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("specs/nested/deeper/c.yaml:6:20: error[NN200]: unknown key 'unit' in Dense layer 'd'; did you mean 'units'?");
    expect(lastLine(r.stdout)).toBe('1 error, 0 warnings in 3 files checked');
    expect(r.stderr).toBe('');
  });

  it('paths relative to the working directory, absolute paths as given', async () => {
    const r = await runCli(['validate', '--format', 'json', join(dir, 'good/one.yaml'), fixture('unknown_keys.yaml')], { cwd: ROOT });
    expect((JSON.parse(r.stdout) as { files: { file: string }[] }).files.map((f) => f.file)).toEqual([join(dir, 'good/one.yaml'), fixture('unknown_keys.yaml')]);
  });
});

describe('usage errors: exit 2, one line on stderr, nothing on stdout, no stack trace', () => {
  it.each([
    ['an unknown flag', ['validate', '--bogus', 'good'], "nnspec: error[NN001]: unknown option '--bogus' (see `nnspec validate --help`)"],
    ['a misspelled flag', ['validate', '--stirct', 'good'], "nnspec: error[NN001]: unknown option '--stirct'; did you mean --strict? (see `nnspec validate --help`)"],
    ['an unknown --format value', ['validate', '--format', 'xml', 'good'], "nnspec: error[NN003]: unknown --format 'xml'; expected pretty, json, github or sarif (see `nnspec validate --help`)"],
    ['a --format without a value', ['validate', 'good', '--format'], "nnspec: error[NN002]: option '-f, --format <format>' argument missing (see `nnspec validate --help`)"],
    ['no paths', ['validate'], "nnspec: error[NN002]: missing required argument 'paths' (see `nnspec validate --help`)"],
    ['no such path', ['validate', 'good', 'nope.yaml'], "nnspec: error[NN004]: no such file or directory: 'nope.yaml' (see `nnspec validate --help`)"],
    ['a glob that matches nothing', ['validate', 'specs/*.json'], "nnspec: error[NN004]: no files match 'specs/*.json' (see `nnspec validate --help`)"],
    ['a directory without specs', ['validate', 'empty'], "nnspec: error[NN004]: no *.yaml or *.yml files in 'empty' (see `nnspec validate --help`)"],
    ['an unknown command', ['valdate', 'good'], "nnspec: error[NN001]: unknown command 'valdate'; did you mean validate? (see `nnspec --help`)"],
    ['an unknown summary --format', ['summary', '--format', 'xml', 'good/one.yaml'], "nnspec: error[NN003]: unknown --format 'xml'; expected table, json or markdown (see `nnspec summary --help`)"],
  ])('%s', async (_, argv, line) => {
    const r = await run(...argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('a path that is not a file or directory', async () => {
    const r = await run('validate', '/dev/null');
    expect(r).toEqual({ code: 2, stdout: '', stderr: "nnspec: error[NN007]: '/dev/null' is not a file or directory (see `nnspec validate --help`)\n" });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    writeFileSync(join(dir, 'locked.yaml'), VALID);
    chmodSync(join(dir, 'locked.yaml'), 0o000);
    const r = await run('validate', 'locked.yaml');
    expect(r).toEqual({ code: 2, stdout: '', stderr: "nnspec: error[NN004]: cannot read 'locked.yaml': permission denied (see `nnspec validate --help`)\n" });
  });

  it('a bare `nnspec` prints help on stderr and exits 2', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: nnspec [options] [command]');
  });
});

describe('help and version: exit 0 on stdout', () => {
  it.each([[['--help']], [['-h']], [['help']], [['validate', '--help']], [['help', 'validate']]])('%j', async (argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: nnspec/);
  });

  it('validate --help lists its formats and --strict', async () => {
    const r = await run('validate', '--help');
    expect(r.stdout).toContain('Usage: nnspec validate [options] <paths...>');
    expect(r.stdout).toMatch(/choices: "pretty", "json", "github"/);
    expect(r.stdout).toContain('--strict');
  });

  it('--version prints the package version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };
    for (const flag of ['--version', '-V']) expect(await run(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('--format json', () => {
  it('one document: files, their validity and diagnostics with every field, and the counts', async () => {
    const r = await runCli(['validate', '--format', 'json', fixture('unknown_keys.yaml'), fixture('unused_layer.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      files: [
        {
          file: fixture('unknown_keys.yaml'),
          valid: false,
          diagnostics: [
            { code: 'NN200', severity: 'error', message: "unknown key 'unit' in Dense layer 'hidden'; did you mean 'units'?", file: fixture('unknown_keys.yaml'), line: 7, column: 25, end_line: 7, end_column: 29, offset: null, place: null, hint: null, labels: [] },
            { code: 'NN203', severity: 'error', message: "unknown activation 'rellu' in Dense layer 'hidden'; did you mean 'relu'?", file: fixture('unknown_keys.yaml'), line: 7, column: 47, end_line: 7, end_column: 52, offset: null, place: null, hint: null, labels: [] },
          ],
        },
        {
          file: fixture('unused_layer.yaml'),
          valid: true,
          diagnostics: [
            { code: 'NN605', severity: 'warning', message: "layer 'probe' does not reach any output", file: fixture('unused_layer.yaml'), line: 8, column: 3, end_line: 8, end_column: 8, offset: null, place: null, hint: 'list it in `outputs`, connect it to a layer that does, or remove it', labels: [] },
          ],
        },
      ],
      errors: 2,
      warnings: 1,
    });
  });

  it('keys in a fixed order', async () => {
    const r = await runCli(['validate', '-f', 'json', fixture('duplicate_layer.yaml')]);
    const d = (JSON.parse(r.stdout) as { files: { diagnostics: object[] }[] }).files[0]!.diagnostics[0]!;
    expect(Object.keys(d)).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'end_line', 'end_column', 'offset', 'place', 'hint', 'labels']);
  });

  it('a valid run', async () => {
    const r = await run('validate', '--format=json', 'good');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ files: [{ file: 'good/one.yaml', valid: true, diagnostics: [] }, { file: 'good/two.yml', valid: true, diagnostics: [] }], errors: 0, warnings: 0 });
  });
});

describe('--format github', () => {
  it('one workflow command per diagnostic, nothing else', async () => {
    const r = await runCli(['validate', '--format', 'github', fixture('unclosed_bracket.yaml'), fixture('unused_layer.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `::error file=${fixture('unclosed_bracket.yaml')},line=5,col=21,endLine=5,endColumn=22,title=NN103::this '[' is never closed; expected ']' (hint: close it with ']'; a collection in brackets that spans lines must keep each line indented more than its key)`,
      `::warning file=${fixture('unused_layer.yaml')},line=8,col=3,endLine=8,endColumn=8,title=NN605::layer 'probe' does not reach any output (hint: list it in \`outputs\`, connect it to a layer that does, or remove it)`,
      '',
    ]);
  });

  it('escapes what would end a property or the message', async () => {
    writeFileSync(join(dir, 'a,b:c.yaml'), `${VALID}"50%\\nx": 1\n`);
    const r = await run('validate', '--format', 'github', 'a,b:c.yaml');
    expect(r.stdout).toBe("::error file=a%2Cb%3Ac.yaml,line=8,col=1,endLine=8,endColumn=9,title=NN200::unknown key '50%25%0Ax' in the spec (hint: The spec takes: nnspec, name, description, blocks, inputs, layers, outputs, training)\n");
  });
});

describe('--strict', () => {
  it('warnings pass without it and fail with it', async () => {
    const lenient = await run('validate', 'warn');
    expect(lenient.code).toBe(0);
    expect(lastLine(lenient.stdout)).toBe('0 errors, 1 warning in 1 file checked');
    const strict = await run('validate', '--strict', 'warn');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("warn/w.yaml:7:3: warning[NN605]: layer 'probe' does not reach any output");
  });

  it('marks the file invalid in JSON', async () => {
    const r = await run('validate', '--strict', '--format', 'json', 'warn');
    expect((JSON.parse(r.stdout) as { files: { valid: boolean }[] }).files[0]!.valid).toBe(false);
    expect(r.code).toBe(1);
  });

  it('changes nothing for a clean file', async () => {
    expect((await run('validate', '--strict', 'good')).code).toBe(0);
  });
});

describe('pretty output', () => {
  it('ends with exactly one count line after a blank line', async () => {
    const r = await runCli(['validate', fixture('unknown_keys.yaml'), fixture('duplicate_layer.yaml')]);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /checked/.test(l))).toEqual(['3 errors, 0 warnings in 2 files checked']);
    expect(lines.slice(-3)).toEqual(['', '3 errors, 0 warnings in 2 files checked', '']);
  });
});
