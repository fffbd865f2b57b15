/**
 * SimpleRNN, LSTM and GRU: one cell run over the timesteps of a (batch, timesteps, features) input.
 * The three share their arguments and shape rule; they differ in how many gate blocks their
 * kernels hold (1, 4 and 3) and in GRU's bias, which is [2, 3u] with reset_after (the Keras default).
 */
import { defineLayer, ONE_INPUT, only, type Built, type InferContext, type WeightSpec } from './kind.js';
import { kernelParams, p, type Constraint, type Initializer, type Regularizer } from './params.js';
import { formatShape, type TensorSpec } from './shape.js';

/** The wrapped layers Bidirectional accepts. */
export const RECURRENT_TYPES: ReadonlySet<string> = new Set(['SimpleRNN', 'LSTM', 'GRU']);
/** The layers that take `initial_state:` and give their final states with return_state. */
export const STATE_TYPES: ReadonlySet<string> = new Set([...RECURRENT_TYPES, 'Bidirectional']);

/** The names of a recurrent layer's states, in Keras's order: LSTM's h then c, the others' one state. */
export function stateNames(type: string): string[] {
  return type === 'LSTM' ? ['state_h', 'state_c'] : ['state'];
}

/**
 * The names of the outputs after the first that a recurrent layer's (or a Bidirectional's)
 * configuration gives: its states with return_state, none without.
 */
export function stateOutputs(config: { type: string; return_state?: unknown; layer?: unknown }): string[] {
  if (config.type === 'Bidirectional') {
    const inner = config.layer as { type?: unknown; return_state?: unknown } | undefined;
    if (!inner || typeof inner.type !== 'string' || inner.return_state !== true) return [];
    const names = stateNames(inner.type);
    return [...names.map((n) => `forward_${n}`), ...names.map((n) => `backward_${n}`)];
  }
  return RECURRENT_TYPES.has(config.type) && config.return_state === true ? stateNames(config.type) : [];
}

/**
 * The call sites of layers that carry their states from batch to batch (`stateful: true`, on the
 * layer or on the layer a Bidirectional wraps), each with the JSON pointer of that key.
 */
export function statefulNodes(graph: { order: readonly { name: string; ptr: string; callIndex: number; layer?: { config: Record<string, unknown> } }[] }): { name: string; type: string; ptr: string }[] {
  const found: { name: string; type: string; ptr: string }[] = [];
  for (const node of graph.order) {
    const config = node.layer?.config;
    if (!config || node.callIndex > 0) continue;
    const inner = config.layer as Record<string, unknown> | undefined;
    if (config.stateful === true) found.push({ name: node.name, type: String(config.type), ptr: `${node.ptr}/stateful` });
    else if (inner && typeof inner === 'object' && inner.stateful === true) found.push({ name: node.name, type: `${String(inner.type)} wrapped by Bidirectional`, ptr: `${node.ptr}/layer/stateful` });
  }
  return found;
}

const rate = (description: string) => p.number(description, 0, { minimum: 0, exclusiveMaximum: 1 });

/** The bias flag and initializers every Keras 3 RNN layer takes after its activations (LSTM adds unit_forget_bias next). */
const initParams = {
  use_bias: kernelParams.use_bias,
  kernel_initializer: p.initializer('glorot_uniform', 'Initializer for the kernel, which transforms the inputs.'),
  recurrent_initializer: p.initializer('orthogonal', 'Initializer for the recurrent kernel, which transforms the state.'),
  bias_initializer: kernelParams.bias_initializer,
};

