/**
 * Table readers (issue 14) against files another implementation wrote (parquet-wasm, the Rust
 * arrow-rs/parquet crates; scripts/make-table-fixtures.mjs): every numeric type, nulls, several
 * row groups / record batches, list and fixed-size-list columns; and a .csv table with a header.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { parseColumnMap, readTable, readTableSet, tableArrays, type ColumnMap } from '../../src/data/table.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'test/fixtures/tables');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { rows: number; columns: Record<string, (number | null | number[])[]> };
const NUMERIC = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'b', 'label'];
const none: ColumnMap = new Map();

describe.each(['numbers.parquet', 'numbers.arrow'])('%s', (file) => {
  it('reads every numeric type, exactly', async () => {
    const t = await readTable(join(DIR, file), file, NUMERIC, none);
    expect(t.rows).toBe(10);
    expect(t.names).toEqual([...NUMERIC.slice(0, 11), 'with_nulls', 'label', 'fixed', 'list']);
    for (const name of NUMERIC) {
      const want = (expected.columns[name] as (number | boolean)[]).map(Number);
      expect([name, Array.from(t.columns.get(name)!.values)]).toEqual([name, want]);
    }
    expect(t.note).toMatch(file.endsWith('.parquet') ? /in 3 row groups, 12 read$/ : /in 3 record batches, 12 read$/);
  });

  it('reads a list and a fixed-size-list column as vectors of 3, and reshapes them to the input', async () => {
    const t = await readTable(join(DIR, file), file, ['fixed', 'list'], none);
    for (const name of ['fixed', 'list']) {
      expect(t.columns.get(name)!.width).toBe(3);
      // -0 is written as 0 in expected.json.
      expect(Array.from(t.columns.get(name)!.values, (v) => v + 0)).toEqual((expected.columns[name] as number[][]).flat());
    }
    const arrays = tableArrays(t, ['fixed', 'list'], none, new Map([['fixed', [3, 1]], ['list', [3]]]));
    expect(arrays.get('fixed')!.shape).toEqual([10, 3, 1]);
    expect(arrays.get('list')!.shape).toEqual([10, 3]);
    expect(Array.from(arrays.get('list')!.rows(2, 3))).toEqual([4, 5, 0.25]);
  });

  it('refuses a null where a model reads, naming row and column', async () => {
    const got = await readTable(join(DIR, file), file, ['with_nulls'], none).catch((e: unknown) => e);
    expect(got).toBeInstanceOf(DataError);
    const e = got as DataError;
    expect([e.code, e.message, e.at]).toEqual(['NN815', `${file}: row 1, column 'with_nulls' is null; every value must be a number`, { place: "row 1, column 'with_nulls'" }]);
  });

  it('maps several scalar columns to one input with --columns, by list and by range', async () => {
    const map = parseColumnMap(['x=i8,f64', 'z=u8:u32']) as ColumnMap;
    const { set, note } = await readTableSet(join(DIR, file), file, ['x', 'z', 'label'], map, new Map([['x', [2]], ['z', [3]], ['label', [1]]]));
    expect(set.problems).toEqual([]);
    const x = set.entries.get('x')!.array;
    expect(x.shape).toEqual([10, 2]);
    expect(Array.from(x.rows(3, 4))).toEqual([expected.columns.i8![3], expected.columns.f64![3]]);
    expect(set.entries.get('z')!.array.shape).toEqual([10, 3]);
    expect(set.entries.get('label')!.array.shape).toEqual([10, 1]);
    expect(note).toContain('columns not used: i16, i32, i64, u64, f32, b, with_nulls, fixed, list');
  });

  it('names a mapped column the file does not have', async () => {
    const { set } = await readTableSet(join(DIR, file), file, ['x'], new Map([['x', ['nope']]]), new Map());
    expect(set.problems.map((p) => [p.code, p.message])).toEqual([['NN819', `has no column 'nope' for 'x' (columns: ${[...NUMERIC.slice(0, 11), 'with_nulls'].join(', ')}, ... (15))`]]);
  });
});

describe('a .csv table', () => {
  it('takes its header row as column names, says so, and reshapes a row of 4 to 2x2', async () => {
    const dir = mkdtempSync('/tmp/nnspec-table-');
    try {
      writeFileSync(join(dir, 't.csv'), 'a,b,c,d,label\n1,2,3,4,0\n5,6,7,8,1\n');
      const { set, note } = await readTableSet(join(dir, 't.csv'), 't.csv', ['x', 'label'], new Map([['x', ['a:d']]]), new Map([['x', [2, 2]], ['label', [1]]]));
      expect(set.problems).toEqual([]);
      expect(note).toBe('t.csv: header row (line 1) names 5 columns; read whole (a .csv has no row index); 2 rows');
      expect(set.entries.get('x')!.array.shape).toEqual([2, 2, 2]);
      expect(Array.from(set.entries.get('x')!.array.rows(1, 2))).toEqual([5, 6, 7, 8]);
      writeFileSync(join(dir, 'n.csv'), '1,2\n3,4\n');
      const bare = await readTableSet(join(dir, 'n.csv'), 'n.csv', ['x'], none, new Map());
      expect(bare.set.problems.map((p) => [p.code, p.message])).toEqual([['NN819', 'is a table without a header row; its first line must name the columns (inputs and outputs by name, or mapped with --columns)']]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a malformed --columns', () => {
    expect(parseColumnMap(['x'])).toBe("--columns takes NAME=COLUMN[,COLUMN...] (got 'x')");
  });
});
