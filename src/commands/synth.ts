/** `nnspec synth SPEC --samples N --out DIR`: random data of the right names, shapes and ranges. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shapeText } from '../data/array.js';
import { graphAtLength, hasUnknownLength, minimalLength } from '../data/length.js';
import { npyBytes } from '../data/npy-write.js';
import { synthesize } from '../data/synth.js';
import { writeFileAtomic } from '../train/atomic.js';
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
  const arrays = synthesize(graph, opts.samples, rngFor(seed, 'synth'));
  const dir = resolve(io.cwd, opts.out);
  mkdirSync(dir, { recursive: true });
  for (const { name, role, array } of arrays) {
    writeFileAtomic(join(dir, `${name}.npy`), npyBytes(array));
    io.stdout.write(`${join(opts.out, `${name}.npy`)}  ${role.padEnd(6)}  ${array.dtype.padEnd(7)}  ${shapeText(array.shape)}\n`);
  }
  io.stderr.write(`synth: ${opts.samples} samples, seed ${seed}\n`);
  return EXIT.ok;
}
