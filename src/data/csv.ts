/**
 * The .csv reader: one line a sample, comma-separated numeric cells. A first line with no
 * numeric cell is a header (a first line mixing numbers and text is more likely a typo in the
 * data, so it is refused rather than silently dropped). Trailing empty lines are ignored.
 * A file of one column is a vector, shape (N,), as Keras users expect of labels; otherwise
 * the shape is (N, columns).
 */
import type { NdArray } from './array.js';
import { failer, guard, type DataPlace, type Fail } from './errors.js';
import { readDataFile } from './file.js';
import { decodeText } from './text.js';
import { Values } from './values.js';

export interface CsvTable {
  array: NdArray;
  /** The header row's cells, or null when the first line is data. */
  header: string[] | null;
}

export function readCsv(path: string, label: string = path): CsvTable {
  return guard(label, () => parseCsv(decodeText(readDataFile(path, label), label), label));
}

const NUMBER = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const INTEGER = /^[-+]?[0-9]+$/;

export function parseCsv(text: string, file: string): CsvTable {
  const fail = failer(file);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) fail('NN816', 'is empty; expected one line of numbers per sample');

  const first = splitLine(lines[0]!, 1, fail).map((c) => c.text);
  const header = first.every((c) => !NUMBER.test(c)) ? first : null;
  const columns = first.length;
  const start = header ? 1 : 0;
  if (start === lines.length) fail('NN816', 'has a header line but no data lines');

  const values = new Values();
  for (let n = start; n < lines.length; n++) {
    const line = n + 1;
    const text = lines[n]!;
    const whole = placeIn(line, text, 0, text.length);
    if (text.trim() === '') fail('NN814', `line ${line} is empty; only empty lines at the end are ignored`, whole);
    const cells = splitLine(text, line, fail);
    if (cells.length !== columns) {
      fail('NN814', `line ${line} has ${count(cells.length)}, ${header ? 'the header (line 1)' : 'line 1'} has ${columns}`, whole);
    }
    cells.forEach(({ text: cell, start, end }, c) => {
      const at = `line ${line}, cell ${c + 1}`;
      const place = placeIn(line, text, start, end);
      if (cell === '') fail('NN815', `${at} is empty; every cell must be a number`, place);
      if (!NUMBER.test(cell)) {
        const hint = line === 1 ? ' (a header line must have no numeric cells)' : /[;\t]/.test(cell) ? ' (cells are separated by commas)' : '';
        fail('NN815', `${at}: '${short(cell)}' is not a number${hint}`, place);
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) fail('NN815', `${at}: '${short(cell)}' is not a finite number`, place);
      const integer = INTEGER.test(cell);
      if (integer && !Number.isSafeInteger(v)) fail('NN808', `${at}: the integer ${short(cell)} is beyond 2^53 and cannot be represented exactly`, place);
      values.push(v, integer);
    });
  }
  const rows = lines.length - start;
  return { array: values.toArray(columns === 1 ? [rows] : [rows, columns]), header };
}

/** A place on one line (0-based character range), for a DataError. */
function placeIn(line: number, text: string, start: number, end: number): DataPlace {
  return { line, column: start + 1, endColumn: Math.max(end, start + 1) + 1, lineText: text };
}

interface Cell {
  text: string;
  /** 0-based character range of the cell on its line. */
  start: number;
  end: number;
}

/** Cells of one line, trimmed; a cell may be quoted ("a, b", with "" for a quote). */
function splitLine(line: string, n: number, fail: Fail): Cell[] {
  const cells: Cell[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let cell: string;
    const start = i;
    if (line[i] === '"') {
      const open = i++;
      cell = '';
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return fail('NN813', `line ${n}, cell ${cells.length + 1}: the quote at character ${open + 1} is never closed`, placeIn(n, line, open, open + 1));
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') fail('NN813', `line ${n}, cell ${cells.length + 1}: text after a closing quote`, placeIn(n, line, i, i + 1));
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cell = line.slice(i, end).trim();
      i = end;
    }
    cells.push({ text: cell, start, end: Math.max(start, start + cell.length) });
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

const count = (n: number) => (n === 1 ? '1 cell' : `${n} cells`);
const short = (s: string) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);
