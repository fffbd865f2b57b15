/**
 * `nnspec evaluate RUN --data DIR`: each output's loss, the weighted total (Σ wᵢ·lossᵢ plus
 * regularization, what training minimizes) and the metrics, over every sample; losses weighted
 * by class_weight and the data's sample weights as in training; a confusion matrix for each
 * classifier output (train/metrics/confusion.ts).
 */
import type { Logs } from '../train/accumulate.js';
import { range } from '../train/batches.js';
import { evaluateAll } from '../train/evaluate.js';
import { ConfusionMatrix, classCount } from '../train/metrics/confusion.js';
import { metricKeySuffixes } from '../train/metrics/state.js';
import type { OutputPlan } from '../train/objective.js';
import { formatNumber } from '../train/progress.js';
import { EXIT, type Io } from './io.js';
import { makeBatches } from '../data/batches.js';
import { loadData } from './data-arg.js';
import { engineLine, loadRunEngine, openRun, type RunDataOptions, type RunOnData } from './run-dir.js';
import { withSampleWeights } from '../data/sample-weights.js';
import { loadSampleWeights } from './sample-weights.js';

export interface EvaluateOptions extends RunDataOptions {
  format?: 'text' | 'json';
}

export async function evaluateCommand(run: string, opts: EvaluateOptions, io: Io): Promise<number> {
  const opened = await openForEvaluate(run, opts, io);
  if (!opened) return EXIT.invalid;
  const { spec, batches, batchSize, engine } = opened;
  const { outputs } = spec;
  const confusion = outputs.map((o) => {
    const classes = classCount(o);
    return classes === undefined ? undefined : new ConfusionMatrix(classes);
  });
  const acc = await evaluateAll(engine, outputs, batches, range(0, batches.samples), batchSize, confusion);
  engine.dispose();
  const report = structured(acc.logs(), acc.outputLosses(), outputs, batches.samples, confusion);
  io.stdout.write(opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : text(report));
  return EXIT.ok;
}

const ACTION = 'nothing was evaluated';

/**
 * openRunOnData's steps, with the data's sample weights (`<output>.sample_weight.npy`) read and
 * their outputs marked weighted before the engine is built. Undefined after printing why (exit 1).
 */
async function openForEvaluate(run: string, opts: EvaluateOptions, io: Io): Promise<RunOnData | undefined> {
  const spec = openRun(run, io, 'evaluate');
  if (!spec) return undefined;
  const { graph, outputs } = spec;
  const data = await loadData(graph, outputs, opts.data, io, { withTargets: true, action: ACTION });
  if (!data) return undefined;
  const weights = loadSampleWeights(outputs, opts.data, data.checked.samples, io, ACTION);
  if (!weights) return undefined;
  const batches = withSampleWeights(makeBatches(graph, outputs, data.set, data.checked.fits), weights);
  const batchSize = opts.batchSize ?? 32;
  const loaded = await loadRunEngine(run, spec, opts.backend ?? 'auto', io, opts, batches.batch(range(0, Math.min(batchSize, batches.samples))));
  if (!loaded) return undefined;
  io.stderr.write(engineLine(loaded.runtime));
  return { spec, batches, batchSize, engine: loaded.engine };
}

interface Report {
  samples: number;
  /** The weighted total, as training reports `loss`. */
  loss: number;
  /** The part of `loss` that is regularization (0 without regularizers). */
  regularization: number;
  /** `confusion_matrix` for classifier outputs: rows are true classes, columns predicted ones. */
  outputs: Record<string, { loss: number; weight: number; loss_name: string; metrics: Record<string, number>; confusion_matrix?: number[][] }>;
  /** The same numbers under Keras's history keys. */
  logs: Logs;
}

function structured(logs: Logs, losses: number[], outputs: OutputPlan[], samples: number, confusion: (ConfusionMatrix | undefined)[]): Report {
  const several = outputs.length > 1;
  const perOutput: Report['outputs'] = {};
  let weighted = 0;
  for (const [i, o] of outputs.entries()) {
    const loss = losses[i]!;
    const metrics: Record<string, number> = {};
    // Keys as the history has them (f1_score without `average` is one key per class).
    const prefix = several ? `${o.name}_` : '';
    for (const m of o.metrics) for (const suffix of metricKeySuffixes(m, o.shape)) metrics[m.name + suffix] = logs[prefix + m.name + suffix]!;
    perOutput[o.name] = { loss, weight: o.weight, loss_name: o.loss, metrics, ...(confusion[i] ? { confusion_matrix: confusion[i].counts } : {}) };
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
    if (o.confusion_matrix) {
      lines.push(`${name}: confusion matrix (rows: true class, columns: predicted class)`, ...ConfusionMatrix.of(o.confusion_matrix).render());
    }
  }
  return lines.join('\n') + '\n';
}