/** The rest of their arguments, in Keras order. */
const rnnParams = {
  kernel_regularizer: kernelParams.kernel_regularizer,
  recurrent_regularizer: p.regularizer('Regularizer applied to the recurrent kernel.'),
  bias_regularizer: kernelParams.bias_regularizer,
  activity_regularizer: kernelParams.activity_regularizer,
  kernel_constraint: kernelParams.kernel_constraint,
  recurrent_constraint: p.constraint('Constraint applied to the recurrent kernel.'),
  bias_constraint: kernelParams.bias_constraint,
  dropout: rate('Fraction of the units to drop for the transformation of the inputs.'),
  recurrent_dropout: rate('Fraction of the units to drop for the transformation of the recurrent state.'),
  seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed for dropout.', null),
  return_sequences: p.bool('Whether to return the output of every timestep (batch, timesteps, units) or only the last (batch, units).', false),
  return_state: p.bool('Whether to also return the final states, as further outputs: LSTM `state_h` and `state_c`, GRU and SimpleRNN `state` (take one as `layer:state_h`, e.g. in another layer\'s initial_state).', false),
  go_backwards: p.bool('Whether to process the sequence backwards (and return the reversed sequence).', false),
  stateful: p.bool('Whether the last state of each sample is the initial state of the same sample in the next batch (Keras needs a fixed batch size for it). Compiled, summarized, imported and exported (with training.batch_size as the fixed batch size); nnspec\'s engines start every batch from zero states, so train, evaluate and predict refuse it (NN915).', false),
  unroll: p.bool('Whether to unroll the loop (faster for short sequences, more memory). No effect in TensorFlow.js.', false),
};

interface RnnConfig {
  units: number;
  activation: string | null;
  use_bias: boolean;
  kernel_initializer: Initializer;
  recurrent_initializer: Initializer;
  bias_initializer: Initializer;
  kernel_regularizer: Regularizer | null;
  recurrent_regularizer: Regularizer | null;
  bias_regularizer: Regularizer | null;
  activity_regularizer: Regularizer | null;
  kernel_constraint: Constraint | null;
  recurrent_constraint: Constraint | null;
  bias_constraint: Constraint | null;
  dropout: number;
  recurrent_dropout: number;
  return_sequences: boolean;
  return_state: boolean;
  go_backwards: boolean;
  stateful: boolean;
}

/**
 * The shape rule shared by the three layers: `gates` weight blocks of `units` columns each;
 * `bias` gives the bias shape (GRU's reset_after bias has two rows).
 */
function inferRnn(c: RnnConfig & { type: string }, inputs: TensorSpec[], ctx: InferContext, gates: number, bias: number[]): Built | undefined {
  const x = only(inputs);
  const name = ctx.inputNames[0];
  if (x.shape.length !== 3) {
    const hint =
      x.shape.length === 2
        ? 'add an Embedding before it (for integer ids) or give the input shape [timesteps, features]'
        : 'reshape the input to (timesteps, features), or wrap the layer in TimeDistributed';
    return ctx.error('NN501', `${ctx.describe} expects input of rank 3 (batch, timesteps, features); got ${name} ${formatShape(x.shape)} of rank ${x.shape.length}`, { hint });
  }
  const [batch, steps, features] = x.shape;
  if (features === null || features === undefined) {
    return ctx.error('NN506', `${ctx.describe} needs the number of features (the last dimension) to size its kernel; got ${name} ${formatShape(x.shape)}`, {
      hint: 'give the input a fixed size on its last axis',
    });
  }
  const u = c.units;
  const weights: WeightSpec[] = [
    { name: 'kernel', shape: [features, gates * u], trainable: true },
    { name: 'recurrent_kernel', shape: [u, gates * u], trainable: true },
  ];
  if (c.use_bias) weights.push({ name: 'bias', shape: bias, trainable: true });
  const states = stateNames(c.type);
  if (!checkStates(inputs.slice(1), states, [u], ctx)) return undefined;
  const more = c.return_state ? states.map((name) => ({ name, shape: [batch!, u] })) : undefined;
  return { shape: c.return_sequences ? [batch!, steps!, u] : [batch!, u], weights, ...(more ? { more } : {}) };
}

/**
 * The states given as `initial_state:` (the inputs after the sequence): as many as the layer
 * has (`names`), each (batch, units). Reports at the list or at the state that does not fit.
 */
