/**
 * The ONNX engine: each batch is one `session.run` of the training graph (./train-step.ts) on
 * ONNX Runtime, weights and optimizer slots in, updated values out. Weights and slots stay ONNX
 * Runtime tensors between steps (the outputs of one step are the inputs of the next, no copies).
 * One session per graph kind and batch shape (full batch, last partial batch, each sequence
 * length), created on first use and cached.
 *
 * The initial weights and the model description (model.json's topology) come from the same
 * seeded TensorFlow.js model the tfjs engine builds, on tfjs's cpu backend: same seed, same
 * initial weights and the same run-directory format whichever engine trains.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Graph } from '../../compiler/graph.js';
import type { Batch, EngineRuntime, HostArray, ModelDescription, ModelPlan, NamedArray, Slots, TrainEngine } from '../../train/engine.js';
import { EngineError } from '../../train/engine.js';
import { loadTf, quietly } from '../tfjs/load.js';
import type { Tf } from '../tfjs/env.js';
import { registerNnspecLayers } from '../tfjs/register.js';
import { seededModel } from '../tfjs/seeded-model.js';
import { OnnxGraph } from './graph.js';
import { onnxOptimizer, type OnnxOptimizer } from './optimizers.js';
import { createSession, loadOrt, type Device, type Ort } from './runtime.js';
import { catchUp, gatherRows, putRows, sparseTables, type SparseTable } from './tables.js';
import type { Rng } from '../../train/random.js';
import { SAMPLE_WEIGHT } from './objective.js';
import { lossWeights } from '../../train/loss-weights.js';
import { buildGraphOnce, FULL, type NoiseInput, NEXT, ROWS, PREDICTION, SCALAR, STATS, TARGET, type BatchShapes, type BuiltGraph, type ForwardBuilder, type GraphKind } from './train-step.js';

export interface OnnxRuntimeOptions {
  /** Intra-op threads; default: every core. */
  threads?: number;
  device?: Device;
}

/** ONNX Runtime, proved able to run a graph here; throws EngineError when it cannot load. */
export async function onnxRuntime(opts: OnnxRuntimeOptions = {}): Promise<EngineRuntime> {
  let ort: Ort;
  try {
    ort = loadOrt();
  } catch (e) {
    throw new EngineError(`onnxruntime-node does not load here (${String((e as Error).message ?? e).split('\n')[0]})`);
  }
  const threads = opts.threads ?? availableParallelism();
  const device = opts.device ?? 'cpu';
  // A provider that fails to load logs its own error too; the reason is in the exception.
  if (device === 'cuda') ort.env.logLevel = 'fatal';
  await prove(ort, threads, device);
  const tf = await quietly(() => loadTf('cpu'));
  registerNnspecLayers(tf);
  const version = ort.env.versions.node ?? ort.env.versions.common;
  return {
    name: 'onnx',
    detail: `onnx (ONNX Runtime ${version}, ${device === 'cuda' ? 'CUDA' : 'CPU'}, ${threads} thread${threads === 1 ? '' : 's'})`,
    skipped: [],
    versions: { onnxruntime: version, tfjs: tf.version.tfjs },
    threads,
    create: (plan) => onnxEngine(tf, plan, { threads, device }),
  };
}

/** Runs 1 + 2 on the device: a runtime counts only once it has computed something. */
async function prove(ort: Ort, threads: number, device: Device): Promise<void> {
  const g = new OnnxGraph('prove');
  g.output(g.op1('Add', [g.input('x', [1]), g.scalar(2)]), 'y');
  let ok = false;
  let why = '';
  try {
    const session = await createSession(g.toBytes(), { threads, device, quiet: true });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1), [1]) });
    ok = (out.y!.data as Float32Array)[0] === 3;
    await session.release();
  } catch (e) {
    why = ` (${String((e as Error).message ?? e).split('\n')[0]})`;
  }
  if (ok) return;
  if (device === 'cuda') {
    throw new EngineError(
      `ONNX Runtime's CUDA provider does not run here${why}; it needs an NVIDIA GPU with CUDA 12 and the provider binaries, which onnxruntime-node's install script downloads on request: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (see README)`,
    );
  }
  throw new EngineError(`ONNX Runtime does not run here${why}`);
}

