/**
 * A training data set: one array per model input and output, read from a directory (one file per
 * name: `text.npy`, `answer.csv`, ...) or an .npz. Every file is read even when some fail, so the
 * user hears about every problem at once; the data-vs-spec checks (check.ts) come next.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { DataCode } from '../diagnostics/codes.js';
import { DataError, type DataPlace } from './errors.js';
import { resolveDataFile } from './paths.js';
import { openNpz } from './npz-stream.js';
import { openArrayFile } from './read.js';
import { openShards } from './shards.js';
import type { ArraySource } from './source.js';

export interface DataEntry {
  /** The file as the user names it (`data/text.npy`, or `data.npz:text` for an .npz entry). */
  file: string;
  /** Read by rows on demand (a .npy streams; see source.ts). */
  array: ArraySource;
}

export interface DataProblem {
  code: DataCode;
  /** A warning does not stop training (a stray file Keras would never see); the default is an error. */
  severity?: 'warning';
  /** Where the problem is: a data file, or the directory for missing files. */
  file: string;
  message: string;
  hint?: string;
  /** Where in the file, when known (line and column, byte offset, header field, sample). */
  at?: DataPlace;
  /** The input or output name whose file this is, when known (so a failed file is not also reported missing). */
  name?: string;
  /** The model input or output the file is checked against, to point at its declaration in the spec. */
  against?: { role: 'input' | 'output'; name: string };
}

export interface DataSet {
  source: string;
  entries: Map<string, DataEntry>;
  /** Files whose name matches no input or output (reported by checkData). */
  extra: string[];
  problems: DataProblem[];
  /** The directory or .npz itself could not be read: nothing in it can be checked. */
  unreadable?: boolean;
}

export const DATA_EXTENSIONS = ['.npy', '.json', '.csv'] as const;

export function problemOf(e: unknown): DataProblem {
  if (e instanceof DataError) return { code: e.code, file: e.file, message: e.detail, ...(Object.keys(e.at).length > 0 ? { at: e.at } : {}) };
  throw e;
}

/** `source` is a directory or an .npz; `label` is how the user wrote it. */
export function readDataSet(source: string, label: string, names: readonly string[]): DataSet {
  const set: DataSet = { source: label, entries: new Map(), extra: [], problems: [] };
  let stat;
  try {
    stat = statSync(source);
  } catch {
    set.problems.push({ code: 'NN829', file: label, message: 'does not exist; --data takes a directory with one file per input and output, or an .npz' });
    set.unreadable = true;
    return set;
  }
  if (stat.isFile()) {
    if (extname(source).toLowerCase() !== '.npz') {
      set.problems.push({ code: 'NN829', file: label, message: 'is a file but not an .npz; --data takes a directory with one file per input and output, or an .npz' });
      set.unreadable = true;
      return set;
    }
    try {
      for (const [name, array] of openNpz(source, label)) {
        if (names.includes(name)) set.entries.set(name, { file: `${label}:${name}`, array });
        else {
          array.close();
          set.extra.push(`${label}:${name}`);
        }
      }
    } catch (e) {
      set.problems.push(problemOf(e));
      set.unreadable = true;
    }
    return set;
  }
  const byName = new Map<string, string[]>();
  let listing: string[];
  try {
    listing = readdirSync(source).sort();
  } catch (e) {
    set.problems.push({ code: 'NN800', file: label, message: `cannot be listed (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
    set.unreadable = true;
    return set;
  }
  const odd = new Map<string, string[]>();
  for (const entry of listing) {
    if (entry.startsWith('.')) continue;
    const path = join(source, entry);
    const file = join(label, entry);
    const ext = extname(entry);
    if (!ext && names.includes(entry) && statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      // A directory named after an input or output holds its shards.
      byName.set(entry, [...(byName.get(entry) ?? []), file]);
      continue;
    }
    if (!DATA_EXTENSIONS.includes(ext.toLowerCase() as (typeof DATA_EXTENSIONS)[number])) {
      if (!lstatSync(path).isFile()) continue;
      // `x.txt` for input x: the one mistake is the format, not a stray file and a missing one.
      const stem = ext ? entry.slice(0, -ext.length) : entry;
      if (names.includes(stem)) odd.set(stem, [...(odd.get(stem) ?? []), file]);
      else set.extra.push(file);
      continue;
    }
    const name = ext ? entry.slice(0, -ext.length) : entry;
    if (!names.includes(name)) {
      set.extra.push(file);
      continue;
    }
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  for (const [name, files] of byName) {
    if (files.length > 1) {
      set.problems.push({ code: 'NN821', name, file: label, message: `has ${files.length} files for '${name}' (${files.map((f) => f.slice(label.length + 1)).join(', ')}); keep exactly one` });
      continue;
    }
    try {
      const path = resolveDataFile(source, files[0]!.slice(label.length + 1), files[0]!);
      if (statSync(path).isDirectory()) {
        const shards = openShards(path, files[0]!);
        set.problems.push(...shards.problems.map((p) => ({ ...p, name })));
        if (shards.array) set.entries.set(name, { file: files[0]!, array: shards.array });
      } else {
        set.entries.set(name, { file: files[0]!, array: openArrayFile(path, files[0]!) });
      }
    } catch (e) {
      set.problems.push({ ...problemOf(e), name });
    }
  }
  for (const [name, files] of odd) {
    if (byName.has(name)) {
      set.extra.push(...files);
      continue;
    }
    try {
      openArrayFile(join(source, files[0]!.slice(label.length + 1)), files[0]!).close();
    } catch (e) {
      set.problems.push({ ...problemOf(e), name });
    }
  }
  return set;
}

/** Closes every file the data set holds open. */
export function closeDataSet(set: DataSet): void {
  for (const e of set.entries.values()) e.array.close();
}
