/**
 * The faces of a diagnostic: pretty (snapshots, with and without colour), JSON and GitHub
 * annotations, and when colour is used at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { LocatedDiagnostic } from '../src/diagnostics/diagnostic.js';
import { colorLevel, painter } from '../src/diagnostics/render/color.js';
import { renderGithub } from '../src/diagnostics/render/github.js';
import { renderJson } from '../src/diagnostics/render/json.js';
import { countLine, printable, renderPretty } from '../src/diagnostics/render/pretty.js';
import { ROOT, runCli, specWith } from './helpers.js';

const FIXTURES = ['unknown_keys.yaml', 'unclosed_bracket.yaml', 'shape_mismatch.yaml', 'duplicate_layer.yaml', 'unused_layer.yaml'].map((f) => `test/fixtures/invalid/${f}`);
const ESC = '\u001b[';
const plain = painter({ isTTY: false, env: {} });
const colored = painter({ isTTY: true, env: { FORCE_COLOR: '1' } });

function pretty(text: string, file = 'spec.yaml', c = plain): string {
  const r = compile(text, file);
  return renderPretty(r.diagnostics, r.text, c);
}

describe('pretty snapshots', () => {
  it.each(FIXTURES)('%s without colour', (file) => {
    const r = compile(readFileSync(join(ROOT, file)), file);
    expect(renderPretty(r.diagnostics, r.text, plain)).toMatchSnapshot();
  });

  it.each(FIXTURES)('%s with colour', (file) => {
    const r = compile(readFileSync(join(ROOT, file)), file);
    const out = renderPretty(r.diagnostics, r.text, colored);
    expect(out).toContain(ESC);
    expect(out).toMatchSnapshot();
  });

  it('a whole run of validate, as the terminal shows it', async () => {
    const r = await runCli(['validate', ...FIXTURES]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatchSnapshot();
  });

  it('a whole run of validate with FORCE_COLOR=1', async () => {
    const r = await runCli(['validate', ...FIXTURES], { env: { FORCE_COLOR: '1' } });
    expect(r.stdout).toContain(ESC);
    expect(r.stdout).toMatchSnapshot();
  });
});

describe('pretty layout', () => {
  it('headline, source line, caret under the span, hint, blank line', () => {
    expect(pretty(specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 0}', 'd'))).toBe(
      [
        "spec.yaml:6:27: error[NN204]: 'units' in Dense layer 'd' must be >= 1, got 0",
        '6 |   d: {type: Dense, units: 0}',
        '  |                           ^',
        '',
        '',
      ].join('\n'),
    );
  });

  it('aligns the gutter of one file to its widest line number', () => {
    const text = specWith('  x: {shape: [4]}', `  d: {type: Dense, units: 0}\n${'  # padding\n'.repeat(3)}  e: {type: Dense, units: -1}`, 'e');
    const lines = pretty(text).split('\n');
    expect(lines.filter((l) => / [|=] /.test(l))).toEqual([
      ' 6 |   d: {type: Dense, units: 0}',
      '   |                           ^',
      '10 |   e: {type: Dense, units: -1}',
      '   |                           ^^',
    ]);
  });

  it('underlines to the end of the line when the span runs onto the next', () => {
    const out = pretty('nnspec: 1\nname: t\n');
    expect(out).toContain("spec.yaml:1:1: error[NN201]: the spec is missing required keys 'inputs', 'layers' and 'outputs'\n1 | nnspec: 1\n  | ^\n");
  });

  it('an empty file has no source line to show, only the hint', () => {
    expect(pretty('')).toBe('spec.yaml:1:1: error[NN110]: the file holds no spec: it is empty or only comments\n  = hint: a spec is a mapping that starts with `nnspec: 1`\n\n');
  });

  it('a tab in the source line is shown as one space, so the caret stays under the span', () => {
    const out = pretty(`${specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}', 'd')}description: "a"\t# note\nfoo: 1\n`);
    expect(out).toContain('9 | foo: 1\n  | ^^^\n');
  });

  it('a very long line is shown as a window around the span, with the caret still under it', () => {
    const out = pretty(specWith('  x: {shape: [4]}', `  d: {type: Dense, ${' '.repeat(400)}units: 0, use_bias: true, ${' '.repeat(400)}activation: relu}`, 'd'));
    const [, source, caret] = out.split('\n');
    expect(source!.length).toBeLessThan(200);
    expect(source).toMatch(/^6 \| … +units: 0, use_bias: true, +…$/);
    expect(caret!.indexOf('^')).toBe(source!.indexOf('0,'));
  });

  it('control and bidirectional-override characters from the spec are made visible', () => {
    expect(printable('a\u001b[31mb\u202ec\u0007\nd\te')).toBe('a\ufffd[31mb\ufffdc\ufffd\ufffdd\te');
    const out = pretty(`${specWith('  x: {shape: [4]}', '  d: {type: Dense, units: 2}', 'd')}"\u001b[2Jclear": 1\n`);
    expect(out).not.toContain('\u001b');
    expect(out).toContain("unknown key '\ufffd[2Jclear' in the spec");
  });

  it('the count line', () => {
    expect(countLine(0, 0, 1, plain)).toBe('✓ 1 file checked, no problems\n');
    expect(countLine(1, 0, 2, plain)).toBe('1 error, 0 warnings in 2 files checked\n');
    expect(countLine(3, 2, 1, plain)).toBe('3 errors, 2 warnings in 1 file checked\n');
  });
});

describe('colour', () => {
  it.each([
    ['not a TTY', false, {}, 0],
    ['a TTY', true, {}, 1],
    ['a 256-colour TTY', true, { TERM: 'xterm-256color' }, 2],
    ['a truecolor TTY', true, { COLORTERM: 'truecolor' }, 3],
    ['a dumb terminal', true, { TERM: 'dumb' }, 0],
    ['NO_COLOR=1 on a TTY', true, { NO_COLOR: '1' }, 0],
    ['NO_COLOR empty on a TTY (no-color.org: ignored)', true, { NO_COLOR: '' }, 1],
    ['NO_COLOR wins over FORCE_COLOR', true, { NO_COLOR: '1', FORCE_COLOR: '1' }, 0],
    ['FORCE_COLOR=1 when not a TTY', false, { FORCE_COLOR: '1' }, 1],
    ['FORCE_COLOR=3 when not a TTY', false, { FORCE_COLOR: '3' }, 3],
    ['FORCE_COLOR=0 on a TTY', true, { FORCE_COLOR: '0' }, 0],
    ['FORCE_COLOR=false on a TTY', true, { FORCE_COLOR: 'false' }, 0],
  ])('%s', (_, isTTY, env, level) => {
    expect(colorLevel({ isTTY, env: env as Record<string, string> })).toBe(level);
  });

  it('never appears when not a TTY, whatever the output and the environment (short of FORCE_COLOR)', async () => {
    const envs: Record<string, string>[] = [{}, { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, { NO_COLOR: '1' }, { FORCE_COLOR: '0' }, { CI: 'true' }];
    for (const env of envs) {
      for (const format of ['pretty', 'json', 'github']) {
        const r = await runCli(['validate', '--format', format, ...FIXTURES], { env, isTTY: false });
        expect(r.stdout).not.toContain('\u001b');
        expect(r.stderr).not.toContain('\u001b');
      }
    }
  });

  it('appears on a TTY, and not with NO_COLOR=1', async () => {
    expect((await runCli(['validate', FIXTURES[0]!], { isTTY: true })).stdout).toContain(ESC);
    expect((await runCli(['validate', FIXTURES[0]!], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b');
  });

  it('never in JSON or GitHub output, even forced', async () => {
    for (const format of ['json', 'github']) {
      const r = await runCli(['validate', '--format', format, ...FIXTURES], { env: { FORCE_COLOR: '3' }, isTTY: true });
      expect(r.stdout).not.toContain('\u001b');
    }
  });

  it('colour changes nothing but the escape codes', () => {
    const r = compile(readFileSync(join(ROOT, FIXTURES[0]!)), FIXTURES[0]);
    const stripped = renderPretty(r.diagnostics, r.text, colored).replace(/\u001b\[[0-9;]*m/g, '');
    expect(stripped).toBe(renderPretty(r.diagnostics, r.text, plain));
  });
});

describe('JSON and GitHub renderers', () => {
  const d: LocatedDiagnostic = { code: 'NN200', severity: 'error', message: "unknown key 'x'", file: 'a.yaml', line: 3, column: 5, end_line: 3, end_column: 6 };

  it('JSON carries every field, hint null when there is none', () => {
    expect(JSON.parse(renderJson([{ file: 'a.yaml', valid: false, diagnostics: [d, { ...d, hint: 'h' }] }], 2, 0))).toEqual({
      files: [{ file: 'a.yaml', valid: false, diagnostics: [{ ...d, offset: null, place: null, hint: null, labels: [] }, { ...d, offset: null, place: null, hint: 'h', labels: [] }] }],
      errors: 2,
      warnings: 0,
    });
  });

  it('GitHub annotations: severity, place, code as title, hint in the message', () => {
    expect(renderGithub([d, { ...d, severity: 'warning', code: 'NN605', hint: 'remove it' }])).toBe(
      "::error file=a.yaml,line=3,col=5,endLine=3,endColumn=6,title=NN200::unknown key 'x'\n" +
        "::warning file=a.yaml,line=3,col=5,endLine=3,endColumn=6,title=NN605::unknown key 'x' (hint: remove it)\n",
    );
  });
});
