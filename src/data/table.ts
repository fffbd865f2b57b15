/**
 * Table data: one file holding several inputs and outputs as named columns — a .csv with a
 * header row, a Parquet file (read row group by row group with hyparquet), or an Arrow IPC file
 * or stream (`.arrow`/`.feather`, read record batch by record batch with apache-arrow). Only the
 * columns the model uses are read, each into one compact Float64Array (8 bytes a value; the
 * file's compression and unused columns never reach memory). A list or fixed-size-list column
 * is a vector per row.
 *
 * Columns map to inputs and outputs by name (a column named like the input), or by
 * `--columns NAME=COL[,COL...]` (several scalar columns side by side, in order; `A:B` for the
 * columns A to B of the header). A row whose element count matches the input's declared shape
 * is reshaped to it (64 columns feed an 8×8×1 input).
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { readCsv } from './csv.js';
import { problemOf, type DataSet } from './dataset.js';
import { DataError } from './errors.js';
import { memorySource, type ArraySource } from './source.js';

export const TABLE_EXTENSIONS = ['.csv', '.parquet', '.arrow', '.feather'] as const;

export function isTableFile(path: string): boolean {
  return (TABLE_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** Columns read from a table file: values row-major, `width` per row (1 for a scalar column). */
export interface TableColumn {
  values: Float64Array;
  width: number;
}

export interface Table {
  file: string;
  rows: number;
  /** Every column of the file, in its order. */
  names: string[];
  columns: Map<string, TableColumn>;
  /** What was read and how, for the run's note (the header row of a .csv, row groups, batches). */
  note: string;
}

/** `NAME=COL,COL` or `NAME=A:B` (from `--columns`), by input or output name. */
export type ColumnMap = Map<string, string[]>;

export function parseColumnMap(specs: readonly string[]): ColumnMap | string {
  const map: ColumnMap = new Map();
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq < 1 || eq === s.length - 1) return `--columns takes NAME=COLUMN[,COLUMN...] (got '${s}')`;
    map.set(s.slice(0, eq), s.slice(eq + 1).split(',').map((c) => c.trim()));
  }
  return map;
}

/** The columns a name maps to, with `A:B` ranges expanded over the header. */
function columnsFor(name: string, map: ColumnMap, names: string[], file: string): string[] {
  const given = map.get(name);
  if (!given) return names.includes(name) ? [name] : [];
  return given.flatMap((c) => {
    const range = /^(.+):(.+)$/.exec(c);
    if (range && !names.includes(c)) {
      const [a, b] = [names.indexOf(range[1]!), names.indexOf(range[2]!)];
      if (a < 0 || b < a) throw new DataError('NN819', file, `has no columns ${c} for '${name}' (columns: ${shortList(names)})`);
      return names.slice(a, b + 1);
    }
    if (!names.includes(c)) throw new DataError('NN819', file, `has no column '${c}' for '${name}' (columns: ${shortList(names)})`);
    return [c];
  });
}

