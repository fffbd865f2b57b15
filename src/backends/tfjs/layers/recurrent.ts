/** TensorFlow.js emitters for SimpleRNN, LSTM and GRU (Keras's default reset_after GRU is nnspec's, in gru.ts). */
import type { Constraint, Initializer, Regularizer } from '../../../layers/params.js';
import { GRU, LSTM, SimpleRNN } from '../../../layers/recurrent.js';
import { activation, constraint, defined, initializer, kernelArgs, regularizer } from '../args.js';
import { emitter, type TfjsFamily } from './emitter.js';
import { resetAfterGru } from './gru.js';

interface RnnConfig {
  units: number;
  activation: string | null;
  recurrent_initializer: Initializer;
  recurrent_regularizer: Regularizer | null;
  recurrent_constraint: Constraint | null;
  dropout: number;
  recurrent_dropout: number;
  return_sequences: boolean;
  go_backwards: boolean;
}

/**
 * tfjs arguments shared by the three layers. Left out on purpose: returnState and stateful
 * (the shape rule rejects them), unroll (tfjs ignores it and warns at every call),
 * activityRegularizer (tfjs RNN layers never apply it) and seed (tfjs cannot seed recurrent dropout).
 */
function rnnArgs(c: RnnConfig, name: string): Record<string, unknown> {
  return {
    ...kernelArgs(c as unknown as Record<string, unknown>),
    activityRegularizer: undefined,
    name,
    units: c.units,
    activation: activation(c.activation),
    recurrentInitializer: initializer(c.recurrent_initializer),
    recurrentRegularizer: regularizer(c.recurrent_regularizer),
    recurrentConstraint: constraint(c.recurrent_constraint),
    dropout: c.dropout,
    recurrentDropout: c.recurrent_dropout,
    returnSequences: c.return_sequences,
    goBackwards: c.go_backwards,
  };
}

export const recurrent: TfjsFamily = {
  classes: resetAfterGru,
  saved: { ResetAfterGRU: (config) => ({ type: 'GRU', config: { ...config, reset_after: true } }) },
  emitters: [
    emitter(SimpleRNN, (c, { tf, name }) => tf.layers.simpleRNN(defined(rnnArgs(c, name)) as never)),
    emitter(LSTM, (c, { tf, name }) =>
      // tfjs defaults recurrentActivation to hardSigmoid and unitForgetBias to false: both always passed.
      tf.layers.lstm(defined({ ...rnnArgs(c, name), recurrentActivation: activation(c.recurrent_activation), unitForgetBias: c.unit_forget_bias }) as never),
    ),
    emitter(GRU, (c, { tf, name }) => {
      const args = defined({ ...rnnArgs(c, name), recurrentActivation: activation(c.recurrent_activation) });
      // tfjs's own GRU only implements reset_after: false.
      return c.reset_after ? new (resetAfterGru(tf).ResetAfterGRU)(args as never) : tf.layers.gru(args as never);
    }),
  ],
};
