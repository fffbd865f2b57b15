/**
 * The training loop: nnspec's own instead of tfjs's model.fit, because loss_weights must count,
 * per-output losses and validation numbers must be right, shuffling must be seeded by nnspec, and
 * Ctrl-C must finish the batch. Each batch is one engine step, which applies the update only
 * when the batch's losses are finite (so a NaN never reaches the weights).
 */
import { Accumulator, type Logs } from './accumulate.js';
import { blockShuffle, prefetching, type Batches } from './batches.js';
import type { TrainEngine } from './engine.js';
import { evaluateAll } from './evaluate.js';
import type { OutputPlan } from './objective.js';
import type { Progress } from './progress.js';
import { rngFor } from './random.js';
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
  /** Writes a checkpoint of `state` and the current weights. */
  save(state: RunState): Promise<void>;
}

export type Outcome =
  | { status: 'completed' | 'early_stopped' | 'interrupted' }
  | { status: 'diverged'; epoch: number; batch: number; batches: number; what: string };

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

export async function trainLoop(input: LoopInput): Promise<Outcome> {
  const { engine, outputs, train, validation, state, progress, interrupt } = input;
  const { epochs, batchSize, seed, shuffle, earlyStopping, shuffleBlock } = state.settings;
  const n = train.indices.length;
  const batches = Math.ceil(n / batchSize);
  const lossCount = 1 + outputs.length;

  for (let epoch = state.epoch; epoch < epochs; epoch++) {
    const order = Int32Array.from(train.indices);
    if (shuffle && shuffleBlock !== undefined && shuffleBlock < order.length) blockShuffle(order, shuffleBlock, rngFor(seed, 'shuffle', epoch));
    else if (shuffle) rngFor(seed, 'shuffle', epoch).shuffle(order);
    const acc = new Accumulator(outputs, state.batch > 0 ? state.partial : undefined);
    progress.epochStart(epoch, epochs, batches);
    let epochSeconds = 0;
    let epochSamples = 0;
    // The next batch's rows are read while this one trains.
    const feed = prefetching(train.batches, order, batchSize, state.batch);

    for (let b = state.batch; b < batches; b++) {
      const started = performance.now();
      const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      // Dropout and noise draw from this stream, so any batch repeats.
      const values = await engine.step(await feed.next(), rngFor(seed, 'step', epoch, b));
      const bad = firstNonFinite(values, lossCount);
      if (bad !== undefined) {
        const what = bad === 0 ? 'the loss' : `output '${outputs[bad - 1]!.name}''s loss`;
        return { status: 'diverged', epoch, batch: b, batches, what: `${what} is ${values[bad]}` };
      }
      acc.add(values, idx.length);
      const seconds = (performance.now() - started) / 1000;
      epochSeconds += seconds;
      epochSamples += idx.length;
      state.trainSeconds += seconds;
      state.samplesSeen += idx.length;
      progress.batch(b + 1, acc.logs(), epochSamples / Math.max(epochSeconds, 1e-9));
      await yieldToEvents();
      if (interrupt.requested && b + 1 < batches) {
        Object.assign(state, { epoch, batch: b + 1, partial: acc.toJSON() });
        await input.save(state);
        return { status: 'interrupted' };
      }
    }

    let logs: Logs = acc.logs();
    if (validation) logs = { ...logs, ...(await evaluateAll(engine, outputs, validation.batches, validation.indices, batchSize)).logs('val_') };
    state.history.push(logs);
    const stop = earlyStopping !== undefined && shouldStop(state, logs[validation ? 'val_loss' : 'loss']!, earlyStopping);
    Object.assign(state, { epoch: epoch + 1, batch: 0, partial: undefined });
    await input.save(state);
    progress.epochEnd(epoch, epochs, logs, epochSeconds, epochSamples / Math.max(epochSeconds, 1e-9));
    if (stop) {
      progress.note(`early stopping: ${validation ? 'val_loss' : 'loss'} has not improved for ${earlyStopping} epoch${earlyStopping === 1 ? '' : 's'} (best ${state.best})`);
      return { status: 'early_stopped' };
    }
    if (interrupt.requested && epoch + 1 < epochs) return { status: 'interrupted' };
  }
  return { status: 'completed' };
}

function firstNonFinite(values: ArrayLike<number>, count: number): number | undefined {
  for (let i = 0; i < count; i++) if (!Number.isFinite(values[i]!)) return i;
  return undefined;
}

/** Keras's EarlyStopping (min_delta 0, mode min): true when the run should stop. */
function shouldStop(state: RunState, current: number, patience: number): boolean {
  state.wait += 1;
  if (state.best === undefined || current < state.best) {
    state.best = current;
    state.wait = 0;
    return false;
  }
  return state.wait >= patience;
}