const shortList = (names: string[]) => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length})` : names.join(', '));

/**
 * Reads the columns that `wanted` names (inputs and outputs) map to. `shapes` are the declared
 * per-sample shapes, for reshaping a row. Every failure is a DataError naming the file.
 */
export async function readTable(path: string, label: string, wanted: readonly string[], map: ColumnMap): Promise<Table> {
  const ext = extname(path).toLowerCase();
  const pick = (names: string[]) => {
    const used = new Set<string>();
    for (const w of wanted) for (const c of columnsFor(w, map, names, label)) used.add(c);
    return [...used];
  };
  if (ext === '.csv') return csvTable(path, label, pick);
  if (ext === '.parquet') return parquetTable(path, label, pick);
  return arrowTable(path, label, pick);
}

function csvTable(path: string, label: string, pick: (names: string[]) => string[]): Table {
  const { array, header } = readCsv(path, label);
  if (!header) throw new DataError('NN819', label, 'is a table without a header row; its first line must name the columns (inputs and outputs by name, or mapped with --columns)', { line: 1 });
  const rows = array.shape[0]!;
  const width = header.length;
  const columns = new Map<string, TableColumn>();
  for (const name of pick(header)) {
    const c = header.indexOf(name);
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = array.data[r * width + c]!;
    columns.set(name, { values, width: 1 });
  }
  return { file: label, rows, names: header, columns, note: `header row (line 1) names ${header.length} columns; read whole (a .csv has no row index)` };
}

/** Fills a column row by row as row groups or record batches arrive. */
class ColumnBuilder {
  values?: Float64Array;
  width = -1;

  constructor(private readonly name: string, private readonly rows: number, private readonly file: string) {}

  put(row: number, v: unknown): void {
    const where = { place: `row ${row}, column '${this.name}'` };
    if (v === null || v === undefined) throw new DataError('NN815', this.file, `row ${row}, column '${this.name}' is null; every value must be a number`, where);
    const items = typeof v === 'object' && v !== null && 'length' in (v as object) ? Array.from(v as ArrayLike<unknown>) : [v];
    if (this.width < 0) {
      this.width = items.length;
      this.values = new Float64Array(this.rows * this.width);
    }
    if (items.length !== this.width) throw new DataError('NN814', this.file, `row ${row}, column '${this.name}' holds ${items.length} values, row 0 holds ${this.width}; a list column needs one length`, where);
    for (let k = 0; k < items.length; k++) {
      const x = items[k];
      const n = typeof x === 'bigint' ? Number(x) : typeof x === 'boolean' ? Number(x) : x;
      if (typeof n !== 'number' || (typeof x === 'bigint' && !Number.isSafeInteger(n))) {
        if (typeof x === 'bigint') throw new DataError('NN808', this.file, `row ${row}, column '${this.name}': the integer ${x} is beyond 2^53 and cannot be represented exactly`, where);
        throw new DataError('NN815', this.file, `row ${row}, column '${this.name}' holds ${x === null ? 'a null' : typeof x}; every value must be a number`, where);
      }
      this.values![row * this.width + k] = n;
    }
  }

  done(): TableColumn {
    return { values: this.values ?? new Float64Array(0), width: Math.max(this.width, 1) };
  }
}

async function parquetTable(path: string, label: string, pick: (names: string[]) => string[]): Promise<Table> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new DataError('NN813', label, `is not a Parquet file hyparquet can read (${(e as Error).message})`);
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const rows = Number(metadata.num_rows);
  const used = pick(names);
  const builders = new Map(used.map((n) => [n, new ColumnBuilder(n, rows, label)]));
  let start = 0;
  // One row group at a time: only its pages of the used columns are read and decoded.
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const from = start;
    try {
      await parquetRead({
        file,
        metadata,
        columns: used,
        rowStart: from,
        rowEnd: end,
        rowFormat: 'object',
        onComplete: (objects: Record<string, unknown>[]) => objects.forEach((o, i) => builders.forEach((b, n) => b.put(from + i, o[n]))),
      });
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError('NN813', label, `row group at row ${from} cannot be read (${(e as Error).message})`);
    }
    start = end;
  }
  const columns = new Map([...builders].map(([n, b]) => [n, b.done()]));
  return { file: label, rows, names, columns, note: `${names.length} columns in ${metadata.row_groups.length} row group${metadata.row_groups.length === 1 ? '' : 's'}, ${used.length} read` };
}

async function arrowTable(path: string, label: string, pick: (names: string[]) => string[]): Promise<Table> {
  const { RecordBatchReader } = await import('apache-arrow');
  const handle = await open(path);
  try {
    let reader;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (e) {
      throw new DataError('NN813', label, `is not an Arrow IPC file or stream (${(e as Error).message})`);
    }
    const names = reader.schema.fields.map((f) => f.name);
    const used = pick(names);
    // The row count is known only at the end of a stream: collect per batch, then join.
    const parts: Map<string, TableColumn>[] = [];
    let rows = 0;
    let batches = 0;
    for await (const batch of reader) {
      const part = new Map<string, TableColumn>();
      for (const n of used) {
        const b = new ColumnBuilder(n, batch.numRows, label);
        const child = batch.getChild(n)!;
        for (let i = 0; i < batch.numRows; i++) {
          const v = child.isValid(i) ? child.get(i) : null;
          try {
            b.put(i, v && typeof v === 'object' && 'toArray' in v ? (v as { toArray(): ArrayLike<unknown> }).toArray() : v);
          } catch (e) {
            // Rows are numbered in the whole file, not the batch.
            if (e instanceof DataError) throw new DataError(e.code, e.file, e.detail.replace(/^row \d+/, `row ${rows + i}`), { place: `row ${rows + i}, column '${n}'` });
            throw e;
          }
        }
        part.set(n, b.done());
      }
      parts.push(part);
      rows += batch.numRows;
      batches++;
    }
    const columns = new Map<string, TableColumn>();
    for (const n of used) {
      const width = parts.find((p) => p.get(n)!.values.length > 0)?.get(n)!.width ?? 1;
      const values = new Float64Array(rows * width);
      let at = 0;
      for (const p of parts) {
        const c = p.get(n)!;
        if (c.values.length > 0 && c.width !== width) throw new DataError('NN814', label, `column '${n}' holds lists of ${c.width} values from row ${at / width}, ${width} before; a list column needs one length`);
        values.set(c.values, at);
        at += c.values.length;
      }
      columns.set(n, { values, width });
    }
    return { file: label, rows, names, columns, note: `${names.length} columns in ${batches} record batch${batches === 1 ? '' : 'es'}, ${used.length} read` };
  } finally {
    await handle.close();
  }
}

/**
 * The table's arrays for the model's inputs and outputs: the mapped columns side by side per
 * row, reshaped to the declared per-sample shape when the element count matches. Names with no
 * column are left out (the check reports them missing).
 */
export function tableArrays(table: Table, wanted: readonly string[], map: ColumnMap, shapes: Map<string, readonly (number | null)[]>): Map<string, ArraySource> {
  const out = new Map<string, ArraySource>();
  for (const name of wanted) {
    const cols = columnsFor(name, map, table.names, table.file).map((c) => table.columns.get(c)!);
    if (cols.length === 0) continue;
    const width = cols.reduce((s, c) => s + c.width, 0);
    const values = new Float64Array(table.rows * width);
    for (let r = 0; r < table.rows; r++) {
      let at = r * width;
      for (const c of cols) {
        values.set(c.values.subarray(r * c.width, (r + 1) * c.width), at);
        at += c.width;
      }
    }
    const declared = shapes.get(name);
    const concrete = declared && declared.every((d) => d !== null) ? (declared as number[]) : undefined;
    const reshaped = concrete && concrete.reduce((a, b) => a * b, 1) === width && (width > 1 || concrete.length > 0) ? concrete : undefined;
    const shape = reshaped ? [table.rows, ...reshaped] : width === 1 && cols.length === 1 && cols[0]!.width === 1 ? [table.rows] : [table.rows, width];
    const label = `${table.file}:${map.get(name)?.join(',') ?? name}`;
    out.set(name, memorySource(label, { dtype: 'float64', shape, data: values }, `columns of a table`));
  }
  return out;
}

/** A table file as a data set (see dataset.ts): its mapped columns, or the one problem that stopped the read. */
export async function readTableSet(path: string, label: string, wanted: readonly string[], map: ColumnMap, shapes: Map<string, readonly (number | null)[]>): Promise<{ set: DataSet; note?: string }> {
  const set: DataSet = { source: label, entries: new Map(), extra: [], problems: [] };
  try {
    const table = await readTable(path, label, wanted, map);
    for (const [name, array] of tableArrays(table, wanted, map, shapes)) set.entries.set(name, { file: array.file, array });
    const unused = table.names.filter((n) => ![...wanted].some((w) => columnsFor(w, map, table.names, label).includes(n)));
    return { set, note: `${label}: ${table.note}; ${table.rows} rows${unused.length ? `; columns not used: ${shortList(unused)}` : ''}` };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    set.problems.push(problemOf(e));
    set.unreadable = true;
    return { set };
  }
}
