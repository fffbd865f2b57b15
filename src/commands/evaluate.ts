/**
 * `nnspec evaluate RUN --data DIR`: each output's loss, the weighted total (Σ wᵢ·lossᵢ plus
 * regularization, what training minimizes) and the metrics, over every sample.
 */
import type { Device } from '../backends/onnx/runtime.js';
import type { Logs } from '../train/accumulate.js';
import { makeBatches } from '../data/batches.js';
import { range } from '../train/batches.js';
import { evaluateAll } from '../train/evaluate.js';
import type { OutputPlan } from '../train/objective.js';
import { formatNumber } from '../train/progress.js';
import { loadData } from './data-arg.js';
import type { EngineChoice } from './engine.js';
import { EXIT, type Io } from './io.js';
import { engineLine, loadRunEngine, openRun } from './run-dir.js';

export interface EvaluateOptions {
  data: string;
  format?: 'text' | 'json';
  batchSize?: number;
  backend?: EngineChoice;
  threads?: number;
  device?: Device;
}

export async function evaluateCommand(run: string, opts: EvaluateOptions, io: Io): Promise<number> {
  const opened = openRun(run, io);
  if (!opened) return EXIT.invalid;
  const { graph, outputs } = opened;
  const data = loadData(graph, outputs, opts.data, io, { action: 'nothing was evaluated' });
  if (!data) return EXIT.invalid;
  const batches = makeBatches(graph, outputs, data.set, data.checked.fits);
  const batchSize = opts.batchSize ?? 32;
  const loaded = await loadRunEngine(run, opened, opts.backend ?? 'auto', io, opts, batches.batch(range(0, Math.min(batchSize, batches.samples))));
  if (!loaded) return EXIT.invalid;
  io.stderr.write(engineLine(loaded.runtime));
  const acc = await evaluateAll(loaded.engine, outputs, batches, range(0, batches.samples), batchSize);
  loaded.engine.dispose();
  const report = structured(acc.logs(), acc.outputLosses(), outputs, batches.samples);
  io.stdout.write(opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : text(report));
  return EXIT.ok;
}

interface Report {
  samples: number;
  /** The weighted total, as training reports `loss`. */
  loss: number;
  /** The part of `loss` that is regularization (0 without regularizers). */
  regularization: number;
  outputs: Record<string, { loss: number; weight: number; loss_name: string; metrics: Record<string, number> }>;
  /** The same numbers under Keras's history keys. */
  logs: Logs;
}

function structured(logs: Logs, losses: number[], outputs: OutputPlan[], samples: number): Report {
  const several = outputs.length > 1;
  const perOutput: Report['outputs'] = {};
  let weighted = 0;
  for (const [i, o] of outputs.entries()) {
    const loss = losses[i]!;
    const metrics: Record<string, number> = {};
    for (const m of o.metrics) metrics[m.name] = logs[several ? `${o.name}_${m.name}` : m.name]!;
    perOutput[o.name] = { loss, weight: o.weight, loss_name: o.loss, metrics };
    weighted += o.weight * loss;
  }
  const regularization = logs.loss! - weighted;
  return { samples, loss: logs.loss!, regularization: Math.abs(regularization) < 1e-6 * Math.abs(logs.loss!) ? 0 : regularization, outputs: perOutput, logs };
}

function text(r: Report): string {
  const lines = [`samples  ${r.samples}`];
  const terms = Object.entries(r.outputs).map(([name, o]) => `${o.weight} × ${name} ${formatNumber(o.loss)}`);
  const reg = r.regularization ? ` + regularization ${formatNumber(r.regularization)}` : '';
  lines.push(`loss     ${formatNumber(r.loss)}${terms.length > 1 || reg ? `  (${terms.join(' + ')}${reg})` : ''}`);
  for (const [name, o] of Object.entries(r.outputs)) {
    const metrics = Object.entries(o.metrics).map(([k, v]) => `  ${k} ${formatNumber(v)}`).join('');
    lines.push(`${name}: ${o.loss_name} ${formatNumber(o.loss)}${metrics}`);
  }
  return lines.join('\n') + '\n';
}
