/**
 * `nnspec export SPEC --to keras-json|tfjs|onnx [--out FILE] [--weights RUN]`: the spec as a Keras
 * functional model config (model_from_json), a TensorFlow.js model.json (tf.loadLayersModel) or an
 * ONNX inference model (ONNX Runtime and other ONNX tools; ../backends/onnx/export.ts).
 * Exit 0 written, 1 the spec is invalid or the run's weights do not fit it, 2 usage.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { jsonText } from '../backends/export/json-text.js';
import { toKerasModel } from '../backends/export/keras-json.js';
import { toTfjsModel } from '../backends/export/tfjs-json.js';
import { NNSPEC_VERSION } from '../backends/export/version.js';
import { OnnxExportError, toOnnxModel } from '../backends/onnx/export.js';
import { selectBackend } from '../backends/tfjs/backend.js';
import type { Tf } from '../backends/tfjs/env.js';
import { seededModel } from '../backends/tfjs/seeded-model.js';
import type { Graph } from '../compiler/graph.js';
import { MODEL_FILE, readModelWeights, WEIGHTS_FILE } from '../train/run-files.js';
import { EXIT, oneOf, reportProblem, UsageError, type Io } from './io.js';
import { loadSpec } from './spec-file.js';

export const EXPORT_TARGETS = ['keras-json', 'tfjs', 'onnx'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];
export const parseTarget = oneOf('--to', EXPORT_TARGETS);

export interface ExportOptions {
  to: ExportTarget;
  /** keras-json: the file; tfjs: model.json's path, or a directory to write model.json (and weights.bin) into. Default: stdout. */
  out?: string;
  /** A `nnspec train` run directory whose model.json + weights.bin hold the weights (tfjs and onnx). */
  weights?: string;
  /** onnx: the length of the spec's unknown (null) input dimensions other than the batch. */
  length?: number;
}

export async function exportCommand(file: string, opts: ExportOptions, io: Io): Promise<number> {
  const to = parseTarget(opts.to);
  if (opts.weights !== undefined && to === 'keras-json') {
    throw new UsageError('--weights applies to --to tfjs and onnx; for Keras, convert the run with tensorflowjs_converter (see the README)', 'NN006');
  }
  if (opts.length !== undefined && to !== 'onnx') throw new UsageError('--length applies to --to onnx', 'NN006');
  if (to === 'onnx' && opts.out === undefined) throw new UsageError('--to onnx needs --out: the model is a binary file', 'NN002');
  if (opts.weights !== undefined && opts.out === undefined) throw new UsageError('--weights needs --out: weights.bin is written next to model.json', 'NN002');
  const run = opts.weights === undefined ? undefined : resolve(io.cwd, opts.weights);
  if (run !== undefined) {
    for (const f of [MODEL_FILE, WEIGHTS_FILE]) {
      if (!existsSync(join(run, f))) throw new UsageError(`'${opts.weights}' is not a training run: it has no ${f}`, 'NN900');
    }
  }
  const spec = loadSpec(file, io);
  if (!spec) return EXIT.invalid;
  const warn = (notes: string[]) => notes.forEach((n) => reportProblem(io, 'NN910', file, n, { severity: 'warning' }));

  if (to === 'keras-json') {
    const { model, notes } = toKerasModel(spec.graph, NNSPEC_VERSION);
    warn(notes);
    emit(opts.out, jsonText(model) + '\n', io);
    return EXIT.ok;
  }

  // The backend training uses, started quietly (tfjs greets Node users on its first op otherwise).
  const { tf } = await selectBackend('cpu');
  if (to === 'onnx') return exportOnnx(spec.graph, file, opts as ExportOptions & { out: string }, run, tf, io);
  let exported;
  try {
    exported = await toTfjsModel(spec.graph, tf, { weightsDir: run, version: NNSPEC_VERSION });
  } catch (e) {
    // tfjs names the weight it could not match; the run was trained from another spec.
    reportProblem(io, 'NN903', opts.weights ?? null, `the weights do not fit ${file}: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  warn(exported.notes);
  const modelPath = opts.out === undefined ? undefined : modelJsonPath(resolve(io.cwd, opts.out), opts.out);
  if (exported.weights && modelPath) {
    mkdirSync(dirname(modelPath), { recursive: true });
    writeFileSync(join(dirname(modelPath), WEIGHTS_FILE), exported.weights);
  }
  emit(modelPath, JSON.stringify(exported.modelJson) + '\n', io);
  return EXIT.ok;
}

/** The ONNX model, with the run's weights or the seeded initial ones (the spec's training seed, else 0). */
function exportOnnx(graph: Graph, file: string, opts: ExportOptions & { out: string }, run: string | undefined, tf: Tf, io: Io): number {
  const weights = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  if (run !== undefined) {
    for (const w of readModelWeights(run)) weights.set(w.name, w);
  } else {
    const { model } = seededModel(tf, graph, graph.training?.seed ?? 0);
    for (const w of model.weights) weights.set(w.originalName, { shape: w.shape as number[], values: w.read().dataSync() as Float32Array });
    model.dispose();
  }
  let bytes: Uint8Array;
  try {
    bytes = toOnnxModel(graph, { weights, length: opts.length, version: NNSPEC_VERSION });
  } catch (e) {
    if (!(e instanceof OnnxExportError)) throw e;
    if (e.kind === 'needs-length') throw new UsageError(`${file}: ${e.message}`, 'NN002');
    reportProblem(io, 'NN903', opts.weights ?? null, `the weights do not fit ${file}: ${e.message}`);
    return EXIT.invalid;
  }
  const path = resolve(io.cwd, opts.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return EXIT.ok;
}

/** A directory (existing, or written with a trailing slash) gets model.json inside it. */
function modelJsonPath(abs: string, given: string): string {
  const isDir = /[\\/]$/.test(given) || (existsSync(abs) && statSync(abs).isDirectory());
  return isDir ? join(abs, MODEL_FILE) : abs;
}

function emit(path: string | undefined, text: string, io: Io): void {
  if (path === undefined) {
    io.stdout.write(text);
    return;
  }
  const abs = resolve(io.cwd, path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}
