/**
 * Keras optimizers by name with Keras argument names and defaults (OPTIMIZERS in vocabulary.ts),
 * on tfjs's optimizers. tfjs's update rules match Keras's for these (momentum and Nesterov SGD
 * rewritten with the learning rate factored out); AdamW is Adam with Keras's decoupled weight
 * decay applied first; clipnorm/clipvalue clip each gradient before the update, as Keras does.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainingSpec } from '../../spec/types.js';
import { OPTIMIZERS, type OptimizerName } from '../../spec/vocabulary.js';
import type { Tf } from './env.js';
import { EPSILON } from './losses.js';

export type OptimizerConfig = { type: OptimizerName } & Record<string, number | boolean>;

export interface Optimizing {
  optimizer: tfTypes.Optimizer;
  config: OptimizerConfig;
  /** Applies one step of gradients (keyed by variable name, in the variables' order). */
  apply(grads: tfTypes.NamedTensorMap, variables: tfTypes.Variable[]): void;
}

/** The spec's optimizer with Keras defaults filled in and the learning rate overridden if given. */
export function optimizerConfig(spec: TrainingSpec['optimizer'], learningRate?: number): OptimizerConfig {
  const given = typeof spec === 'string' ? { type: spec } : spec ?? { type: 'rmsprop' as const };
  const { type, ...args } = given;
  const config = { type, ...OPTIMIZERS[type], ...args } as unknown as OptimizerConfig;
  if (learningRate !== undefined) config.learning_rate = learningRate;
  return config;
}

/** The optimizer, or why this configuration cannot run on tfjs. */
export function makeOptimizer(tf: Tf, config: OptimizerConfig): Optimizing | { error: string } {
  const c = config as Record<string, number | boolean | undefined> & { type: OptimizerName };
  const n = (k: string) => c[k] as number;
  if (c.amsgrad === true) return { error: `${c.type} with amsgrad: true is not available in TensorFlow.js; remove amsgrad or set it to false` };
  let optimizer: tfTypes.Optimizer;
  switch (c.type) {
    case 'sgd':
      optimizer = n('momentum') > 0 || c.nesterov ? tf.train.momentum(n('learning_rate'), n('momentum'), c.nesterov === true) : tf.train.sgd(n('learning_rate'));
      break;
    case 'rmsprop':
      optimizer = tf.train.rmsprop(n('learning_rate'), n('rho'), n('momentum'), n('epsilon'), c.centered === true);
      break;
    case 'adam':
    case 'adamw':
      optimizer = tf.train.adam(n('learning_rate'), n('beta_1'), n('beta_2'), n('epsilon'));
      break;
    case 'adagrad':
      if (n('epsilon') !== EPSILON) return { error: `adagrad's epsilon is fixed at 1e-7 in TensorFlow.js; got ${n('epsilon')}` };
      optimizer = tf.train.adagrad(n('learning_rate'), n('initial_accumulator_value'));
      break;
    case 'adadelta':
      optimizer = tf.train.adadelta(n('learning_rate'), n('rho'), n('epsilon'));
      break;
    case 'adamax':
      optimizer = tf.train.adamax(n('learning_rate'), n('beta_1'), n('beta_2'), n('epsilon'), 0);
      break;
  }
  const decay = c.type === 'adamw' ? n('weight_decay') * n('learning_rate') : 0;
  const clipnorm = c.clipnorm as number | undefined;
  const clipvalue = c.clipvalue as number | undefined;
  return {
    optimizer,
    config,
    apply(grads, variables) {
      if (decay > 0) {
        tf.tidy(() => {
          for (const v of variables) v.assign(tf.sub(v, tf.mul(v, decay)));
        });
      }
      if (clipnorm === undefined && clipvalue === undefined) {
        optimizer.applyGradients(grads);
        return;
      }
      const clipped = tf.tidy(() => {
        const out: tfTypes.NamedTensorMap = {};
        for (const [name, g] of Object.entries(grads)) {
          let x = g;
          if (clipvalue !== undefined) x = tf.clipByValue(x, -clipvalue, clipvalue);
          if (clipnorm !== undefined) {
            const norm = tf.norm(x);
            x = tf.mul(x, tf.div(clipnorm, tf.maximum(norm, clipnorm)));
          }
          out[name] = x;
        }
        return out;
      });
      optimizer.applyGradients(clipped);
      tf.dispose(Object.values(clipped));
    },
  };
}
