/**
 * `nnspec train SPEC --data DIR --out RUN`: checks the data against the spec, trains with
 * nnspec's own loop on the selected backend, and keeps RUN loadable at every moment (see
 * src/train/checkpoint.ts). Exit 0 done, 1 bad spec/data or diverged, 2 usage, 130 interrupted.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackendError, selectBackend, type BackendChoice } from '../backends/tfjs/backend.js';
import { optimizerConfig } from '../backends/tfjs/optimizers.js';
import { loadOptimizer, loadWeightsInto } from '../backends/tfjs/save.js';
import { dataHash } from '../data/dataset.js';
import { writeFileAtomic } from '../train/atomic.js';
import { makeBatches, range } from '../train/batches.js';
import { readPointer } from '../train/checkpoint.js';
import { specHash } from '../train/hashes.js';
import { trainLoop, type Split } from '../train/loop.js';
import { saver } from '../train/saver.js';
import { resolveObjective } from '../train/objective.js';
import { makeProgress } from '../train/progress.js';
import { RUN_FILE, SPEC_FILE, writeRunInfo, type RunInfo } from '../train/run-info.js';
import { buildSession } from '../train/session.js';
import { watchInterrupt } from '../train/signals.js';
import { newSettings, resumeConflict, resumedSettings, type SettingFlags } from '../train/settings.js';
import { readState, type RunState, type Settings } from '../train/state.js';
import { loadData } from './data-arg.js';
import { EXIT, UsageError, type Io } from './io.js';
import { loadSpec } from './spec-file.js';

/** The run's settings flags (src/train/settings.ts) plus where and how to run. */
export interface TrainOptions extends SettingFlags {
  out: string;
  resume?: boolean;
  backend?: BackendChoice;
  quiet?: boolean;
  json?: boolean;
}

