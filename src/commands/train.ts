/**
 * `nnspec train SPEC --data DIR --out RUN`: checks the data against the spec, trains with
 * nnspec's own loop on the selected engine, and keeps RUN loadable at every moment (see
 * src/train/checkpoint.ts). Exit 0 done, 1 bad spec/data or diverged, 2 usage, 130 interrupted.
 */
import { join } from 'node:path';
import type { Device } from '../backends/onnx/runtime.js';
import type { EngineRuntime, TrainEngine } from '../train/engine.js';
import { specHash } from '../train/hashes.js';
import { trainLoop, type Outcome, type Split } from '../train/loop.js';
import { makeProgress, type Progress } from '../train/progress.js';
import { RUN_FILE, writeRunInfo, type RunInfo } from '../train/run-info.js';
import { saver } from '../train/saver.js';
import type { SettingFlags } from '../train/settings.js';
import { watchInterrupt } from '../train/signals.js';
import type { RunState, Settings } from '../train/state.js';
import { startEngine, type EngineChoice, type EngineProbe } from './engine.js';
import { EXIT, reportProblem, UsageError, type Io } from './io.js';
import { loadObjective, type SpecWithObjective } from './objective-spec.js';
import { parseColumnMap } from '../data/table.js';
import { loadTrainingData, splitData } from './train-data.js';
import { beginRun, buildTrainEngine, openTrainRun, runOptimizer, settle, type TrainRun } from './train-run.js';

/** The run's settings flags (src/train/settings.ts) plus where and how to run. */
export interface TrainOptions extends SettingFlags {
  out: string;
  resume?: boolean;
  backend?: EngineChoice;
  threads?: number;
  device?: Device;
  quiet?: boolean;
  json?: boolean;
  /** `--columns NAME=COL,...` for table data. */
  columns?: string[];
}

export async function trainCommand(file: string, opts: TrainOptions, io: Io): Promise<number> {
  const wallStart = performance.now();
  const spec = loadObjective(file, io);
  if (!spec) return EXIT.invalid;
  if (opts.validationSplit && opts.validationData) throw new UsageError('give --validation-split or --validation-data, not both', 'NN006');
  const run = openTrainRun(opts.out, opts.resume, io);
  if (!run) return EXIT.invalid;
  const columns = parseColumnMap(opts.columns ?? []);
  if (typeof columns === 'string') throw new UsageError(columns, 'NN003');
  const sets = await loadTrainingData(spec, { ...opts, columns }, specHash(spec.bytes), io);
  if (!sets) return EXIT.invalid;
  const settings = settle(run, spec, sets.hashes, opts, io);
  if (!settings) return EXIT.invalid;
  const splits = splitData(spec, sets, settings, io);
  if (!splits) return EXIT.invalid;

  const progress = makeProgress(opts.json ? 'json' : opts.quiet || !io.stderr.isTTY ? 'plain' : 'bar', io.stdout, io.stderr);
  const runtime = await startEngine(opts.backend ?? 'auto', io, opts, probe(spec, run, settings, splits.train, opts.learningRate));
  if (!runtime) return EXIT.invalid;
  const built = await buildTrainEngine(runtime, run, spec, settings, opts.learningRate, io);
  if (!built) return EXIT.invalid;
  const { engine, optimizer } = built;
  const frozen = !spec.graph.layers.some((l) => (l.weights ?? []).some((w) => w.trainable));
  if (frozen) reportProblem(io, 'NN912', file, 'the model has no trainable weights: training runs, as in Keras, but no weight changes except moving statistics', { severity: 'warning' });

  const state: RunState = run.resumed
    ? { ...run.resumed.state, settings }
    : { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, settings, optimizer, hashes: sets.hashes };
  const info = runInfo(file, opts, runtime, splits);
  const wall = () => (performance.now() - wallStart) / 1000;
  const save = saver(engine, run.path, () => ({ ...info, wall_seconds: wall() }));
  await beginRun(run, spec, state, save);
  announce(progress, runtime, run, state);

  const interrupt = watchInterrupt(() => progress.note('interrupted: finishing the batch and saving (Ctrl-C again stops at once)'));
  let outcome: Outcome;
  try {
    outcome = await trainLoop({ engine, outputs: spec.outputs, ...splits, state, progress, interrupt, save });
  } finally {
    interrupt.dispose();
  }
  return report(outcome, { ...info, wall_seconds: wall() }, run, state, engine, progress, io);
}

