/** `nnspec predict RUN --data DIR --out PRED`: the trained model's outputs, one .npy per output. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shapeText } from '../data/array.js';
import { npyBytes } from '../data/npy-write.js';
import { writeFileAtomic } from '../train/atomic.js';
import { makeBatches } from '../data/batches.js';
import { predictAll } from '../train/evaluate.js';
import { range } from '../train/batches.js';
import type { Device } from '../backends/onnx/runtime.js';
import { loadData } from './data-arg.js';
import type { EngineChoice } from './engine.js';
import { EXIT, type Io } from './io.js';
import { engineLine, loadRunEngine, openRun } from './run-dir.js';

export interface PredictOptions {
  data: string;
  out: string;
  batchSize?: number;
  backend?: EngineChoice;
  threads?: number;
  device?: Device;
}

export async function predictCommand(run: string, opts: PredictOptions, io: Io): Promise<number> {
  const opened = openRun(run, io);
  if (!opened) return EXIT.invalid;
  const { graph, outputs } = opened;
  const data = loadData(graph, outputs, opts.data, io, { withTargets: false, action: 'nothing was predicted' });
  if (!data) return EXIT.invalid;
  const batches = makeBatches(graph, outputs, data.set, undefined);
  const batchSize = opts.batchSize ?? 32;
  const loaded = await loadRunEngine(run, opened, opts.backend ?? 'auto', io, opts, batches.batch(range(0, Math.min(batchSize, batches.samples))));
  if (!loaded) return EXIT.invalid;
  io.stderr.write(engineLine(loaded.runtime));
  const predictions = await predictAll(loaded.engine, batches, batchSize);
  loaded.engine.dispose();
  const dir = resolve(io.cwd, opts.out);
  mkdirSync(dir, { recursive: true });
  predictions.forEach((p, i) => {
    const name = outputs[i]!.name;
    writeFileAtomic(join(dir, `${name}.npy`), npyBytes({ dtype: 'float32', shape: p.shape, data: p.values }));
    io.stdout.write(`${join(opts.out, `${name}.npy`)}  float32  ${shapeText(p.shape)}\n`);
  });
  return EXIT.ok;
}