export async function trainCommand(file: string, opts: TrainOptions, io: Io): Promise<number> {
  const wallStart = performance.now();
  const spec = loadSpec(file, io);
  if (!spec) return EXIT.invalid;
  const { graph } = spec;
  const objective = resolveObjective(graph);
  if ('error' in objective) {
    io.stderr.write(`nnspec: ${file}: ${objective.error}\n`);
    return EXIT.invalid;
  }
  const { outputs } = objective;
  const t = graph.training ?? {};
  if (opts.validationSplit && opts.validationData) throw new UsageError('give --validation-split or --validation-data, not both');

  const run = resolve(io.cwd, opts.out);
  if (existsSync(run) && !statSync(run).isDirectory()) throw new UsageError(`--out ${opts.out} is a file; give a directory for the run`);
  let resumed: { state: RunState; dir: string } | undefined;
  if (opts.resume) {
    const pointer = readPointer(run);
    if (!pointer) {
      io.stderr.write(`nnspec: ${opts.out} holds no checkpoint to resume from (no readable ${join(opts.out, 'checkpoint.json')})\n`);
      return EXIT.invalid;
    }
    resumed = { dir: join(run, pointer.dir), state: readState(join(run, pointer.dir)) };
  } else if (existsSync(run) && readdirSync(run).length > 0) {
    throw new UsageError(`${opts.out} is not empty; pass --resume to continue the run in it, or choose another --out`);
  }

  const data = loadData(graph, outputs, opts.data, io);
  if (!data) return EXIT.invalid;
  const validationData = opts.validationData ? loadData(graph, outputs, opts.validationData, io) : undefined;
  if (opts.validationData && !validationData) return EXIT.invalid;

  const hashes = {
    spec: specHash(spec.bytes),
    data: dataHash(data.set.entries),
    ...(validationData ? { validation: dataHash(validationData.set.entries) } : {}),
  };
  let settings: Settings;
  if (resumed) {
    const refused = resumeConflict(resumed.state, hashes, opts);
    if (refused) {
      io.stderr.write(`nnspec: cannot resume the run in ${opts.out}: ${refused}\n`);
      return EXIT.invalid;
    }
    settings = resumedSettings(resumed.state.settings, opts);
  } else settings = newSettings(t, opts);

  const samples = data.checked.samples;
  const splitAt = Math.floor(samples * (1 - settings.validationSplit));
  if (splitAt < 1 || (settings.validationSplit > 0 && splitAt >= samples)) {
    io.stderr.write(`nnspec: --validation-split ${settings.validationSplit} of ${samples} samples leaves ${splitAt} for training and ${samples - splitAt} for validation; both need at least one\n`);
    return EXIT.invalid;
  }
  const trainBatches = makeBatches(graph, outputs, data.set, data.checked.fits);
  const train: Split = { batches: trainBatches, indices: range(0, splitAt) };
  let validation: Split | undefined;
  if (validationData) validation = { batches: makeBatches(graph, outputs, validationData.set, validationData.checked.fits), indices: range(0, validationData.checked.samples) };
  else if (splitAt < samples) validation = { batches: trainBatches, indices: range(splitAt, samples) };

  const progress = makeProgress(opts.json ? 'json' : opts.quiet || !io.stderr.isTTY ? 'plain' : 'bar', io.stdout, io.stderr);
  let backend;
  try {
    backend = await selectBackend(opts.backend ?? 'auto');
  } catch (e) {
    if (e instanceof BackendError) {
      io.stderr.write(`nnspec: ${e.message}\n`);
      return EXIT.invalid;
    }
    throw e;
  }
  const { tf } = backend;
  const optimizer = resumed ? (resumed.state.optimizer as ReturnType<typeof optimizerConfig>) : optimizerConfig(t.optimizer, opts.learningRate);
  const session = buildSession(tf, graph, outputs, optimizer, settings.seed);
  const { model, optimizing } = session;
  if (resumed) {
    loadWeightsInto(tf, model, resumed.dir);
    loadOptimizer(tf, optimizing, resumed.dir, model);
  }

  const state: RunState = resumed
    ? { ...resumed.state, settings }
    : { version: 1, epoch: 0, batch: 0, history: [], wait: 0, trainSeconds: 0, samplesSeen: 0, settings, optimizer: optimizing.config, hashes };
  const info: RunInfo = {
    status: 'running',
    spec: file,
    data: opts.data,
    ...(opts.validationData ? { validation_data: opts.validationData } : {}),
    backend: backend.name,
    backend_detail: backend.detail,
    tfjs: tf.version.tfjs,
    samples: { train: train.indices.length, validation: validation?.indices.length ?? 0 },
    started_at: new Date().toISOString(),
    wall_seconds: 0,
  };
  const wall = () => (performance.now() - wallStart) / 1000;

  const save = saver(tf, run, model, optimizing, () => ({ ...info, wall_seconds: wall() }));

  mkdirSync(run, { recursive: true });
  // A process killed mid-write leaves its temporary file behind (never a torn real one).
  for (const f of readdirSync(run)) if (/^\..+\.tmp-\d+-\d+$/.test(f)) rmSync(join(run, f), { force: true });
  if (!resumed) {
    writeFileAtomic(join(run, SPEC_FILE), spec.bytes);
    await save(state);
  }
  progress.note(
    `backend: ${backend.detail}${backend.skipped.length ? ` (${backend.skipped.map(shortReason).join('; ')})` : ''}`,
    { backend: backend.name, detail: backend.detail },
  );
  if (resumed) progress.note(`resuming ${opts.out} at epoch ${state.epoch + 1}${state.batch > 0 ? `, batch ${state.batch + 1}` : ''}`, { resumed_at: { epoch: state.epoch + 1, batch: state.batch + 1 } });

  const interrupt = watchInterrupt(() => progress.note('interrupted: finishing the batch and saving (Ctrl-C again stops at once)'));
  let outcome;
  try {
    outcome = await trainLoop({ tf, model, objective: session.objective, optimizing, outputs, train, validation, state, progress, interrupt, save });
  } finally {
    interrupt.dispose();
  }

  const final = { ...info, status: outcome.status, wall_seconds: wall() } as RunInfo;
  if (outcome.status === 'diverged') {
    final.message = `${outcome.what} at epoch ${outcome.epoch + 1}, batch ${outcome.batch + 1} of ${outcome.batches}; the update was not applied`;
    writeRunInfo(run, final, state);
    io.stderr.write(
      `nnspec: training stopped: ${final.message}. ${opts.out} keeps the last good checkpoint (${state.epoch} epoch${state.epoch === 1 ? '' : 's'} completed${state.batch ? `, ${state.batch} batches into the next` : ''}).\n` +
        `  hint: lower the learning rate, check the data for extreme values, or add clipnorm to the optimizer\n`,
    );
    model.dispose();
    optimizing.dispose();
    return EXIT.invalid;
  }
  writeRunInfo(run, final, state);
  progress.note(
    outcome.status === 'interrupted'
      ? `interrupted: saved ${opts.out} after ${state.batch > 0 ? `batch ${state.batch} of epoch ${state.epoch + 1}` : `epoch ${state.epoch}`}; continue with --resume`
      : `trained ${state.epoch} epoch${state.epoch === 1 ? '' : 's'}; saved ${join(opts.out, 'model.json')}`,
    { status: outcome.status, run: opts.out, run_json: join(opts.out, RUN_FILE) },
  );
  model.dispose();
  optimizing.dispose();
  return outcome.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
}

function shortReason(reason: string): string {
  return /tfjs-node/.test(reason) ? 'tfjs-node not installed' : reason;
}