interface Compiled {
  session: InferenceSession;
  built: BuiltGraph;
}

/** Sessions the engine choice created for a spec, handed to the engine built next for it. */
const probed = new WeakMap<Graph, Map<string, Promise<Compiled>>>();

function sessionKey(kind: GraphKind, shapes: BatchShapes): string {
  return `${kind} ${JSON.stringify(shapes)}`;
}

/**
 * Why the ONNX engine cannot run this model on batches shaped like `batch`, or undefined when it
 * can: builds the graph the model needs (training when it has an optimizer), which meets every
 * layer emitter, op rule and gradient rule the model uses, and has ONNX Runtime load it. The
 * session is kept for the engine that runs the model next.
 */
export async function onnxCannotRun(plan: ModelPlan, batch: Batch, opts: { threads?: number; device?: Device } = {}): Promise<string | undefined> {
  const optimizer = plan.optimizer ? onnxOptimizer(plan.optimizer) : undefined;
  const kind: GraphKind = optimizer ? 'train' : batch.targets.length > 0 ? 'evaluate' : 'predict';
  const shapes = shapesOf(plan, batch);
  try {
    const built = buildGraphOnce({ graph: plan.graph, outputs: plan.outputs, optimizer, seed: plan.seed }, kind, shapes);
    const session = await createSession(built.bytes, { threads: opts.threads ?? availableParallelism(), device: opts.device ?? 'cpu' });
    let mine = probed.get(plan.graph);
    if (!mine) probed.set(plan.graph, (mine = new Map()));
    mine.set(JSON.stringify([sessionKey(kind, shapes), plan.seed, plan.optimizer ?? null]), Promise.resolve({ session, built }));
    return undefined;
  } catch (e) {
    return String((e as Error).message ?? e).split('\n')[0]!.replace(/^internal: /, '');
  }
}

