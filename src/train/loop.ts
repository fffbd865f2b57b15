/**
 * The training loop: nnspec's own instead of tfjs's model.fit, because loss_weights must count,
 * per-output losses and validation numbers must be right, shuffling must be seeded by nnspec, and
 * Ctrl-C must finish the batch. Each batch is one engine step at the step's learning rate (a
 * schedule's, or the one ReduceLROnPlateau set), which applies the update only when the batch's
 * losses are finite (so a NaN never reaches the weights). At each epoch's end the callbacks run
 * (src/train/callbacks/) and the checkpoint policy decides what is saved.
 */
import { Accumulator, type Logs } from './accumulate.js';
import { blockShuffle, prefetching, type Batches } from './batches.js';
import { earlyStoppingStep, freshEarlyStopping } from './callbacks/early-stopping.js';
import { checkpointDue, improvedForCheckpoint } from './callbacks/model-checkpoint.js';
import { monitorOf, type CallbackSettings, type StopReason } from './callbacks/plan.js';
import { freshReduceLr, reduceLrStep } from './callbacks/reduce-lr.js';
import type { NamedArray, TrainEngine } from './engine.js';
import { evaluateAll } from './evaluate.js';
import type { OutputPlan } from './objective.js';
import { formatNumber, type Progress } from './progress.js';
import { rngFor } from './random.js';
import type { Save } from './saver.js';
import { isSchedule, learningRateAt, type LearningRate } from './schedules.js';
import type { Interrupt } from './signals.js';
import type { RunState } from './state.js';

export interface Split {
  batches: Batches;
  indices: Int32Array;
}

export interface LoopInput {
  engine: TrainEngine;
  outputs: OutputPlan[];
  train: Split;
  validation?: Split;
  /** Where the run is; updated as it goes (saved by `save`). */
  state: RunState;
  progress: Progress;
  interrupt: Interrupt;
  /** Writes the run's logs, and a checkpoint of `state` and the current weights when asked. */
  save: Save;
  /** restore_best_weights' best weights so far, from the checkpoint of a resumed fit. */
  best?: NamedArray[];
}

export type Outcome =
  | { status: 'completed' | 'early_stopped' | 'interrupted' }
  | { status: 'diverged'; epoch: number; batch: number; batches: number; what: string };

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

const NO_CALLBACKS: CallbackSettings = { checkpoint: { every: 1 } };