export function checkStates(given: TensorSpec[], names: readonly string[], units: readonly number[], ctx: InferContext): boolean {
  if (given.length === 0) return true;
  const refs = ctx.inputNames.slice(ctx.inputNames.length - given.length);
  if (given.length !== names.length) {
    ctx.error('NN510', `${ctx.describe} takes ${names.length} initial state${names.length === 1 ? '' : 's'} (${names.join(', ')}); got ${given.length} (${refs.join(', ')})`, {
      param: 'initial_state',
      hint: names.length === 2 ? 'an LSTM starts from [state_h, state_c], e.g. `initial_state: [encoder:state_h, encoder:state_c]`' : 'give one state, e.g. `initial_state: encoder:state`',
    });
    return false;
  }
  for (const [k, s] of given.entries()) {
    const want = units[k % units.length]!;
    if (s.shape.length === 2 && (s.shape[1] === want || s.shape[1] === null)) continue;
    ctx.error('NN510', `${ctx.describe} needs its initial state ${names[k]} as (batch, ${want}), ${want} being its units; got '${refs[k]}' ${formatShape(s.shape)}`, {
      param: names.length === 1 && given.length === 1 ? 'initial_state' : `initial_state/${k}`,
      hint: `give the final state of a recurrent layer with units: ${want} and return_state: true`,
    });
    return false;
  }
  return true;
}

export const SimpleRNN = defineLayer({
  type: 'SimpleRNN',
  description: 'Fully-connected RNN whose output is fed back as the next step\'s state: h = activation(x·W + h·U + b).',
  params: {
    units: p.int('Dimensionality of the output space (and of the state).'),
    activation: p.activation('tanh', 'Activation applied to the new state.'),
    ...initParams,
    ...rnnParams,
  },
  arity: ONE_INPUT,
  keras: { notInKeras2: ['seed'] },
  infer: (c, inputs, ctx) => inferRnn({ ...c, type: 'SimpleRNN' }, inputs, ctx, 1, [c.units]),
});

export const LSTM = defineLayer({
  type: 'LSTM',
  description: 'Long Short-Term Memory layer (Hochreiter 1997); gates i, f, c, o in the kernel\'s column order.',
  params: {
    units: p.int('Dimensionality of the output space (and of the states).'),
    activation: p.activation('tanh', 'Activation applied to the cell candidate and the output.'),
    recurrent_activation: p.activation('sigmoid', 'Activation applied to the input, forget and output gates.'),
    ...initParams,
    unit_forget_bias: p.bool('Whether to add 1 to the forget gate\'s bias at initialization (Jozefowicz et al. 2015).', true),
    ...rnnParams,
  },
  arity: ONE_INPUT,
  keras: { notInKeras2: ['seed'], keras2Extra: { implementation: 2 } },
  infer: (c, inputs, ctx) => inferRnn({ ...c, type: 'LSTM' }, inputs, ctx, 4, [4 * c.units]),
});

export const GRU = defineLayer({
  type: 'GRU',
  description: 'Gated Recurrent Unit (Cho et al. 2014); gates z, r, h in the kernel\'s column order.',
  params: {
    units: p.int('Dimensionality of the output space (and of the state).'),
    activation: p.activation('tanh', 'Activation applied to the candidate state.'),
    recurrent_activation: p.activation('sigmoid', 'Activation applied to the update and reset gates.'),
    ...initParams,
    ...rnnParams,
    reset_after: p.bool('Whether the reset gate is applied after the recurrent matrix product (true: the Keras default and cuDNN convention, with separate input and recurrent biases) or before it (false).', true),
  },
  arity: ONE_INPUT,
  keras: { notInKeras2: ['seed'], keras2Extra: { implementation: 2 } },
  infer: (c, inputs, ctx) => inferRnn({ ...c, type: 'GRU' }, inputs, ctx, 3, c.reset_after ? [2, 3 * c.units] : [3 * c.units]),
});

export const recurrentLayers = [SimpleRNN, LSTM, GRU];
