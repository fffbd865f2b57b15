/** Every face renders every kind of place: line:column, byte offset and field, a file alone, the command line; labels in all four. */
import { describe, expect, it } from 'vitest';
import type { PrintedDiagnostic } from '../../src/diagnostics/diagnostic.js';
import { painter } from '../../src/diagnostics/render/color.js';
import { renderGithub } from '../../src/diagnostics/render/github.js';
import { renderJsonReport } from '../../src/diagnostics/render/json.js';
import { renderPrettyFrom } from '../../src/diagnostics/render/pretty.js';
import { renderSarif } from '../../src/diagnostics/render/sarif.js';
import { LineIndex } from '../../src/diagnostics/lines.js';

const plain = painter({ isTTY: false, env: {} });
const none = { line: null, column: null, end_line: null, end_column: null };

const withLabel: PrintedDiagnostic = {
  code: 'NN823',
  severity: 'error',
  message: "has shape (2, 4), but input 'x' takes samples of (3,)",
  file: 'data/x.npy',
  ...none,
  labels: [{ file: 'spec.yaml', line: 4, column: 3, end_line: 4, end_column: 4, message: "input 'x' is declared here" }],
};
const atByte: PrintedDiagnostic = { code: 'NN804', severity: 'error', message: "header 'shape' is (-1,)", file: 'x.npy', ...none, offset: 10, place: "header field 'shape'" };
const usage: PrintedDiagnostic = { code: 'NN001', severity: 'error', message: "unknown option '--bogus'", file: null, ...none, hint: 'see `nnspec train --help`' };
const atLine: PrintedDiagnostic = { code: 'NN815', severity: 'error', message: "line 2, cell 2: 'abc' is not a number", file: 'x.csv', line: 2, column: 3, end_line: 2, end_column: 6 };

const sources = (f: string) => (f === 'spec.yaml' ? new LineIndex('nnspec: 1\nname: t\ninputs:\n  x: {shape: [3]}\n') : f === 'x.csv' ? new LineIndex('1,2,3\n4,abc,6\n') : undefined);

describe('pretty', () => {
  it('each kind of place', () => {
    expect(renderPrettyFrom([atLine, atByte, withLabel, usage], sources, plain)).toBe(
      [
        "x.csv:2:3: error[NN815]: line 2, cell 2: 'abc' is not a number",
        '2 | 4,abc,6',
        '  |   ^^^',
        '',
        "x.npy (byte 10, header field 'shape'): error[NN804]: header 'shape' is (-1,)",
        '',
        "data/x.npy: error[NN823]: has shape (2, 4), but input 'x' takes samples of (3,)",
        " ::: spec.yaml:4:3: input 'x' is declared here",
        '4 |   x: {shape: [3]}',
        '  |   -',
        '',
        "nnspec: error[NN001]: unknown option '--bogus' (see `nnspec train --help`)",
        '',
      ].join('\n'),
    );
  });
});

describe('pretty in colour', () => {
  it('is the plain text with escapes added, nothing else', () => {
    const colored = painter({ isTTY: true, env: { FORCE_COLOR: '1' } });
    const all = [atLine, atByte, withLabel, usage];
    const out = renderPrettyFrom(all, sources, colored);
    expect(out).toContain('\u001b[');
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPrettyFrom(all, sources, plain));
  });
});

describe('json', () => {
  it('every field present, null where there is no such place', () => {
    const doc = JSON.parse(renderJsonReport('train', [atByte, withLabel, usage]));
    expect(doc).toMatchObject({ command: 'train', errors: 3, warnings: 0 });
    expect(doc.diagnostics[0]).toEqual({ code: 'NN804', severity: 'error', message: "header 'shape' is (-1,)", file: 'x.npy', line: null, column: null, end_line: null, end_column: null, offset: 10, place: "header field 'shape'", hint: null, labels: [] });
    expect(doc.diagnostics[1].labels).toEqual([{ file: 'spec.yaml', line: 4, column: 3, end_line: 4, end_column: 4, message: "input 'x' is declared here" }]);
    expect(doc.diagnostics[2]).toMatchObject({ code: 'NN001', file: null, hint: 'see `nnspec train --help`' });
  });
});

describe('github', () => {
  it('a file without lines, the command line, a label', () => {
    expect(renderGithub([atByte, usage, withLabel])).toBe(
      [
        "::error file=x.npy,title=NN804::x.npy (byte 10, header field 'shape'): header 'shape' is (-1,)",
        "::error title=NN001::unknown option '--bogus' (hint: see `nnspec train --help`)",
        "::error file=data/x.npy,title=NN823::has shape (2, 4), but input 'x' takes samples of (3,) (spec.yaml:4:3: input 'x' is declared here)",
        '',
      ].join('\n'),
    );
  });
});

describe('sarif', () => {
  it('a byte region, no location for the command line, related locations for labels', () => {
    const log = JSON.parse(renderSarif([atByte, usage, withLabel, atLine], '0.0.0', '/work'));
    const [byte, cmd, label, line] = log.runs[0].results;
    expect(byte.locations[0].physicalLocation.region).toEqual({ byteOffset: 10, byteLength: 1 });
    expect(cmd.locations).toEqual([]);
    expect(label.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'data/x.npy', uriBaseId: '%SRCROOT%' } });
    expect(label.relatedLocations).toEqual([{ id: 0, message: { text: "input 'x' is declared here" }, physicalLocation: { artifactLocation: { uri: 'spec.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 4 } } }]);
    expect(line.locations[0].physicalLocation.region).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 6 });
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain('NN823');
  });
});
