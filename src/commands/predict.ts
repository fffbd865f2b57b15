/**
 * `nnspec predict RUN --data DIR --out PRED`: the trained model's outputs, one .npy per output;
 * with `--classes`, also `<output>.classes.npy` (int32 class ids) for each classifier output
 * (train/metrics/confusion.ts: argmax, or a single unit above 0.5).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shapeText } from '../data/array.js';
import { npyBytes } from '../data/npy-write.js';
import { writeFileAtomic } from '../train/atomic.js';
import { predictAll } from '../train/evaluate.js';
import { classCount, predictedClasses } from '../train/metrics/confusion.js';
import { EXIT, type Io } from './io.js';
import { openRunOnData, type RunDataOptions } from './run-dir.js';

export interface PredictOptions extends RunDataOptions {
  out: string;
  /** Also write each classifier output's class ids. */
  classes?: boolean;
}

export async function predictCommand(run: string, opts: PredictOptions, io: Io): Promise<number> {
  const opened = await openRunOnData(run, opts, io, { withTargets: false, action: 'nothing was predicted' });
  if (!opened) return EXIT.invalid;
  const { spec, batches, batchSize, engine } = opened;
  const predictions = await predictAll(engine, batches, batchSize);
  engine.dispose();
  const { outputs } = spec;
  const dir = resolve(io.cwd, opts.out);
  mkdirSync(dir, { recursive: true });
  predictions.forEach((p, i) => {
    const name = outputs[i]!.name;
    writeFileAtomic(join(dir, `${name}.npy`), npyBytes({ dtype: 'float32', shape: p.shape, data: p.values }));
    io.stdout.write(`${join(opts.out, `${name}.npy`)}  float32  ${shapeText(p.shape)}\n`);
    if (!opts.classes) return;
    const o = outputs[i]!;
    if (classCount(o) === undefined) {
      io.stderr.write(`no class ids for '${name}': its loss (${o.loss}) and shape ${shapeText(p.shape)} are not a classifier's\n`);
      return;
    }
    const ids = predictedClasses(o, p.values, p.shape[0]!);
    writeFileAtomic(join(dir, `${name}.classes.npy`), npyBytes({ dtype: 'int32', shape: [ids.length], data: ids }));
    io.stdout.write(`${join(opts.out, `${name}.classes.npy`)}  int32  ${shapeText([ids.length])}\n`);
  });
  return EXIT.ok;
}