export async function trainLoop(input: LoopInput): Promise<Outcome> {
  const { engine, outputs, train, validation, state, progress, interrupt, save } = input;
  const { epochs, batchSize, seed, shuffle, shuffleBlock } = state.settings;
  const n = train.indices.length;
  const batches = Math.ceil(n / batchSize);
  const lossCount = 1 + outputs.length;

  const cb = state.settings.callbacks ?? NO_CALLBACKS;
  const cs = (state.callbacks ??= { fitStart: state.epoch });
  const es = cb.early_stopping;
  const rl = cb.reduce_lr_on_plateau;
  const mc = cb.model_checkpoint;
  const esMonitor = es && monitorOf(es, outputs);
  const rlMonitor = rl && monitorOf(rl, outputs);
  const mcMonitor = mc && monitorOf({ ...mc, min_delta: 0 }, outputs);
  if (es) cs.earlyStopping ??= freshEarlyStopping();
  if (rl) cs.reduceLr ??= freshReduceLr();
  if (mc) cs.modelCheckpoint ??= { best: mc.initial_value_threshold, bestEpoch: null };
  const saveBestOnly = mc?.save_best_only === true;
  const saveFreq = typeof mc?.save_freq === 'number' ? mc.save_freq : undefined;
  let best = es?.restore_best_weights ? input.best : undefined;

  const configured = (state.optimizer as { learning_rate?: LearningRate }).learning_rate ?? 0.001;
  const learningRate = () => state.learningRate ?? learningRateAt(configured, state.iterations!);
  const logsLearningRate = isSchedule(configured) || rl !== undefined || state.learningRate !== undefined;
  state.iterations ??= state.epoch * batches + state.batch;

  // The loop's wall time (steps, validation, callbacks, saving) goes into state.loopSeconds as it passes.
  let mark = performance.now();
  const tick = () => {
    const now = performance.now();
    state.loopSeconds = (state.loopSeconds ?? 0) + (now - mark) / 1000;
    mark = now;
  };

  for (let epoch = state.epoch; epoch < epochs; epoch++) {
    const epochStarted = performance.now();
    const order = Int32Array.from(train.indices);
    if (shuffle && shuffleBlock !== undefined && shuffleBlock < order.length) blockShuffle(order, shuffleBlock, rngFor(seed, 'shuffle', epoch));
    else if (shuffle) rngFor(seed, 'shuffle', epoch).shuffle(order);
    const acc = new Accumulator(outputs, state.batch > 0 ? state.partial : undefined);
    progress.epochStart(epoch, epochs, batches);
    let stepSeconds = 0;
    let epochSamples = 0;
    // The next batch's rows are read while this one trains.
    const feed = prefetching(train.batches, order, batchSize, state.batch);

    for (let b = state.batch; b < batches; b++) {
      const started = performance.now();
      const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      // Dropout and noise draw from this stream, so any batch repeats.
      const values = await engine.step(await feed.next(), rngFor(seed, 'step', epoch, b), learningRate());
      const bad = firstNonFinite(values, lossCount);
      if (bad !== undefined) {
        tick();
        const what = bad === 0 ? 'the loss' : `output '${outputs[bad - 1]!.name}''s loss`;
        return { status: 'diverged', epoch, batch: b, batches, what: `${what} is ${values[bad]}` };
      }
      state.iterations! += 1;
      acc.add(values, idx.length);
      const seconds = (performance.now() - started) / 1000;
      stepSeconds += seconds;
      epochSamples += idx.length;
      state.trainSeconds += seconds;
      state.samplesSeen += idx.length;
      progress.batch(b + 1, acc.logs(), epochSamples / Math.max(stepSeconds, 1e-9));
      await yieldToEvents();
      if (interrupt.requested && b + 1 < batches) {
        Object.assign(state, { epoch, batch: b + 1, partial: acc.toJSON() });
        tick();
        await save(state, { checkpoint: true, model: !saveBestOnly, final: true, ...(best ? { best } : {}) });
        tick();
        return { status: 'interrupted' };
      }
      // ModelCheckpoint's save_freq: N — a checkpoint every N batches, counted across epochs as Keras does.
      if (saveFreq !== undefined && (cs.batchesSinceSave = (cs.batchesSinceSave ?? 0) + 1) >= saveFreq && b + 1 < batches) {
        cs.batchesSinceSave = 0;
        Object.assign(state, { epoch, batch: b + 1, partial: acc.toJSON() });
        tick();
        await save(state, { checkpoint: true, model: false, final: false, ...(best ? { best } : {}) });
      }
    }

    let logs: Logs = acc.logs();
    if (validation) logs = { ...logs, ...(await evaluateAll(engine, outputs, validation.batches, validation.indices, batchSize)).logs('val_') };
    // As Keras's callbacks log it: the optimizer's learning rate at the epoch's end (a float32 variable).
    if (logsLearningRate) logs.learning_rate = Math.fround(learningRate());
    state.history.push(logs);
    const notes: string[] = [];
    const fitEpoch = epoch - cs.fitStart;

    if (rl) {
      const before = Math.fround(learningRate());
      const after = reduceLrStep(rl, rlMonitor!, cs.reduceLr!, logs, before);
      if (after !== undefined) {
        state.learningRate = after;
        notes.push(`reduce_lr_on_plateau: ${rl.monitor} has not improved for ${rl.patience} epoch${rl.patience === 1 ? '' : 's'}; learning rate ${formatNumber(before)} -> ${formatNumber(after)}`);
      }
    }
    let stop: StopReason | undefined;
    if (es) {
      const s = cs.earlyStopping!;
      const step = earlyStoppingStep(es, esMonitor!, s, logs, epoch, fitEpoch);
      if (step === 'improved' && es.restore_best_weights) best = await engine.readWeights();
      if (step === 'stop') stop = stopReason(es, s, epoch, es.baseline !== null && s.best !== null && !esMonitor!.improves(s.best, es.baseline));
    }
    const improved = saveBestOnly && improvedForCheckpoint(mcMonitor!, cs.modelCheckpoint!, logs, epoch);

    Object.assign(state, { epoch: epoch + 1, batch: 0, partial: undefined });
    const interrupted = interrupt.requested && epoch + 1 < epochs;
    const fitEnds = stop !== undefined || epoch + 1 >= epochs;
    if (fitEnds) {
      // Keras's on_train_end: restore_best_weights puts the best epoch's weights back, stopped early or not.
      const s = cs.earlyStopping;
      if (best && s?.bestEpoch !== null && s?.bestEpoch !== undefined && s.bestEpoch !== epoch) {
        await engine.writeWeights(best);
        cs.kept = { epoch: s.bestEpoch + 1, reason: `restore_best_weights: the best ${es!.monitor} (${formatNumber(s.best!)})` };
        notes.push(`restored the weights of epoch ${s.bestEpoch + 1}, the best ${es!.monitor} (${formatNumber(s.best!)}); the run's model is that epoch's`);
      }
      cs.stopped = stop;
    }
    const ending = fitEnds || interrupted;
    const due = checkpointDue(cb.checkpoint, epoch, improved);
    const model = saveBestOnly ? improved : due || ending;
    if (model && saveBestOnly) cs.kept = { epoch: epoch + 1, reason: `save_best_only: the best ${mc!.monitor} (${formatNumber(cs.modelCheckpoint!.best!)})` };
    else if (model && !(fitEnds && cs.kept?.reason.startsWith('restore_best_weights'))) delete cs.kept;
    if (saveBestOnly && fitEnds && cs.kept) notes.push(`kept the weights of epoch ${cs.kept.epoch} (save_best_only): the best ${mc!.monitor} (${formatNumber(cs.modelCheckpoint!.best!)})`);
    if (saveFreq !== undefined && (due || model || ending)) cs.batchesSinceSave = 0;
    tick();
    // A fit that ends forgets its best weights (Keras's next fit starts without them).
    const keepBest = best && !fitEnds ? { best } : {};
    await save(state, { checkpoint: due || model || ending, model, final: ending, ...keepBest });
    tick();
    const epochSeconds = (performance.now() - epochStarted) / 1000;
    progress.epochEnd(epoch, epochs, logs, epochSeconds, epochSamples / Math.max(epochSeconds, 1e-9));
    for (const note of notes) progress.note(note);
    if (stop) {
      progress.note(stop.message, { stopped: stop });
      return { status: 'early_stopped' };
    }
    if (interrupted) return { status: 'interrupted' };
  }
  return { status: 'completed' };
}

function stopReason(es: NonNullable<CallbackSettings['early_stopping']>, s: { wait: number; best: number | null; bestEpoch: number | null }, epoch: number, belowBaseline: boolean): StopReason {
  const bestText = s.best === null ? '' : `best ${formatNumber(s.best)} at epoch ${s.bestEpoch! + 1}; `;
  const why = belowBaseline
    ? `${es.monitor} has not beaten the baseline ${es.baseline} in ${s.wait} epoch${s.wait === 1 ? '' : 's'}`
    : `${es.monitor} has not improved for ${s.wait} epoch${s.wait === 1 ? '' : 's'}`;
  return {
    epoch: epoch + 1,
    monitor: es.monitor,
    patience: es.patience,
    best: s.best,
    best_epoch: s.bestEpoch === null ? null : s.bestEpoch + 1,
    message: `early stopping: ${why} (${bestText}patience ${es.patience}); stopped after epoch ${epoch + 1}`,
  };
}

function firstNonFinite(values: ArrayLike<number>, count: number): number | undefined {
  for (let i = 0; i < count; i++) if (!Number.isFinite(values[i]!)) return i;
  return undefined;
}