function allFinite(values: ArrayLike<number>, count: number): boolean {
  for (let i = 0; i < count; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

function shapesOf(plan: ModelPlan, batch: Batch): BatchShapes {
  const inputs: BatchShapes['inputs'] = {};
  plan.graph.inputs.forEach((n, i) => (inputs[n.name] = { shape: batch.inputs[i]!.shape, dtype: batch.inputs[i]!.dtype }));
  const targets: BatchShapes['targets'] = {};
  plan.outputs.forEach((o, i) => {
    const t = batch.targets[i];
    if (t) targets[o.name] = { shape: t.shape, dtype: t.dtype };
  });
  return { inputs, targets };
}

export interface EngineOptions {
  threads: number;
  device: Device;
  /** A hand-built forward pass instead of the spec's (tests). */
  forward?: ForwardBuilder;
  /** Tables at least this large are fed row by row (./tables.ts); default SPARSE_MIN_ELEMENTS. */
  sparseMinElements?: number;
}

export function onnxEngine(tf: Tf, plan: ModelPlan, opts: EngineOptions): TrainEngine {
  const ort = loadOrt();
  const optimizer: OnnxOptimizer | undefined = plan.optimizer ? onnxOptimizer(plan.optimizer) : undefined;
  const lossCount = 1 + plan.outputs.length;

  // Initial weights, names and order, and model.json's topology, from the seeded tfjs model.
  const { model } = seededModel(tf, plan.graph, plan.seed);
  const description: ModelDescription = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: model.toJSON(null, false),
  };
  const order = model.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] }));
  const trainable = model.trainableWeights.map((w) => w.originalName);
  const store = new Map<string, Tensor>();
  for (const w of model.weights) store.set(w.originalName, new ort.Tensor('float32', w.read().dataSync() as Float32Array, [...w.shape] as number[]));
  model.dispose();
  const shapeOf = new Map(order.map((w) => [w.name, w.shape]));

  let iterations = 0;
  /** Slots exist from the first step (or a restore), as in the tfjs engine. */
  let slotsReady = false;
  const slotName = (w: string, s: string) => `${w}/${s}`;
  const tables = sparseTables(plan.graph, optimizer, opts.sparseMinElements);
  const sparse = new Map(tables.map((t) => [t.weight, { table: t, position: new Int32Array(t.rows).fill(-1) }]));
  const tableSlots = (t: SparseTable) => optimizer!.slots.map((s) => store.get(slotName(t.weight, s.name))!.data as Float32Array);
  const initSlots = () => {
    if (!optimizer) return;
    for (const w of trainable) for (const s of optimizer.slots) store.set(slotName(w, s.name), new ort.Tensor('float32', new Float32Array(size(shapeOf.get(w)!)).fill(s.init), shapeOf.get(w)!));
    for (const t of tables) t.current.fill(0);
    slotsReady = true;
  };

  /**
   * The batch as fed: each sparse table's ids renumbered to the rows it touches, and those rows
   * (with their slots, brought up to step `step`, when training) as extra feeds.
   */
  const gathered = (batch: Batch, training: boolean, step: number) => {
    const extra: Record<string, Tensor> = {};
    const rows: Record<string, number> = {};
    const parts: { table: SparseTable; rows: Int32Array; used: number }[] = [];
    for (const { table, position } of sparse.values()) {
      const g = gatherRows(table, batch, position);
      batch = g.batch;
      rows[table.weight] = g.rows.length;
      parts.push({ table, rows: g.rows, used: g.used });
      // The tables go in whole, without a copy; the graph gathers the rows.
      extra[ROWS(table.weight)] = new ort.Tensor('int32', g.rows, [g.rows.length]);
      extra[FULL(table.weight)] = store.get(table.weight)!;
      if (training) {
        catchUp(table, tableSlots(table), optimizer!.idleDecay!, step - 1, g.rows, g.used);
        for (const s of optimizer!.slots) extra[FULL(slotName(table.weight, s.name))] = store.get(slotName(table.weight, s.name))!;
      }
    }
    const shapes = shapesOf(plan, batch);
    if (parts.length) shapes.tables = rows;
    return { batch, extra, shapes, parts };
  };

  /** Output buffers of the next step, by output name and shape (a table's rows come in a few sizes). */
  const spare = new Map<string, Tensor>();
  const spareKey = (output: string, dims: readonly number[]) => `${output} ${dims.join('x')}`;
  const swap = (name: string, next: Tensor) => {
    const old = store.get(name)!;
    store.set(name, next);
    spare.set(spareKey(NEXT(name), old.dims), old);
  };

  const sessions = new Map<string, Promise<Compiled>>();
  // A session the engine choice made for this model (same seed and optimizer) is ours now.
  for (const [key, c] of probed.get(plan.graph) ?? []) {
    const [shapesKey, seed, config] = JSON.parse(key) as [string, number, unknown];
    if (seed === plan.seed && JSON.stringify(config) === JSON.stringify(plan.optimizer ?? null) && !opts.forward) sessions.set(shapesKey, c);
    else void c.then((x) => x.session.release()).catch(() => {});
  }
  probed.delete(plan.graph);
  const compiled = (kind: GraphKind, shapes: BatchShapes): Promise<Compiled> => {
    const key = sessionKey(kind, shapes);
    let c = sessions.get(key);
    if (!c) {
      c = (async () => {
        const built = buildGraphOnce({ graph: plan.graph, outputs: plan.outputs, optimizer, seed: plan.seed, ...(opts.forward ? { forward: opts.forward } : {}) }, kind, shapes);
        for (const w of built.weights) if (!shapeOf.has(w.name)) throw new Error(`internal: the ONNX forward graph has weight '${w.name}', which the tfjs model does not`);
        return { session: await createSession(built.bytes, { threads: opts.threads, device: opts.device }), built };
      })();
      sessions.set(key, c);
    }
    return c;
  };

  const feed = (session: InferenceSession, batch: Batch, extra: Record<string, Tensor> = {}): Record<string, Tensor> => {
    const feeds: Record<string, Tensor> = {};
    const byName = new Map<string, HostArray>();
    plan.graph.inputs.forEach((n, i) => byName.set(n.name, batch.inputs[i]!));
    plan.outputs.forEach((o, i) => batch.targets[i] && byName.set(TARGET(o.name), batch.targets[i]!));
    // class_weight and sample_weight as one weight per sample (train/loss-weights.ts); only with targets.
    if (batch.targets.length) lossWeights(plan.outputs, batch).forEach((w, i) => w && byName.set(SAMPLE_WEIGHT(plan.outputs[i]!.name), w));
    for (const name of session.inputNames) {
      const host = byName.get(name);
      const t = host ? new ort.Tensor(host.dtype, host.values, host.shape) : extra[name] ?? store.get(name);
      if (!t) throw new Error(`internal: nothing to feed the ONNX graph's input '${name}'`);
      feeds[name] = t;
    }
    return feeds;
  };

  return {
    async step(batch, rng, learningRate) {
      if (!optimizer) throw new Error('internal: this model was built without an optimizer');
      if (!slotsReady) initSlots();
      const t = iterations + 1;
      const fed = gathered(batch, true, t);
      const { session, built } = await compiled('train', fed.shapes);
      optimizer.scalarValues(t, learningRate ?? (optimizer.config.learning_rate as number)).forEach((x, i) => (fed.extra[SCALAR(optimizer.scalars[i]!)] = new ort.Tensor('float32', Float32Array.of(x), [])));
      for (const n of built.noise) fed.extra[n.name] = new ort.Tensor('float32', draw(n, rng), n.shape);
      // New weights and slots are written into buffers of our own (ONNX Runtime's pre-allocated
      // outputs): last step's buffers, swapped with the current ones when a step is adopted.
      const fetches: Record<string, Tensor | null> = { [STATS]: null };
      for (const name of session.outputNames) {
        if (name === STATS) continue;
        const base = name.slice(0, -':next'.length);
        const part = fed.parts.find((p) => base === p.table.weight || base.startsWith(`${p.table.weight}/`));
        const dims = part ? [part.rows.length, part.table.width] : store.get(base)!.dims;
        const key = spareKey(name, dims);
        let buffer = spare.get(key);
        if (!buffer) spare.set(key, (buffer = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims)));
        fetches[name] = buffer;
      }
      const out = await session.run(feed(session, fed.batch, fed.extra), fetches as never);
      const fetched = (name: string) => fetches[name]!;
      const stats = out[STATS]!.data as Float32Array;
      // Never adopt a non-finite update: the loop stops the run with the last good weights.
      if (allFinite(stats, lossCount)) {
        for (const u of built.updated) {
          const part = fed.parts.find((p) => p.table.weight === u.weight);
          if (part) {
            // Rows back into the host table and its slots; those rows are now current at step t.
            const { table, rows, used } = part;
            putRows(store.get(u.weight)!.data as Float32Array, table.width, rows, used, fetched(NEXT(u.weight)).data as Float32Array);
            tableSlots(table).forEach((s, i) => putRows(s, table.width, rows, used, fetched(NEXT(u.slots[i]!)).data as Float32Array));
            for (let k = 0; k < used; k++) table.current[rows[k]!] = t;
            continue;
          }
          for (const name of [u.weight, ...u.slots]) swap(name, fetched(NEXT(name)));
        }
        for (const m of built.moving) swap(m, fetched(NEXT(m)));
        iterations = t;
      }
      return stats;
    },
    async evaluate(batch) {
      const fed = gathered(batch, false, iterations);
      const { session } = await compiled('evaluate', fed.shapes);
      const out = await session.run(feed(session, fed.batch, fed.extra));
      return out[STATS]!.data as Float32Array;
    },
    async predict(batch) {
      const fed = gathered({ ...batch, targets: [] }, false, iterations);
      const { session } = await compiled('predict', fed.shapes);
      const out = await session.run(feed(session, fed.batch, fed.extra));
      return plan.graph.outputs.map((o): HostArray => {
        const t = out[PREDICTION(o)]!;
        return { values: t.data as Float32Array, shape: [...t.dims], dtype: 'float32' };
      });
    },
    describe: () => description,
    async readWeights() {
      return order.map((w) => named(w.name, store.get(w.name)!));
    },
    async writeWeights(weights) {
      const given = new Map(weights.map((w) => [w.name, w]));
      for (const w of order) {
        const v = given.get(w.name);
        if (!v) throw new Error(`the saved weights have no '${w.name}'`);
        if (v.shape.join() !== w.shape.join()) throw new Error(`the saved weight '${w.name}' has shape [${v.shape.join(', ')}]; the model's is [${w.shape.join(', ')}]`);
      }
      for (const w of order) store.set(w.name, new ort.Tensor('float32', Float32Array.from(given.get(w.name)!.values), w.shape));
    },
    async readSlots(): Promise<Slots> {
      if (!optimizer || !slotsReady) return { iterations, slots: [] };
      for (const t of tables) catchUp(t, tableSlots(t), optimizer.idleDecay!, iterations);
      return { iterations, slots: trainable.flatMap((w) => optimizer.slots.map((s) => named(slotName(w, s.name), store.get(slotName(w, s.name))!))) };
    },
    async writeSlots(saved) {
      if (!optimizer) throw new Error('internal: this model was built without an optimizer');
      iterations = saved.iterations;
      if (saved.iterations === 0 && saved.slots.length === 0) {
        slotsReady = false;
        return;
      }
      const given = new Map(saved.slots.map((s) => [s.name, s]));
      for (const w of trainable) {
        for (const s of optimizer.slots) {
          const v = given.get(slotName(w, s.name));
          if (!v) throw new Error(`the checkpoint has no optimizer slot '${slotName(w, s.name)}'`);
          store.set(slotName(w, s.name), new ort.Tensor('float32', Float32Array.from(v.values), shapeOf.get(w)!));
        }
      }
      for (const t of tables) t.current.fill(iterations);
      slotsReady = true;
    },
    dispose() {
      for (const c of sessions.values()) void c.then((x) => x.session.release()).catch(() => {});
      sessions.clear();
      store.clear();
    },
  };
}

/** A noise input's values from the step's stream: a fast generator (sfc32) seeded from it. */
function draw(n: NoiseInput, rng: Rng): Float32Array {
  const out = new Float32Array(size(n.shape));
  let [a, b, c, d] = [rng.int(2 ** 32) | 0, rng.int(2 ** 32) | 0, rng.int(2 ** 32) | 0, rng.int(2 ** 32) | 0];
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  if (n.kind === 'uniform') {
    for (let i = 0; i < out.length; i++) out[i] = n.a + (n.b - n.a) * next();
    // float32 rounding may reach the upper bound; keep the draws in [a, b).
    for (let i = 0; i < out.length; i++) if (out[i]! >= n.b) out[i] = n.a;
    return out;
  }
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    out[i] = n.a + n.b * r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = n.a + n.b * r * Math.sin(theta);
  }
  return out;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A copy: the engine writes later steps into the same buffers. */
function named(name: string, t: Tensor): NamedArray {
  return { name, shape: [...t.dims], values: Float32Array.from(t.data as Float32Array) };
}
