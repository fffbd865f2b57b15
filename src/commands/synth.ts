/** `nnspec synth SPEC --samples N --out DIR`: random data of the right names, shapes and ranges. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { shapeText } from '../data/array.js';
import { graphAtLength, hasUnknownLength, minimalLength } from '../data/length.js';
import { npyData, npyHeader } from '../data/npy-write.js';
import { synthStreams, type SynthStream } from '../data/synth.js';
import { syncDir, tempName } from '../train/atomic.js';
import { freshSeed, rngFor } from '../train/random.js';
import { EXIT, reportProblem, type Io } from './io.js';
import { loadSpec } from './spec-file.js';

export interface SynthOptions {
  samples: number;
  out: string;
  seed?: number;
  /** For null (any-length) dimensions; default: max(16, the smallest length the spec compiles at). */
  length?: number;
}

/** Short sequences train fast; 16 is long enough to exercise recurrent layers. */
export const DEFAULT_MIN_LENGTH = 16;

export async function synthCommand(file: string, opts: SynthOptions, io: Io): Promise<number> {
  const spec = loadSpec(file, io);
  if (!spec) return EXIT.invalid;
  let graph = spec.graph;
  if (hasUnknownLength(graph)) {
    const minimal = minimalLength(spec.bytes);
    if (minimal === undefined) {
      reportProblem(io, 'NN908', file, 'the model does not compile at any sequence length up to 4096', { hint: 'give --length' });
      return EXIT.invalid;
    }
    const length = opts.length ?? Math.max(DEFAULT_MIN_LENGTH, minimal);
    const concrete = graphAtLength(spec.bytes, length);
    if (!concrete) {
      reportProblem(io, 'NN908', file, `the model does not compile with sequences of length ${length}; it needs at least ${minimal}`, { hint: `give --length ${minimal} or more` });
      return EXIT.invalid;
    }
    graph = concrete;
  }
  const seed = opts.seed ?? freshSeed();
  const streams = synthStreams(graph, opts.samples, rngFor(seed, 'synth'));
  const dir = resolve(io.cwd, opts.out);
  mkdirSync(dir, { recursive: true });
  for (const stream of streams) {
    writeStream(join(dir, `${stream.name}.npy`), stream, opts.samples);
    io.stdout.write(`${join(opts.out, `${stream.name}.npy`)}  ${stream.role.padEnd(6)}  ${stream.dtype.padEnd(7)}  ${shapeText(stream.shape)}\n`);
  }
  io.stderr.write(`synth: ${opts.samples} samples, seed ${seed}\n`);
  return EXIT.ok;
}

/** About 8 MB of rows at a time: the file is written whole-or-not (temporary name, renamed), never held in memory. */
function writeStream(path: string, stream: SynthStream, samples: number): void {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'w', 0o644);
  const write = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at, bytes.byteLength - at);
  };
  try {
    write(npyHeader(stream.dtype, stream.shape));
    const width = Math.max(1, stream.shape.slice(1).reduce((a, b) => a * b, 1));
    const chunk = Math.max(1, Math.floor((8 << 20) / (4 * width)));
    for (let from = 0; from < samples; from += chunk) write(npyData(stream.rows(Math.min(chunk, samples - from))));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDir(dirname(path));
}
