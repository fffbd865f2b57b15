/**
 * train's run-directory steps: open --out (new, or --resume from its checkpoint), settle the
 * settings, build the engine's model (restored from the checkpoint when resuming), and write the
 * run's first files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../train/atomic.js';
import { readPointer } from '../train/checkpoint.js';
import type { EngineRuntime, TrainEngine } from '../train/engine.js';
import { optimizerConfig, type OptimizerConfig } from '../train/optimizer-config.js';
import { readModelWeights, readOptimizerFiles } from '../train/run-files.js';
import { SPEC_FILE } from '../train/run-info.js';
import { newSettings, resumeConflict, resumedSettings, type SettingFlags } from '../train/settings.js';
import { readState, type RunState, type Settings } from '../train/state.js';
import { reporterOf, reportProblem, UsageError, type Io } from './io.js';
import { specDiagnostic } from './spec-file.js';
import type { SpecWithObjective } from './objective-spec.js';
import type { Adapted } from '../train/adapt.js';
import type { Split } from '../train/loop.js';
import { adaptNewRun } from './train-adapt.js';

export interface TrainRun {
  /** --out as given (for messages) and resolved. */
  out: string;
  path: string;
  /** The checkpoint to continue from (--resume). */
  resumed?: { state: RunState; dir: string };
}

