/**
 * Layers that wrap another layer, given as a nested configuration under `layer:`: Bidirectional
 * runs a recurrent layer forwards and backwards; TimeDistributed applies a layer to every timestep.
 * The wrapped layer's shape rule does the work, through ctx.inferInner.
 */
import { defineLayer, ONE_INPUT, only, rankError, type LayerConfig, type WeightSpec } from './kind.js';
import { p } from './params.js';
import { checkStates, RECURRENT_TYPES, stateNames } from './recurrent.js';

const innerLayer = (description: string) => p.any<LayerConfig>({ $ref: '#/definitions/InnerLayer' }, description);

/** The wrapped layer's weights; `trainable: false` on the wrapped layer freezes them, as in Keras. */
function innerWeights(config: LayerConfig, weights: readonly WeightSpec[]): WeightSpec[] {
  return config.trainable === false ? weights.map((w) => ({ ...w, trainable: false })) : [...weights];
}

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
type MergeMode = (typeof MERGE_MODES)[number];

export const Bidirectional = defineLayer({
  type: 'Bidirectional',
  description: 'Runs a recurrent layer over the sequence forwards and a copy of it backwards, and merges the two outputs.',
  params: {
    layer: innerLayer('The recurrent layer (SimpleRNN, LSTM or GRU) to run in both directions; its copy gets go_backwards: true.'),
    merge_mode: p.any<MergeMode | null>(
      { enum: [...MERGE_MODES, null] },
      'How the forward and backward outputs are combined: concat (the default; doubles the last dimension), sum, mul or ave. null (two outputs) is not supported in spec v1.',
      'concat',
    ),
  },
  arity: ONE_INPUT,
  wrapper: true,
  infer(c, inputs, ctx) {
    if (!RECURRENT_TYPES.has(c.layer.type)) {
      return ctx.error('NN503', `${ctx.describe} needs a recurrent layer to wrap (${[...RECURRENT_TYPES].join(', ')}); got ${c.layer.type}`, {
        param: 'layer/type',
        hint: c.layer.type === 'Dense' || c.layer.type.startsWith('Conv') ? 'to apply a layer at every timestep, use TimeDistributed' : undefined,
      });
    }
    if (c.layer.go_backwards === true) {
      return ctx.error('NN503', `${ctx.describe} wraps ${c.layer.type} with go_backwards: true, so its backward copy would run backwards too; Keras refuses two directions that are the same`, {
        param: 'layer/go_backwards',
        hint: 'remove go_backwards: Bidirectional runs the backward pass itself',
      });
    }
    if (c.merge_mode === null) {
      return ctx.error('NN503', `${ctx.describe} has merge_mode: null, which returns the forward and backward outputs separately; a node has one output in spec v1`, {
        param: 'merge_mode',
        hint: 'use concat, sum, mul or ave',
      });
    }
    // initial_state: the forward layer's states, then the backward copy's (Keras's order).
    const names = stateNames(c.layer.type);
    const both = [...names.map((n) => `forward_${n}`), ...names.map((n) => `backward_${n}`)];
    const units = c.layer.units as number;
    if (!checkStates(inputs.slice(1), both, [units], ctx)) return undefined;
    const inner = ctx.inferInner(c.layer, inputs.slice(0, 1));
    if (!inner) return undefined;
    const shape = [...inner.shape];
    if (c.merge_mode === 'concat') shape[shape.length - 1] = shape[shape.length - 1]! * 2;
    // Keras and tfjs both list the forward layer's weights, then the backward copy's.
    const own = innerWeights(c.layer, inner.weights);
    const weights = [...own.map((w) => ({ ...w, name: `forward_${w.name}` })), ...own.map((w) => ({ ...w, name: `backward_${w.name}` }))];
    const more = inner.more ? both.map((name) => ({ name, shape: inner.more![0]!.shape })) : undefined;
    return { shape, dtype: inner.dtype, weights, ...(more ? { more } : {}) };
  },
});

export const TimeDistributed = defineLayer({
  type: 'TimeDistributed',
  description: 'Applies a layer to every temporal slice of its input: axis 1 is time, and each (batch, ...rest) slice goes through the same layer.',
  params: {
    layer: innerLayer('The layer applied at every timestep (the same weights at each).'),
  },
  arity: ONE_INPUT,
  wrapper: true,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    if (x.shape.length < 3) return rankError(ctx, x, '>= 3 (batch, timesteps, ...)');
    const inner = ctx.inferInner(c.layer, [{ shape: [x.shape[0]!, ...x.shape.slice(2)], dtype: x.dtype }]);
    if (!inner) return undefined;
    return { shape: [inner.shape[0]!, x.shape[1]!, ...inner.shape.slice(1)], dtype: inner.dtype, weights: innerWeights(c.layer, inner.weights) };
  },
});

export const wrapperLayers = [Bidirectional, TimeDistributed];
