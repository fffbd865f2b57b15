/**
 * Data problems as diagnostics, through the command's reporter: each class of data error with its
 * code, message and place (file:line:col for .csv/.json, byte offset and header field for .npy,
 * entry for .npz, the spec's declaration as a label), in pretty and json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadData } from '../../src/commands/data-arg.js';
import { loadSpec } from '../../src/commands/spec-file.js';
import { npyBytes } from '../../src/data/npy-write.js';
import type { DiagnosticFormat } from '../../src/diagnostics/report.js';
import { resolveObjective } from '../../src/train/objective.js';
import { captureIo, headlines } from './io.js';

const SPEC = `nnspec: 1
name: t
inputs:
  x: {shape: [3]}
layers:
  y: {type: Dense, units: 2, activation: softmax, inputs: x}
outputs: [y]
training: {loss: sparse_categorical_crossentropy}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-diag-data-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  mkdirSync(join(dir, 'data'));
});

const f32 = (shape: number[], values: number[]) => npyBytes({ dtype: 'float32', shape, data: Float32Array.from(values) });
const ids = (values: number[]) => npyBytes({ dtype: 'int32', shape: [values.length], data: Int32Array.from(values) });

async function check(format: DiagnosticFormat = 'pretty', data = 'data') {
  const cap = captureIo(dir, format);
  const spec = loadSpec('spec.yaml', cap.io)!;
  const objective = resolveObjective(spec.graph);
  if ('error' in objective) throw new Error(objective.error);
  const loaded = await loadData(spec.graph, objective.outputs, data, cap.io);
  return { loaded, stderr: cap.end(), diagnostics: cap.io.diagnostics!.items };
}

async function json(data = 'data') {
  const r = (await check('json', data));
  return JSON.parse(r.stderr) as { command: string; errors: number; warnings: number; diagnostics: Record<string, unknown>[] };
}

describe('a --data that does not exist', () => {
  it('is one diagnostic (NN829), not one more per missing file', async () => {
    const r = (await check('pretty', 'nope'));
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NN829']);
    expect(r.stderr).toBe(
      "nope: error[NN829]: does not exist; --data takes a directory with one file per input and output, or an .npz\n\n" + 'nnspec: 1 problem with the data in nope; nothing was trained\n',
    );
    expect((await json('nope'))).toMatchObject({ errors: 1, warnings: 0, diagnostics: [{ code: 'NN829', file: 'nope', line: null, column: null, offset: null, place: null, labels: [] }] });
  });
});

describe('CSV', () => {
  it('a cell that is not a number: NN815 at its line:column, the line quoted', async () => {
    writeFileSync(join(dir, 'data', 'x.csv'), '1,2,3\n4,abc,6\n');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const r = (await check());
    expect(r.stderr).toContain(
      ["data/x.csv:2:3: error[NN815]: line 2, cell 2: 'abc' is not a number", '2 | 4,abc,6', '  |   ^^^', ''].join('\n'),
    );
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN815', file: 'data/x.csv', line: 2, column: 3, end_line: 2, end_column: 6, hint: 'replace missing or non-numeric values with numbers' });
  });

  it('a short row: NN814 on the whole line', async () => {
    writeFileSync(join(dir, 'data', 'x.csv'), '1,2,3\n4,5\n');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics).toEqual([expect.objectContaining({ code: 'NN814', message: 'line 2 has 2 cells, line 1 has 3', line: 2, column: 1, end_column: 4 })]);
  });
});

describe('JSON', () => {
  it('a ragged row: NN814 at the list, with line and column', async () => {
    writeFileSync(join(dir, 'data', 'x.json'), '[[1, 2, 3],\n [4, 5]]\n');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const r = (await check());
    expect(r.stderr).toContain('data/x.json:2:2: error[NN814]: row 1 has 2 items, row 0 has 3\n2 |  [4, 5]]\n  |  ^^^^^^\n');
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN814', file: 'data/x.json', line: 2, column: 2 });
  });

  it('a syntax error: NN813', async () => {
    writeFileSync(join(dir, 'data', 'x.json'), '[[1, 2, 3] [4, 5, 6]]');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN813', line: 1, column: 12, message: "line 1, column 12: expected ',' or ']' but found '['" });
  });
});

describe('.npy', () => {
  it('not an .npy: NN802 at byte 0', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), 'hello, world');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const r = (await check());
    expect(r.stderr).toContain("data/x.npy (byte 0, magic string): error[NN802]: does not start with the .npy magic string '\\x93NUMPY'; save arrays with np.save\n");
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN802', file: 'data/x.npy', line: null, offset: 0, place: 'magic string' });
  });

  it('a bad header field: NN804 at the header, naming the field', async () => {
    const good = Buffer.from(f32([2, 3], [1, 2, 3, 4, 5, 6]));
    const bad = Buffer.from(good.toString('latin1').replace("'fortran_order': False", "'fortran_order': 0    "), 'latin1');
    writeFileSync(join(dir, 'data', 'x.npy'), bad);
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN804', offset: 10, place: "header field 'fortran_order'", message: "header 'fortran_order' is 0; expected True or False" });
    expect((await check()).stderr).toContain("data/x.npy (byte 10, header field 'fortran_order'): error[NN804]: header 'fortran_order' is 0; expected True or False\n");
  });

  it('truncated data: NN807 at the first missing byte', async () => {
    const good = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    writeFileSync(join(dir, 'data', 'x.npy'), good.subarray(0, good.length - 4));
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const d = (await json()).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'NN807', place: 'data' });
    expect(d.offset).toBe(good.length - 4);
  });
});

describe('the data-vs-spec check', () => {
  it('a shape the spec does not declare: NN823 with a label on the input declaration', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), f32([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const r = (await check());
    expect(r.stderr).toContain(
      [
        "data/x.npy: error[NN823]: has shape (2, 4), samples of (4,), but input 'x' takes samples of (3,)",
        " ::: spec.yaml:4:3: input 'x' is declared here",
        '4 |   x: {shape: [3]}',
        '  |   -',
        '',
      ].join('\n'),
    );
    expect((await json()).diagnostics[0]).toMatchObject({ code: 'NN823', labels: [{ file: 'spec.yaml', line: 4, column: 3, end_line: 4, end_column: 4, message: "input 'x' is declared here" }] });
  });

  it('a class id out of range: NN828 at its sample', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), f32([2, 3], [1, 2, 3, 4, 5, 6]));
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 5]));
    expect((await json()).diagnostics).toEqual([expect.objectContaining({ code: 'NN828', file: 'data/y.npy', place: 'sample 1', message: "holds 5 at sample 1; output 'y' has 2 classes, so class ids must be integers in [0, 2)" })]);
  });

  it('a missing file (NN819) and a stray one (NN820, with a suggestion)', async () => {
    writeFileSync(join(dir, 'data', 'X.npy'), f32([2, 3], [1, 2, 3, 4, 5, 6]));
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    const r = (await json());
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['NN819', 'data'],
      ['NN820', 'data/X.npy'],
    ]);
    expect(r.diagnostics[1]!.hint).toBe("did you mean 'x'? rename the file");
  });

  it('two files for one name: NN821 only, not also "missing"', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), f32([2, 3], [1, 2, 3, 4, 5, 6]));
    writeFileSync(join(dir, 'data', 'x.csv'), '1,2,3\n4,5,6\n');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics.map((d) => d.code)).toEqual(['NN821']);
  });

  it('a data file in an unsupported format: NN817 only, not also a stray file and a missing one', async () => {
    writeFileSync(join(dir, 'data', 'x.txt'), '1 2 3\n4 5 6\n');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics).toEqual([
      expect.objectContaining({ code: 'NN817', file: 'data/x.txt', message: "has the extension '.txt'; data files must be .npy, .npz, .json or .csv" }),
    ]);
  });

  it('an unsupported file beside a supported one for the same name is only a stray file (NN820)', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), f32([2, 3], [1, 2, 3, 4, 5, 6]));
    writeFileSync(join(dir, 'data', 'x.txt'), 'notes');
    writeFileSync(join(dir, 'data', 'y.npy'), ids([0, 1]));
    expect((await json()).diagnostics.map((d) => [d.code, d.file])).toEqual([['NN820', 'data/x.txt']]);
  });

  it('every printed problem carries a code (pretty)', async () => {
    writeFileSync(join(dir, 'data', 'x.npy'), f32([3, 3], [1, 2, 3, 4, 5, NaN, 7, 8, 9]));
    writeFileSync(join(dir, 'data', 'y.json'), '[0, 1]');
    writeFileSync(join(dir, 'data', 'z.csv'), '1\n');
    const { coded, uncoded } = headlines((await check()).stderr);
    expect(uncoded).toEqual([]);
    expect(coded.length).toBeGreaterThanOrEqual(2);
  });
});
