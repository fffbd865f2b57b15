/**
 * The training step as one ONNX graph: forward (./forward.ts), objective (./objective.ts),
 * backward (./autodiff.ts) and the optimizer update (./optimizers.ts). Its inputs are the batch's
 * arrays and targets, every weight and optimizer slot, and the optimizer's per-step scalars; its
 * outputs are the batch's stats, every updated weight and slot, and the moving statistics'
 * new values. The engine runs it once per batch and adopts the outputs only when the stats are
 * finite. Graphs are specialised to the concrete batch shapes; the evaluation graph (inference
 * forward + objective) and the prediction graph (inference forward) are built the same way.
 *
 * Graph value names: model inputs by node name, `target:<output>`, weights as tfjs names them
 * (`dense_1/kernel`), slots `<weight>/<slot>` (as checkpoints name them), `optimizer:<scalar>`;
 * outputs `stats`, `<weight or slot>:next`, `output:<output>`.
 */
import type { Graph } from '../../compiler/graph.js';
import type { OutputPlan } from '../../train/objective.js';
import { gradients } from './autodiff.js';
import { emitForward, type ForwardResult } from './forward.js';
import { OnnxGraph, type Value } from './graph.js';
import { emitObjective, penaltyOf, weightPenalty, type Penalty } from './objective.js';
import type { OnnxOptimizer } from './optimizers.js';
import { attrNum } from './ops/rule.js';
import { prune, simplify } from './simplify.js';

export type GraphKind = 'train' | 'evaluate' | 'predict';

/** Element type and shape of a graph input as fed, batch first. */
export interface FeedShape {
  shape: number[];
  dtype: 'float32' | 'int32';
}

export interface BatchShapes {
  inputs: Record<string, FeedShape>;
  /** By output name; absent for predict. */
  targets: Record<string, FeedShape>;
  /** Tables fed as some of their rows (./tables.ts): the weight's name → rows fed. */
  tables?: Record<string, number>;
}

/** Builds the forward graph into `g`; the default is emitForward over the compiled spec. */
export type ForwardBuilder = (g: OnnxGraph, training: boolean, shapes: BatchShapes) => ForwardResult;

export interface StepModel {
  graph: Graph;
  outputs: OutputPlan[];
  optimizer?: OnnxOptimizer;
  /** Base seed of the graph's random ops (dropout, noise). */
  seed: number;
  forward?: ForwardBuilder;
}

export const TARGET = (output: string) => `target:${output}`;
export const NEXT = (name: string) => `${name}:next`;
export const SCALAR = (name: string) => `optimizer:${name}`;
/** A table fed whole (./tables.ts), and the ids of the rows the batch touches. */
export const FULL = (name: string) => `full:${name}`;
export const ROWS = (name: string) => `rows:${name}`;
export const PREDICTION = (output: string) => `output:${output}`;
export const STATS = 'stats';

export interface BuiltGraph {
  bytes: Uint8Array;
  /** Trainable weights the loss depends on, each with the slots the graph reads and writes. */
  updated: { weight: string; slots: string[] }[];
  /** Non-trainable weights with a new value (moving statistics). */
  moving: string[];
  /** Every weight the forward pass declares, in the model's order. */
  weights: { name: string; shape: number[]; trainable: boolean }[];
  statsSize: number;
  /** Random draws (dropout, noise) the engine feeds each step, instead of the graph drawing them. */
  noise: NoiseInput[];
}

/** A random op of the forward pass turned into a graph input: uniform in [a, b), or normal (mean a, deviation b). */
export interface NoiseInput {
  name: string;
  shape: number[];
  kind: 'uniform' | 'normal';
  a: number;
  b: number;
}

/**
 * Takes the graph's random ops out and makes their outputs inputs, so the engine draws them from
 * the step's own random stream (rngFor(seed, 'step', epoch, batch)): a step repeats exactly,
 * whatever ran before it, and a resumed run draws what an uninterrupted one would have.
 */
function randomOpsAsInputs(g: OnnxGraph): NoiseInput[] {
  const noise: NoiseInput[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.type !== 'RandomUniformLike' && n.type !== 'RandomNormalLike') continue;
    const out = n.outputs[0]!;
    if (out.dtype !== 'float32') continue;
    const uniform = n.type === 'RandomUniformLike';
    noise.push({ name: out.name, shape: [...out.shape], kind: uniform ? 'uniform' : 'normal', a: attrNum(n.attrs, uniform ? 'low' : 'mean', 0), b: attrNum(n.attrs, uniform ? 'high' : 'scale', 1) });
    g.nodes.splice(i, 1);
    g.inputs.push(out);
  }
  return noise.reverse();
}

function defaultForward(graph: Graph, seed: number): ForwardBuilder {
  return (g, training, shapes) =>
    emitForward(graph, { g, training, seed, inputShapes: Object.fromEntries(Object.entries(shapes.inputs).map(([k, v]) => [k, v.shape])) });
}

/** The penalties of the model: regularized weights and activity-regularized node outputs. */
function penalties(model: StepModel, fwd: ForwardResult): { weights: Penalty[]; activity: Penalty[] } {
  const layers = new Map(model.graph.layers.map((l) => [l.name, l]));
  const weights: Penalty[] = [];
  for (const w of fwd.weights) {
    const p = weightPenalty(layers.get(w.layer)!, w.weight);
    if (p) weights.push({ value: w.value, ...p });
  }
  const activity: Penalty[] = [];
  for (const node of model.graph.order) {
    const p = node.layer ? penaltyOf(node.layer.config.activity_regularizer as never) : undefined;
    if (p) activity.push({ value: fwd.values.get(node.name)!.value, ...p });
  }
  return { weights, activity };
}

