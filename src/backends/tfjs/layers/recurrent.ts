/** TensorFlow.js emitters for SimpleRNN, LSTM and GRU (Keras's default reset_after GRU is nnspec's, in gru.ts). */
import type { Constraint, Initializer, Regularizer } from '../../../layers/params.js';
import { GRU, LSTM, SimpleRNN } from '../../../layers/recurrent.js';
import { activation, constraint, defined, initializer, kernelArgs, regularizer } from '../args.js';
import type { TfLayer } from '../env.js';
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
  return_state: boolean;
  go_backwards: boolean;
}

/**
 * tfjs arguments shared by the three layers. Left out on purpose: stateful (nnspec's engines do
 * not run it: train, evaluate and predict refuse it), unroll (tfjs ignores it and warns at every call),
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
    returnState: c.return_state,
    goBackwards: c.go_backwards,
  };
}

type Call = TfLayer['call'];

/**
 * A recurrent layer called on [sequence, ...initial states] (as build.ts applies it, and as
 * tfjs's functional graph records the call): tfjs's own graph runner (model.apply) passes the
 * states both in the list and, as the symbolic tensors of the build, in the `initialState`
 * argument, which RNN.call reads. Here the concrete states in the list win, and the mask is the
 * sequence's. The instance keeps its class, so model.json is tfjs's and Keras's own.
 */
export function statesFromInputs<L extends TfLayer>(layer: L): L {
  const call = layer.call.bind(layer) as Call;
  layer.call = ((inputs, kwargs) => {
    if (!Array.isArray(inputs) || inputs.length === 1) return call(inputs, kwargs);
    const mask = Array.isArray(kwargs?.mask) ? (kwargs.mask as unknown[])[0] : kwargs?.mask;
    return call(inputs[0]!, { ...kwargs, mask, initialState: inputs.slice(1) });
  }) as Call;
  return layer;
}

export const recurrent: TfjsFamily = {
  classes: resetAfterGru,
  saved: { ResetAfterGRU: (config) => ({ type: 'GRU', config: { ...config, reset_after: true } }) },
  emitters: [
    emitter(SimpleRNN, (c, { tf, name }) => statesFromInputs(tf.layers.simpleRNN(defined(rnnArgs(c, name)) as never))),
    emitter(LSTM, (c, { tf, name }) =>
      // tfjs defaults recurrentActivation to hardSigmoid and unitForgetBias to false: both always passed.
      statesFromInputs(tf.layers.lstm(defined({ ...rnnArgs(c, name), recurrentActivation: activation(c.recurrent_activation), unitForgetBias: c.unit_forget_bias }) as never)),
    ),
    emitter(GRU, (c, { tf, name }) => {
      const args = defined({ ...rnnArgs(c, name), recurrentActivation: activation(c.recurrent_activation) });
      // tfjs's own GRU only implements reset_after: false.
      return statesFromInputs(c.reset_after ? new (resetAfterGru(tf).ResetAfterGRU)(args as never) : tf.layers.gru(args as never));
    }),
  ],
};
