#!/usr/bin/env node
/**
 * Golden Parquet and Arrow files for the table readers (issue 14), written by an implementation
 * other than the one nnspec reads with: parquet-wasm (Rust's arrow-rs and parquet crates) writes
 * both the .parquet (read by hyparquet) and the Arrow IPC stream in the .arrow file (read by
 * apache-arrow's JavaScript reader). apache-arrow here only builds the columns in memory.
 *
 *   node scripts/make-table-fixtures.mjs      (needs the devDependency parquet-wasm)
 *
 * Writes test/fixtures/tables/: numbers.parquet (3 row groups of at most 4 rows, every numeric
 * type, a column with nulls, a list and a fixed-size-list column), numbers.arrow (the same rows in
 * 3 record batches), and expected.json (the values, null as null).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';

const out = join('test', 'fixtures', 'tables');
mkdirSync(out, { recursive: true });
const n = 10;
const ints = (f) => Array.from({ length: n }, (_, i) => f(i));
const columns = {
  i8: [arrow.Int8, ints((i) => i - 5)],
  i16: [arrow.Int16, ints((i) => i * 300 - 1500)],
  i32: [arrow.Int32, ints((i) => i * 70000 - 300000)],
  i64: [arrow.Int64, ints((i) => BigInt(i * 3) - 7n)],
  u8: [arrow.Uint8, ints((i) => i * 25)],
  u16: [arrow.Uint16, ints((i) => i * 6000)],
  u32: [arrow.Uint32, ints((i) => i * 400000000)],
  u64: [arrow.Uint64, ints((i) => BigInt(i) * 1000n)],
  f32: [arrow.Float32, ints((i) => Math.fround(i / 3 - 1))],
  f64: [arrow.Float64, ints((i) => i / 7 - 0.5)],
  b: [arrow.Bool, ints((i) => i % 3 === 0)],
  with_nulls: [arrow.Float64, ints((i) => (i % 4 === 1 ? null : i * 1.5))],
  label: [arrow.Int32, ints((i) => i % 3)],
};
const vectors = {
  fixed: ints((i) => [i, i + 0.5, -i].map(Math.fround)),
  list: ints((i) => [i * 2, i * 2 + 1, 0.25].map(Math.fround)),
};
const data = {};
for (const [name, [Type, values]] of Object.entries(columns)) data[name] = arrow.vectorFromArray(values, new Type());
data.fixed = arrow.vectorFromArray(vectors.fixed, new arrow.FixedSizeList(3, new arrow.Field('item', new arrow.Float32(), true)));
data.list = arrow.vectorFromArray(vectors.list, new arrow.List(new arrow.Field('item', new arrow.Float32(), true)));
const table = new arrow.Table(data);

const props = new pq.WriterPropertiesBuilder().setMaxRowGroupSize(4).setCompression(pq.Compression.SNAPPY).build();
const parquet = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
writeFileSync(join(out, 'numbers.parquet'), parquet);
// Read back by the Rust reader in batches of 4 rows and written out by the Rust IPC writer.
const rust = pq.readParquet(parquet, { batchSize: 4 });
writeFileSync(join(out, 'numbers.arrow'), rust.intoIPCStream());

const expected = { rows: n, columns: {} };
for (const [name, [, values]] of Object.entries(columns)) expected.columns[name] = values.map((v) => (v === null ? null : typeof v === 'bigint' ? Number(v) : Number(v)));
expected.columns.fixed = vectors.fixed;
expected.columns.list = vectors.list;
writeFileSync(join(out, 'expected.json'), JSON.stringify(expected, null, 1) + '\n');
console.log(`wrote ${out}: ${parquet.length} bytes of parquet`);