const built = new WeakMap<Graph, Map<string, BuiltGraph>>();

/**
 * buildGraph, remembered per compiled spec: the engine choice builds the first batch's graph to
 * check that onnx can run the model, and the engine then reuses it (building an unrolled
 * recurrent model's graph takes a good fraction of a second).
 */
export function buildGraphOnce(model: StepModel, kind: GraphKind, shapes: BatchShapes): BuiltGraph {
  if (model.forward) return buildGraph(model, kind, shapes);
  const key = JSON.stringify([kind, shapes, model.seed, model.optimizer?.config ?? null]);
  let cache = built.get(model.graph);
  if (!cache) built.set(model.graph, (cache = new Map()));
  let b = cache.get(key);
  if (!b) cache.set(key, (b = buildGraph(model, kind, shapes)));
  return b;
}

export function buildGraph(model: StepModel, kind: GraphKind, shapes: BatchShapes): BuiltGraph {
  // A table fed as some of its rows is declared with that many rows; the layers only gather from it.
  const restore: (() => void)[] = [];
  const fullRows = new Map<string, number>();
  for (const [name, rows] of Object.entries(shapes.tables ?? {})) {
    const layer = model.graph.layers.find((l) => `${l.name}/embeddings` === name);
    const spec = layer?.weights?.find((w) => w.name === 'embeddings');
    if (!spec) throw new Error(`internal: no embedding table '${name}'`);
    const full = spec.shape;
    fullRows.set(name, full[0]!);
    spec.shape = [rows, full[1]!];
    restore.push(() => (spec.shape = full));
  }
  try {
    const { g, ...built } = build(model, kind, shapes);
    gatherTables(g, fullRows, shapes);
    prune(g);
    return { ...built, bytes: g.toBytes() };
  } finally {
    for (const r of restore) r();
  }
}

/**
 * Each table fed as some of its rows: the whole table (and each slot table) is an input, fed
 * without a copy from host memory, and the rows the batch touches are gathered in the graph by
 * the ids in `rows:<weight>`; the values the layers and the optimizer read are those rows.
 */
function gatherTables(g: OnnxGraph, fullRows: ReadonlyMap<string, number>, shapes: BatchShapes): void {
  for (const [name, rows] of Object.entries(shapes.tables ?? {})) {
    const ids = g.input(ROWS(name), [rows], 'int32');
    for (const local of g.inputs.filter((v) => v.name === name || v.name.startsWith(`${name}/`))) {
      g.inputs.splice(g.inputs.indexOf(local), 1);
      const full = g.input(FULL(local.name), [fullRows.get(name)!, local.shape[1]!]);
      g.nodes.unshift({ type: 'Gather', domain: '', inputs: [full, ids], outputs: [local], attrs: { axis: 0 }, name: g.fresh('n_Gather') });
    }
  }
}

function build(model: StepModel, kind: GraphKind, shapes: BatchShapes): Omit<BuiltGraph, 'bytes'> & { g: OnnxGraph } {
  const g = new OnnxGraph(`${model.graph.name}_${kind}`);
  const forward = model.forward ?? defaultForward(model.graph, model.seed);
  const fwd = forward(g, kind === 'train', shapes);
  const preds = model.graph.outputs.map((o) => fwd.outputs.get(o)!.value);
  const weights = fwd.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable }));
  if (kind === 'predict') {
    model.graph.outputs.forEach((o, i) => g.output(preds[i]!, PREDICTION(o)));
    simplify(g, []);
    return { g, updated: [], moving: [], weights, statsSize: 0, noise: [] };
  }
  const targets = model.outputs.map((o) => {
    const t = shapes.targets[o.name]!;
    return g.input(TARGET(o.name), t.shape, t.dtype);
  });
  const objective = emitObjective(g, model.outputs, preds, targets, penalties(model, fwd));
  g.output(objective.stats, STATS);
  // Before differentiating (the backward pass is built from the simplified forward); the values
  // read after this point are the loss and the moving statistics' new values.
  simplify(g, [objective.total, ...fwd.updates.map((u) => u.value)]);
  if (kind === 'evaluate') return { g, updated: [], moving: [], weights, statsSize: objective.size, noise: [] };

  const optimizer = model.optimizer;
  if (!optimizer) throw new Error('internal: a training graph needs an optimizer');
  const trainable = fwd.weights.filter((w) => w.trainable);
  const grads = gradients(g, objective.total, trainable.map((w) => w.value));
  const scalars = optimizer.scalars.map((s) => g.input(SCALAR(s), []));
  const updated: BuiltGraph['updated'] = [];
  trainable.forEach((w, i) => {
    const grad = grads[i];
    // A weight the loss does not depend on keeps its value and slots (Keras skips it too).
    if (!grad) return;
    const slotNames = optimizer.slots.map((s) => `${w.name}/${s.name}`);
    const slots = slotNames.map((n) => g.input(n, w.shape));
    const next = optimizer.emit(g, w.value, grad, slots, scalars);
    g.output(next.weight, NEXT(w.name));
    next.slots.forEach((s: Value, k) => g.output(s, NEXT(slotNames[k]!)));
    updated.push({ weight: w.name, slots: slotNames });
  });
  for (const u of fwd.updates) g.output(u.value, NEXT(u.name));
  const noise = randomOpsAsInputs(g);
  return { g, updated, moving: fwd.updates.map((u) => u.name), weights, statsSize: objective.size, noise };
}
