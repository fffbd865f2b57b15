/** `train --data TABLE` (issue 14): Parquet and Arrow tables by column name, --columns, and its refusals. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';
import { tempDir, writeSpec } from './helpers.js';

const SPEC = `nnspec: 1
name: table
inputs:
  fixed: {shape: [3]}
layers:
  label: {type: Dense, units: 3, activation: softmax}
outputs: [label]
training: {loss: sparse_categorical_crossentropy, metrics: [acc]}
`;

describe('train on a table', () => {
  it.each(['numbers.parquet', 'numbers.arrow'])('%s: columns named like the input and output, the read reported', async (file) => {
    const dir = tempDir();
    const r = await runCli(['train', writeSpec(dir, SPEC), '--data', join(ROOT, 'test/fixtures/tables', file), '--out', join(dir, 'run'), '--backend', 'cpu', '--seed', '1', '-q']);
    expect(r.stderr).toContain(`data: ${join(ROOT, 'test/fixtures/tables', file)}: 15 columns in 3 ${file.endsWith('.parquet') ? 'row groups' : 'record batches'}, 2 read; 10 rows; columns not used: i8,`);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'run', 'run.json'), 'utf8')).samples_seen ?? 10).toBeGreaterThan(0);
  });

  it('maps scalar columns with --columns, and a .csv table with a header row', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), 'a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,2\n');
    const r = await runCli(['train', writeSpec(dir, SPEC), '--data', 't.csv', '--columns', 'fixed=a:c', 'label=y', '--out', 'run', '--backend', 'cpu', '--seed', '1', '-q'], { cwd: dir });
    expect(r.stderr).toContain('data: t.csv: header row (line 1) names 4 columns; read whole (a .csv has no row index); 3 rows');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'run', 'model.json'))).toBe(true);
  });

  it('refuses a malformed --columns (exit 2) and a null in a used column (exit 1, row and column)', async () => {
    const dir = tempDir();
    const bad = await runCli(['train', writeSpec(dir, SPEC), '--data', join(ROOT, 'test/fixtures/tables/numbers.parquet'), '--columns', 'fixed', '--out', join(dir, 'run'), '--format', 'json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).diagnostics.map((d: { code: string; message: string }) => [d.code, d.message])).toEqual([['NN003', "--columns takes NAME=COLUMN[,COLUMN...] (got 'fixed')"]]);
    const nulls = await runCli(['train', writeSpec(dir, SPEC), '--data', join(ROOT, 'test/fixtures/tables/numbers.parquet'), '--columns', 'fixed=f32,with_nulls,f64', '--out', join(dir, 'run2'), '--format', 'json']);
    expect(nulls.code).toBe(1);
    const d = JSON.parse(nulls.stderr.slice(nulls.stderr.indexOf('{'))).diagnostics;
    expect(d.map((x: { code: string; file: string; message: string; place?: string }) => [x.code, x.file, x.message, x.place])).toEqual([['NN815', join(ROOT, 'test/fixtures/tables/numbers.parquet'), "row 1, column 'with_nulls' is null; every value must be a number", "row 1, column 'with_nulls'"]]);
  });
});
