/**
 * `nnspec train SPEC --data DIR --out RUN`: checks the data against the spec (and the callbacks'
 * monitors against what the run will log), trains with nnspec's own loop on the selected engine,
 * and keeps RUN loadable at every moment (see src/train/checkpoint.ts). Exit 0 done (or stopped
 * early), 1 bad spec/data or diverged, 2 usage, 130 interrupted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Device } from '../backends/onnx/runtime.js';
import type { EngineRuntime, TrainEngine } from '../train/engine.js';
import { specHash } from '../train/hashes.js';
import { parseCheckpointPolicy, type CheckpointPolicy } from '../train/callbacks/model-checkpoint.js';
import { monitorProblems, type CallbackState } from '../train/callbacks/plan.js';
import type { NamedArray } from '../train/engine.js';
import { trainLoop, type Outcome, type Split } from '../train/loop.js';
import { formatNumber, makeProgress, type Progress } from '../train/progress.js';
import { readModelWeights } from '../train/run-files.js';
import { rates, RUN_FILE, writeRunInfo, type RunInfo } from '../train/run-info.js';
import { BEST_DIR, saver } from '../train/saver.js';
import { resumedSettings, type SettingFlags } from '../train/settings.js';
import { watchInterrupt } from '../train/signals.js';
import type { RunState, Settings } from '../train/state.js';
import { startEngine, type EngineChoice, type EngineProbe } from './engine.js';
import { EXIT, reporterOf, reportProblem, UsageError, type Io } from './io.js';
import { loadObjective, type SpecWithObjective } from './objective-spec.js';
import { parseColumnMap } from '../data/table.js';
import { refuseStateful } from './stateful.js';
import { loadTrainingData, splitData } from './train-data.js';
import { beginRun, buildTrainEngine, openTrainRun, runOptimizer, settle, type TrainRun } from './train-run.js';
import { specDiagnostic } from './spec-file.js';

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
  // The whole command's time: from process start when nnspec runs as its own process.
  const commandStart = performance.now();
  const wallStart = io.stdout === process.stdout ? 0 : commandStart;
  const spec = loadObjective(file, io);
  if (!spec) return EXIT.invalid;
  if (refuseStateful(spec.graph, file, io, 'train')) return EXIT.invalid;
  if (opts.validationSplit && opts.validationData) throw new UsageError('give --validation-split or --validation-data, not both', 'NN006');
  const run = openTrainRun(opts.out, opts.resume, io);
  if (!run) return EXIT.invalid;
  const columns = parseColumnMap(opts.columns ?? []);
  if (typeof columns === 'string') throw new UsageError(columns, 'NN003');
  const sets = await loadTrainingData(spec, { ...opts, columns }, specHash(spec.bytes), io);
  if (!sets) return EXIT.invalid;
  const settled = settle(run, spec, sets.hashes, opts, io);
  if (!settled) return EXIT.invalid;
  // A resumed run's callbacks: the (unchanged) spec's again, with this command's --early-stopping and --checkpoint.
  const settings = run.resumed ? resumedSettings(run.resumed.state.settings, opts, spec.graph.training ?? {}) : settled;
  const splits = splitData(spec, sets, settings, io);
  if (!splits) return EXIT.invalid;
  // A monitor the run can never log stops the run before any training (Keras would only warn each epoch).
  const problems = monitorProblems(settings.callbacks ?? { checkpoint: { every: 1 } }, spec.graph.training?.callbacks, spec.outputs, splits.validation !== undefined);
  for (const p of problems) reporterOf(io).report(specDiagnostic(spec.graph, spec.file, 'NN920', p.message, p.pointer, p.hint));
  if (problems.length > 0) return EXIT.invalid;
  const dataDone = performance.now();

  const progress = makeProgress(opts.json ? 'json' : opts.quiet || !io.stderr.isTTY ? 'plain' : 'bar', io.stdout, io.stderr);
  const runtime = await startEngine(opts.backend ?? 'auto', io, opts, probe(spec, run, settings, splits.train, opts.learningRate));
  if (!runtime) return EXIT.invalid;
  // The training split: a new run adapts Normalization statistics from it (train-adapt.ts).
  const built = await buildTrainEngine(runtime, run, spec, settings, opts.learningRate, io, splits.train);
  if (!built) return EXIT.invalid;
  const { engine, optimizer } = built;
  const engineDone = performance.now();
  const frozen = !spec.graph.layers.some((l) => (l.weights ?? []).some((w) => w.trainable));
  if (frozen) reportProblem(io, 'NN912', file, 'the model has no trainable weights: training runs, as in Keras, but no weight changes except moving statistics', { severity: 'warning' });

  const state: RunState = run.resumed
    ? resumedState(run.resumed.state, settings, opts.learningRate)
    : { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, loopSeconds: 0, commandSeconds: 0, settings, optimizer, hashes: sets.hashes };
  const best = run.resumed && state.callbacks?.earlyStopping ? readBest(run.resumed.dir) : undefined;
  const info: RunInfo = { ...runInfo(file, opts, runtime, splits), ...(built.adapted ? { adapted: built.adapted } : {}) };
  const wall = () => (performance.now() - wallStart) / 1000;
  const save = saver(engine, run.path, () => ({ ...info, wall_seconds: wall() }));
  await beginRun(run, spec, state, save);
  // Where the time before the loop went (run.json's timing.phases, and the closing line).
  info.phases = { startup: (commandStart - wallStart) / 1000, spec_and_data: (dataDone - commandStart) / 1000, engine: (engineDone - dataDone) / 1000, first_save: (performance.now() - engineDone) / 1000 };
  announce(progress, runtime, run, state);

  const interrupt = watchInterrupt(() => progress.note('interrupted: finishing the batch and saving (Ctrl-C again stops at once)'));
  let outcome: Outcome;
  try {
    outcome = await trainLoop({ engine, outputs: spec.outputs, ...splits, state, progress, interrupt, save, ...(best ? { best } : {}) });
  } finally {
    interrupt.dispose();
  }
  return report(outcome, { ...info, wall_seconds: wall() }, run, state, engine, progress, io);
}

/** `--checkpoint every:N|best|end`, or a usage error (exit 2). */
export function checkpointPolicy(text: string): CheckpointPolicy {
  const p = parseCheckpointPolicy(text);
  if (typeof p === 'string') throw new UsageError(p, 'NN003');
  return p;
}

