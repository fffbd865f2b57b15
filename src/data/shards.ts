/**
 * A sharded array: `--data DIR` holding a directory per input or output (`text/000.npy`,
 * `text/001.npy`, ...) read as one array, shards in name order, or in the order a
 * `manifest.json` there lists (`{"shards": ["a.npy", "b.npy"]}`). Each shard is opened and
 * checked on its own (every problem is reported, named by the shard's file); they must agree
 * on dtype and per-sample shape, and their samples add up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { shapeText } from './array.js';
import type { DataProblem } from './dataset.js';
import { DataError } from './errors.js';
import { resolveDataFile } from './paths.js';
import { dataFormat, openArrayFile } from './read.js';
import { concatSource, type ArraySource } from './source.js';

export const MANIFEST = 'manifest.json';

export interface Shards {
  array?: ArraySource;
  problems: DataProblem[];
}

function asProblem(e: unknown): DataProblem {
  if (e instanceof DataError) return { code: e.code, file: e.file, message: e.detail, ...(Object.keys(e.at).length > 0 ? { at: e.at } : {}) };
  throw e;
}

/** The shard file names, in order: the manifest's list, else every data file in name order. */
function shardNames(dir: string, label: string): string[] {
  const listing = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  if (listing.includes(MANIFEST)) {
    const file = join(label, MANIFEST);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    } catch (e) {
      throw new DataError('NN813', file, `is not valid JSON (${(e as Error).message}); a shard manifest is {"shards": ["000.npy", "001.npy"]}`);
    }
    const list = (parsed as { shards?: unknown })?.shards;
    if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string')) {
      throw new DataError('NN813', file, 'must be {"shards": [...]} with the shard file names in order');
    }
    return list as string[];
  }
  const names = listing.filter((f) => dataFormat(f) !== undefined && dataFormat(f) !== 'npz');
  if (names.length === 0) throw new DataError('NN819', label, 'is a shard directory with no .npy, .json or .csv files (and no manifest.json)');
  return names;
}

export function openShards(dir: string, label: string): Shards {
  const problems: DataProblem[] = [];
  let names: string[];
  try {
    names = shardNames(dir, label);
  } catch (e) {
    return { problems: [asProblem(e)] };
  }
  const parts: ArraySource[] = [];
  for (const name of names) {
    const file = join(label, name);
    try {
      if (extname(name).toLowerCase() === '.npz') throw new DataError('NN817', file, 'is an .npz; shards are .npy, .json or .csv files');
      parts.push(openArrayFile(resolveDataFile(dir, name, file), file));
    } catch (e) {
      problems.push(asProblem(e));
    }
  }
  const first = parts[0];
  for (const p of parts.slice(1)) {
    if (!first) break;
    if (p.shape.length === 0 || first.shape.length === 0 || shapeText(p.shape.slice(1)) !== shapeText(first.shape.slice(1))) {
      problems.push({ code: 'NN814', file: p.file, message: `is a shard of shape ${shapeText(p.shape)}, but ${first.file} has shape ${shapeText(first.shape)}; every shard needs samples of one shape` });
    } else if (p.dtype !== first.dtype) {
      problems.push({ code: 'NN814', file: p.file, message: `is a shard of ${p.dtype}, but ${first.file} is ${first.dtype}; every shard needs one dtype` });
    }
  }
  if (problems.length > 0 || !first) {
    for (const p of parts) p.close();
    return { problems };
  }
  return { array: parts.length === 1 ? first : concatSource(label, parts), problems };
}
