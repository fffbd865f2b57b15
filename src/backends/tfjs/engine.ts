/**
 * The TensorFlow.js engine: a compiled spec as a tf.LayersModel with nnspec's objective and
 * optimizers, behind the engine-neutral TrainEngine (train/engine.ts). Host arrays become tensors
 * here and nowhere else.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Batch, EngineRuntime, HostArray, ModelDescription, ModelPlan, NamedArray, Slots, TrainEngine } from '../../train/engine.js';
import { lossWeights } from '../../train/loss-weights.js';
import type { OutputPlan } from '../../train/objective.js';
import { withRandom, type Rng } from '../../train/random.js';
import { selectBackend, type BackendChoice } from './backend.js';
import type { Tf } from './env.js';
import { compileObjective } from './objective.js';
import { makeOptimizer } from './optimizers.js';
import { seededModel } from './seeded-model.js';

type T = tfTypes.Tensor;

/** TensorFlow.js on the chosen backend (`auto`: node, then wasm, then cpu). */
export async function tfjsRuntime(choice: BackendChoice): Promise<EngineRuntime> {
  const backend = await selectBackend(choice);
  const { tf } = backend;
  return {
    name: backend.name,
    detail: backend.detail,
    skipped: backend.skipped,
    versions: { tfjs: tf.version.tfjs },
    create: (plan) => tfjsEngine(tf, plan),
  };
}

function tensors(tf: Tf, arrays: HostArray[]): T[] {
  return arrays.map((a) => tf.tensor(a.values, a.shape, a.dtype));
}

/** The batch's per-sample loss weights (class and sample weights) as tensors, undefined for an unweighted output. */
function sampleWeightTensors(tf: Tf, outputs: OutputPlan[], batch: Batch): (T | undefined)[] {
  return lossWeights(outputs, batch).map((w) => (w ? tf.tensor(w.values, w.shape, 'float32') : undefined));
}

function allFinite(values: ArrayLike<number>, count: number): boolean {
  for (let i = 0; i < count; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

export function tfjsEngine(tf: Tf, plan: ModelPlan): TrainEngine {
  const optimizing = plan.optimizer ? makeOptimizer(tf, plan.optimizer) : undefined;
  const { model, forward, penalties } = seededModel(tf, plan.graph, plan.seed);
  const objective = compileObjective(tf, forward, plan.outputs, penalties);
  const trainable = () => model.trainableWeights;
  const variables = trainable().map((w) => w.read() as tfTypes.Variable);
  const names = trainable().map((w) => w.originalName);
  const lossCount = 1 + plan.outputs.length;

  return {
    async step(batch: Batch, rng: Rng, learningRate?: number) {
      if (!optimizing) throw new Error('internal: this model was built without an optimizer');
      const inputs = tensors(tf, batch.inputs);
      const targets = tensors(tf, batch.targets);
      const weights = sampleWeightTensors(tf, plan.outputs, batch);
      // tfjs seeds every unseeded random op (dropout, noise) from Math.random.
      const { stats, grads } = withRandom(rng, () => objective.gradients(inputs, targets, variables, weights));
      const values = stats.dataSync() as Float32Array;
      if (allFinite(values, lossCount)) optimizing.apply(grads, variables, names, learningRate);
      tf.dispose([stats, ...inputs, ...targets, ...Object.values(grads), ...weights.filter((w) => w !== undefined)]);
      return values;
    },
    async evaluate(batch) {
      const inputs = tensors(tf, batch.inputs);
      const targets = tensors(tf, batch.targets);
      const weights = sampleWeightTensors(tf, plan.outputs, batch);
      const stats = objective.evaluate(inputs, targets, weights);
      const values = (await stats.data()) as Float32Array;
      tf.dispose([stats, ...inputs, ...targets, ...weights.filter((w) => w !== undefined)]);
      return values;
    },
    async predict(batch) {
      const inputs = tensors(tf, batch.inputs);
      const out = model.predictOnBatch(inputs.length === 1 ? inputs[0]! : inputs);
      const list = Array.isArray(out) ? out : [out];
      const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
      const result = list.map((t, i): HostArray => ({ values: values[i]!, shape: [...t.shape], dtype: 'float32' }));
      tf.dispose([...inputs, ...list]);
      return result;
    },
    describe: () => describeModel(tf, model),
    readWeights: async () => namedWeights(model),
    async writeWeights(weights) {
      const map: tfTypes.NamedTensorMap = {};
      for (const w of weights) map[w.name] = tf.tensor(w.values, w.shape, 'float32');
      try {
        model.loadWeights(map, true);
      } finally {
        tf.dispose(Object.values(map));
      }
    },
    async readSlots(): Promise<Slots> {
      if (!optimizing) return { iterations: 0, slots: [] };
      return { iterations: optimizing.iterations, slots: optimizing.slots().map((s) => named(s.name, s.tensor)) };
    },
    async writeSlots(saved) {
      if (!optimizing) throw new Error('internal: this model was built without an optimizer');
      const map = new Map(saved.slots.map((s) => [s.name, tf.tensor(s.values, s.shape, 'float32')]));
      try {
        optimizing.restore(saved.iterations, map, variables, names);
      } finally {
        tf.dispose([...map.values()]);
      }
    },
    dispose() {
      model.dispose();
      optimizing?.dispose();
    },
  };
}

/** model.json's header and topology, as tf.LayersModel.save writes them. */
export function describeModel(tf: Tf, model: tfTypes.LayersModel): ModelDescription {
  return { format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`, convertedBy: null, modelTopology: model.toJSON(null, false) };
}

/** Every weight in the order and by the names tf.LayersModel.save writes them. */
export function namedWeights(model: tfTypes.LayersModel): NamedArray[] {
  return model.weights.map((w) => named(w.originalName, w.read()));
}

function named(name: string, t: T): NamedArray {
  if (t.dtype !== 'float32') throw new Error(`internal: weight '${name}' is ${t.dtype}; nnspec saves float32 weights`);
  return { name, shape: [...t.shape], values: t.dataSync() as Float32Array };
}