/**
 * The state a resumed run continues from. An interrupted fit goes on as Keras's BackupAndRestore
 * would have it: the callbacks' counters, best values and learning rate as they were. A run whose
 * fit ended (stopped early, or all its epochs done) starts a new fit, as a new model.fit does:
 * early stopping and ReduceLROnPlateau start afresh, the learning rate stays where it was.
 */
function resumedState(saved: RunState, settings: Settings, learningRate: number | undefined): RunState {
  const state: RunState = { ...saved, settings, loopSeconds: saved.loopSeconds ?? saved.trainSeconds, commandSeconds: (saved.commandSeconds ?? 0) };
  const fitEnded = saved.batch === 0 && (saved.callbacks?.stopped !== undefined || saved.epoch >= saved.settings.epochs);
  if (fitEnded) {
    const fresh: CallbackState = { fitStart: saved.epoch };
    if (saved.callbacks?.modelCheckpoint) fresh.modelCheckpoint = saved.callbacks.modelCheckpoint;
    if (saved.callbacks?.kept) fresh.kept = saved.callbacks.kept;
    state.callbacks = fresh;
  }
  if (learningRate !== undefined) state.learningRate = learningRate;
  return state;
}

/** restore_best_weights' best weights saved in the checkpoint of an interrupted fit. */
function readBest(dir: string): NamedArray[] | undefined {
  return existsSync(join(dir, BEST_DIR)) ? readModelWeights(join(dir, BEST_DIR)) : undefined;
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
  if (run.resumed) {
    const fresh = state.callbacks !== undefined && state.callbacks.fitStart === state.epoch && state.batch === 0 && (state.settings.callbacks?.early_stopping || state.settings.callbacks?.reduce_lr_on_plateau);
    progress.note(`resuming ${run.out} at epoch ${state.epoch + 1}${state.batch > 0 ? `, batch ${state.batch + 1}` : ''}${fresh ? ' (a new fit: early stopping and reduce_lr_on_plateau start afresh)' : ''}${state.learningRate !== undefined ? `; learning rate ${formatNumber(state.learningRate)}` : ''}`, { resumed_at: { epoch: state.epoch + 1, batch: state.batch + 1 } });
  }
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
  const kept = state.callbacks?.kept;
  const r = rates(state, info.wall_seconds);
  const commandSeconds = (state.commandSeconds ?? 0) + info.wall_seconds;
  const rate = (x: number | null) => (x === null ? '-' : `${Math.round(x).toLocaleString('en-US')} samples/s`);
  const before = info.phases ? `; before the loop: start-up ${seconds(info.phases.startup)}, spec and data ${seconds(info.phases.spec_and_data)}, engine ${seconds(info.phases.engine)}` : '';
  const timing = `${seconds(state.loopSeconds ?? 0)} in the training loop (${rate(r.loop)}), ${seconds(commandSeconds)} for the whole command${state.commandSeconds ? 's of the run' : ''} (${rate(r.command)}${before})`;
  progress.note(
    outcome.status === 'interrupted'
      ? `interrupted: saved ${run.out} after ${state.batch > 0 ? `batch ${state.batch} of epoch ${state.epoch + 1}` : `epoch ${state.epoch}`}; continue with --resume`
      : `trained ${state.epoch} epoch${state.epoch === 1 ? '' : 's'}: ${timing}; saved ${join(run.out, 'model.json')} (${kept ? `epoch ${kept.epoch}'s weights, ${kept.reason.replace(/^[a-z_]+: /, '')}` : `epoch ${state.epoch}'s weights, the last`})`,
    { status: outcome.status, run: run.out, run_json: join(run.out, RUN_FILE), ...(kept ? { kept } : {}), wall_seconds: commandSeconds, samples_per_second: r.loop },
  );
  return outcome.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
}

function seconds(s: number): string {
  return `${s.toFixed(s < 10 ? 2 : 1)}s`;
}

function shortReason(reason: string): string {
  return /tfjs-node/.test(reason) ? 'tfjs-node not installed' : reason;
}