/** --out, checked; undefined after printing why there is nothing to resume (exit 1). */
export function openTrainRun(out: string, resume: boolean | undefined, io: Io): TrainRun | undefined {
  const path = resolve(io.cwd, out);
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`--out ${out} is a file; give a directory for the run`, 'NN007');
  if (resume) {
    const pointer = readPointer(path);
    if (!pointer) {
      reportProblem(io, 'NN901', out, `holds no checkpoint to resume from (no readable ${join(out, 'checkpoint.json')})`, { hint: 'train into a new --out, or drop --resume' });
      return undefined;
    }
    const dir = join(path, pointer.dir);
    let state: RunState;
    try {
      state = readState(dir);
    } catch (e) {
      reportProblem(io, 'NN909', join(out, pointer.dir), `the checkpoint's state cannot be read (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
    return { out, path, resumed: { dir, state } };
  }
  if (existsSync(path) && readdirSync(path).length > 0) {
    throw new UsageError(`${out} is not empty; pass --resume to continue the run in it, or choose another --out`, 'NN005');
  }
  return { out, path };
}

/** The run's settings: the spec's and the flags', or the resumed run's; undefined after printing why it cannot resume. */
export function settle(run: TrainRun, spec: SpecWithObjective, hashes: RunState['hashes'], flags: SettingFlags, io: Io): Settings | undefined {
  if (!run.resumed) return newSettings(spec.graph.training ?? {}, flags);
  const refused = resumeConflict(run.resumed.state, hashes, flags);
  if (refused) {
    reportProblem(io, 'NN902', run.out, `cannot resume the run: ${refused}`);
    return undefined;
  }
  return resumedSettings(run.resumed.state.settings, flags);
}

/** The run's optimizer: the resumed run's, or the spec's with --learning-rate applied. */
export function runOptimizer(run: TrainRun, spec: SpecWithObjective, learningRate: number | undefined): OptimizerConfig {
  return run.resumed ? (run.resumed.state.optimizer as OptimizerConfig) : optimizerConfig(spec.graph.training?.optimizer, learningRate);
}

/** The model to train on the engine: fresh from the seed, or with the checkpoint's weights and optimizer slots. */
export async function buildTrainEngine(runtime: EngineRuntime, run: TrainRun, spec: SpecWithObjective, settings: Settings, learningRate: number | undefined, io: Io, train?: Split): Promise<{ engine: TrainEngine; optimizer: OptimizerConfig; adapted?: Adapted[] } | undefined> {
  const optimizer = runOptimizer(run, spec, learningRate);
  const engine = runtime.create({ graph: spec.graph, outputs: spec.outputs, seed: settings.seed, optimizer });
  if (!run.resumed && !(await startFromRuns(engine, spec, io))) {
    engine.dispose();
    return undefined;
  }
  // A new run adapts Normalization statistics from `train` (train-adapt.ts); a resumed one has them in its checkpoint.
  const adapted = !run.resumed && train ? await adaptNewRun(engine, spec, train, settings.batchSize, io) : [];
  if (!adapted) {
    engine.dispose();
    return undefined;
  }
  if (run.resumed) {
    try {
      await engine.writeWeights(readModelWeights(run.resumed.dir));
      await engine.writeSlots(readOptimizerFiles(run.resumed.dir));
    } catch (e) {
      // The checkpoint's files are damaged (its state.json was readable, and the spec's hash matched).
      engine.dispose();
      reportProblem(io, 'NN909', join(run.out, relative(run.path, run.resumed.dir)), `the checkpoint's weights or optimizer state cannot be read (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
  }
  return { engine, optimizer, ...(adapted.length ? { adapted } : {}) };
}

/**
 * The spec files a run's spec.yaml takes blocks from (`from:`), copied beside it at the same
 * relative path, so that evaluate and predict compile the run's spec as it was trained. A path
 * leading out of the spec's directory (`../x.yaml`) is left to the file system as it is.
 */
function copyFromFiles(spec: SpecWithObjective, runPath: string): void {
  const files = new Set((spec.graph.instances ?? []).flatMap((i) => (i.from !== undefined && i.parent === undefined ? [i.from] : [])));
  for (const rel of files) {
    if (isAbsolute(rel) || normalize(rel).startsWith('..')) continue;
    const target = join(runPath, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, readFileSync(resolve(dirname(spec.path), rel)));
  }
}

/**
 * Block uses with `weights: RUN` start from that run's weights: its layer `L`'s weights become
 * the instance's layer `<instance>_L`'s. False (reported at the `weights:` value) when the run
 * cannot be read or its weights do not fit.
 */
async function startFromRuns(engine: TrainEngine, spec: SpecWithObjective, io: Io): Promise<boolean> {
  const uses = (spec.graph.instances ?? []).filter((i) => i.weights !== undefined);
  if (uses.length === 0) return true;
  const current = await engine.readWeights();
  const byName = new Map(current.map((w) => [w.name, w]));
  for (const inst of uses) {
    const at = `/layers/${inst.use.replace(/~/g, '~0').replace(/\//g, '~1')}/weights`;
    const fail = (message: string) => {
      reporterOf(io).report(specDiagnostic(spec.graph, spec.file, 'NN317', `'${inst.use}' takes its weights from '${inst.weights}': ${message}`, at));
      return false;
    };
    let saved;
    try {
      saved = readModelWeights(resolve(dirname(spec.path), inst.weights!));
    } catch (e) {
      return fail(`the run cannot be read (${(e as Error).message.split('\n')[0]})`);
    }
    const mine = current.filter((w) => inst.layers.some((l) => w.name.startsWith(`${l}/`)));
    const given = new Map(saved.map((w) => [`${inst.name}_${w.name}`, w]));
    for (const w of mine) {
      const v = given.get(w.name);
      if (!v) return fail(`it has no weight '${w.name.slice(inst.name.length + 1)}' for layer '${w.name.split('/')[0]}'`);
      if (v.shape.join() !== w.shape.join()) return fail(`its '${v.name}' has shape [${v.shape.join(', ')}]; '${w.name}' needs [${w.shape.join(', ')}]`);
      byName.set(w.name, { name: w.name, shape: w.shape, values: v.values });
    }
  }
  await engine.writeWeights([...byName.values()]);
  return true;
}

/** Creates the run directory; a new run gets its spec.yaml and a first checkpoint. */
export async function beginRun(run: TrainRun, spec: SpecWithObjective, state: RunState, save: (state: RunState) => Promise<void>): Promise<void> {
  mkdirSync(run.path, { recursive: true });
  // A process killed mid-write leaves its temporary file behind (never a torn real one).
  for (const f of readdirSync(run.path)) if (/^\..+\.tmp-\d+-\d+$/.test(f)) rmSync(join(run.path, f), { force: true });
  if (!run.resumed) {
    writeFileAtomic(join(run.path, SPEC_FILE), spec.bytes);
    copyFromFiles(spec, run.path);
    await save(state);
  }
}
