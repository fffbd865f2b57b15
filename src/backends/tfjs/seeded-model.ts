/** The tfjs model of a compiled spec, with its weights initialized from the run's seed. */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/graph.js';
import type { Regularizer } from '../../layers/params.js';
import { rngFor, withRandom } from '../../train/random.js';
import { regularizer } from './args.js';
import { buildModel } from './build.js';
import type { Tf } from './env.js';
import type { ActivityPenalty } from './objective.js';

export interface SeededModel {
  /** The model as saved: the spec's inputs and outputs. */
  model: tfTypes.LayersModel;
  /** The same layers with the activity-regularized nodes' outputs appended, when there are any. */
  forward: tfTypes.LayersModel;
  penalties: ActivityPenalty[];
}

/** The model with Keras's initializers drawn from the seed (same seed, same weights). */
export function seededModel(tf: Tf, graph: Graph, seed: number): SeededModel {
  // tfjs warns on console about slow orthogonal initializers and the like: not nnspec's output.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const built = withRandom(rngFor(seed, 'init'), () => buildModel(graph, tf));
    const { model } = built;
    if (built.activityRegularized.length === 0) return { model, forward: model, penalties: [] };
    // tfjs cannot apply activity regularizers; Keras adds regularizer(output) of each call to the loss.
    const extra = built.activityRegularized.map((a) => built.tensors.get(a.node)!);
    const forward = tf.model({ inputs: model.inputs, outputs: [...model.outputs, ...extra] });
    const penalties = built.activityRegularized.map((a) => {
      const { config } = regularizer(a.regularizer as Regularizer) as { config: { l1: number; l2: number } };
      return { node: a.node, l1: config.l1, l2: config.l2 };
    });
    return { model, forward, penalties };
  } finally {
    console.warn = warn;
  }
}