/** The model and its first batch, for the engine choice (`auto` checks that onnx can run them). */
function probe(spec: SpecWithObjective, run: TrainRun, settings: Settings, train: Split, learningRate: number | undefined): EngineProbe {
  const optimizer = runOptimizer(run, spec, learningRate);
  const batch = train.batches.batch(train.indices.subarray(0, Math.min(settings.batchSize, train.indices.length)));
  return { plan: { graph: spec.graph, outputs: spec.outputs, seed: settings.seed, optimizer }, batch };
}

function runInfo(file: string, opts: TrainOptions, runtime: EngineRuntime, splits: { train: Split; validation?: Split }): RunInfo {
  return {
    status: 'running',
    spec: file,
    data: opts.data,
    ...(opts.validationData ? { validation_data: opts.validationData } : {}),
    backend: runtime.name,
    backend_detail: runtime.detail,
    ...runtime.versions,
    ...(runtime.threads ? { threads: runtime.threads } : {}),
    samples: { train: splits.train.indices.length, validation: splits.validation?.indices.length ?? 0 },
    started_at: new Date().toISOString(),
    wall_seconds: 0,
  };
}

function announce(progress: Progress, runtime: EngineRuntime, run: TrainRun, state: RunState): void {
  progress.note(
    `backend: ${runtime.detail}${runtime.skipped.length ? ` (${runtime.skipped.map(shortReason).join('; ')})` : ''}`,
    { backend: runtime.name, detail: runtime.detail },
  );
  if (run.resumed) progress.note(`resuming ${run.out} at epoch ${state.epoch + 1}${state.batch > 0 ? `, batch ${state.batch + 1}` : ''}`, { resumed_at: { epoch: state.epoch + 1, batch: state.batch + 1 } });
}

/** The last step: run.json's final status, the closing line, the exit status. */
function report(outcome: Outcome, info: RunInfo, run: TrainRun, state: RunState, engine: TrainEngine, progress: Progress, io: Io): number {
  const final: RunInfo = { ...info, status: outcome.status };
  engine.dispose();
  if (outcome.status === 'diverged') {
    final.message = `${outcome.what} at epoch ${outcome.epoch + 1}, batch ${outcome.batch + 1} of ${outcome.batches}; the update was not applied`;
    writeRunInfo(run.path, final, state);
    reportProblem(io, 'NN905', run.out, `training stopped: ${final.message}; the run keeps the last good checkpoint (${state.epoch} epoch${state.epoch === 1 ? '' : 's'} completed${state.batch ? `, ${state.batch} batches into the next` : ''})`, {
      hint: 'lower the learning rate, check the data for extreme values, or add clipnorm to the optimizer',
    });
    return EXIT.invalid;
  }
  writeRunInfo(run.path, final, state);
  progress.note(
    outcome.status === 'interrupted'
      ? `interrupted: saved ${run.out} after ${state.batch > 0 ? `batch ${state.batch} of epoch ${state.epoch + 1}` : `epoch ${state.epoch}`}; continue with --resume`
      : `trained ${state.epoch} epoch${state.epoch === 1 ? '' : 's'}; saved ${join(run.out, 'model.json')}`,
    { status: outcome.status, run: run.out, run_json: join(run.out, RUN_FILE) },
  );
  return outcome.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
}

function shortReason(reason: string): string {
  return /tfjs-node/.test(reason) ? 'tfjs-node not installed' : reason;
}
