/** The optimizer a run uses: the spec's `training.optimizer` with Keras's defaults filled in. */
import type { TrainingSpec } from '../spec/types.js';
import { OPTIMIZERS, type OptimizerName } from '../spec/vocabulary.js';

export type OptimizerConfig = { type: OptimizerName } & Record<string, number | boolean>;

/** The spec's optimizer with Keras defaults filled in and the learning rate overridden if given. */
export function optimizerConfig(spec: TrainingSpec['optimizer'], learningRate?: number): OptimizerConfig {
  const given = typeof spec === 'string' ? { type: spec } : spec ?? { type: 'rmsprop' as const };
  const { type, ...args } = given;
  const config = { type, ...OPTIMIZERS[type], ...args } as unknown as OptimizerConfig;
  if (learningRate !== undefined) config.learning_rate = learningRate;
  return config;
}
