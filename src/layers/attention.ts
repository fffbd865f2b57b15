/**
 * MultiHeadAttention, Attention and AdditiveAttention (Keras 3). Their inputs have roles (query,
 * value, optional key and, for MultiHeadAttention, attention_mask), written `inputs: [q, v]` or
 * `inputs: {query: q, value: v}`; resolve puts them in the `roles` order below, filling a
 * skipped key with the value as Keras does, so a node's inputs are [query, value, key?, mask?].
 */
import { defineLayer, type InferContext, type InputRoles, type WeightSpec } from './kind.js';
import { kernelParams, optional, p } from './params.js';
import { formatShape, type Dim, type TensorSpec } from './shape.js';

const attentionRoles: InputRoles = { names: ['query', 'value', 'key'], fill: { key: 'value' } };
const mhaRoles: InputRoles = { names: ['query', 'value', 'key', 'attention_mask'], fill: { key: 'value' } };

const describeInput = (ctx: InferContext, inputs: readonly TensorSpec[], i: number) => `${ctx.inputNames[i]} ${formatShape(inputs[i]!.shape)}`;

/** The role of input i, for messages. */
const roleOf = (roles: InputRoles, i: number) => roles.names[i]!;

/** Every attention input must be (batch, steps, features) with the features known. */
function sequences(ctx: InferContext, inputs: readonly TensorSpec[], roles: InputRoles, count: number): number[] | undefined {
  const dims: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = inputs[i]!.shape;
    if (s.length !== 3) {
      return ctx.error('NN501', `${ctx.describe} expects its ${roleOf(roles, i)} of rank 3 (batch, steps, features); got ${describeInput(ctx, inputs, i)} of rank ${s.length}`, {
        hint: 'nnspec attends over one sequence axis; reshape the input to (batch, steps, features)',
      });
    }
    const last = s[2];
    if (last === null || last === undefined) {
      return ctx.error('NN506', `${ctx.describe} needs the feature size of its ${roleOf(roles, i)} to be known; got ${describeInput(ctx, inputs, i)}`, { hint: 'give the input a fixed size on its last axis' });
    }
    dims.push(last);
  }
  return dims;
}

const sameLength = (a: Dim, b: Dim) => a === null || b === null || a === b;

/** key and value are attended over together: their steps must agree (Keras: value_shape[1:-1] == key_shape[1:-1]). */
function keyMatchesValue(ctx: InferContext, inputs: readonly TensorSpec[]): boolean {
  if (inputs.length < 3) return true;
  if (sameLength(inputs[1]!.shape[1]!, inputs[2]!.shape[1]!)) return true;
  ctx.error('NN509', `${ctx.describe} needs key and value of the same length; got value ${describeInput(ctx, inputs, 1)} and key ${describeInput(ctx, inputs, 2)}`, {
    hint: 'key and value are the same sequence seen twice: give them the same number of steps',
  });
  return false;
}

export const MultiHeadAttention = defineLayer({
  type: 'MultiHeadAttention',
  description: 'Multi-head attention (Vaswani et al. 2017): query, value and optional key projected per head, scaled dot-product softmax, projected back.',
  params: {
    num_heads: p.int('Number of attention heads.'),
    key_dim: p.int('Size of each attention head for query and key.'),
    value_dim: optional(p.int('Size of each attention head for value; null: key_dim.')),
    dropout: p.number('Dropout rate on the attention probabilities.', 0, { minimum: 0, exclusiveMaximum: 1 }),
    use_bias: p.bool('Whether the projections use bias vectors.', true),
    output_shape: optional(
      p.any<number | number[]>({ anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 }] }, 'Shape of the output besides the batch and sequence axes; null: the query\'s feature size.'),
    ),
    attention_axes: optional(
      p.axes('Axes attention is applied over; null: every axis but batch, heads and features (nnspec: the sequence axis).'),
    ),
    kernel_initializer: kernelParams.kernel_initializer,
    bias_initializer: kernelParams.bias_initializer,
    kernel_regularizer: kernelParams.kernel_regularizer,
    bias_regularizer: kernelParams.bias_regularizer,
    activity_regularizer: kernelParams.activity_regularizer,
    kernel_constraint: kernelParams.kernel_constraint,
    bias_constraint: kernelParams.bias_constraint,
    seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed of the dropout.', null),
    use_causal_mask: p.bool('Keras call argument: position i attends to positions j <= i only (decoder self-attention).', false),
  },
  arity: { min: 2, max: 4 },
  roles: mhaRoles,
  keras: { callArguments: ['use_causal_mask'] },
  infer(c, inputs, ctx) {
    const count = Math.min(inputs.length, 3);
    const dims = sequences(ctx, inputs, mhaRoles, count);
    if (!dims || !keyMatchesValue(ctx, inputs)) return undefined;
    const axes = c.attention_axes === null ? [] : typeof c.attention_axes === 'number' ? [c.attention_axes] : c.attention_axes;
    // Keras normalises a negative axis against the projected rank (rank 4 for rank-3 inputs): -2 is axis 1.
    if (axes.some((a) => (a < 0 ? 3 + a : a) !== 1)) {
      return ctx.error('NN503', `${ctx.describe} cannot attend over axes ${JSON.stringify(c.attention_axes)} of query ${describeInput(ctx, inputs, 0)}; nnspec attends over the sequence axis only`, {
        param: 'attention_axes',
        hint: 'leave attention_axes out (or give 1) for attention over the steps',
      });
    }
    const [q, v] = [inputs[0]!.shape, inputs[1]!.shape];
    if (inputs.length === 4) {
      const m = inputs[3]!.shape;
      const fits = m.length === 3 && [q[1]!, v[1]!].every((want, i) => m[i + 1] === 1 || sameLength(m[i + 1]!, want));
      if (!fits) {
        return ctx.error('NN509', `${ctx.describe} needs an attention_mask of shape (batch, ${q[1] ?? 'None'}, ${v[1] ?? 'None'}) (query steps, value steps); got ${describeInput(ctx, inputs, 3)}`, {
          hint: '1 lets the attention mask attend to every query step (or every value step) alike',
        });
      }
    }
    const [dq, dv, dk] = [dims[0]!, dims[1]!, dims[2] ?? dims[1]!];
    const heads = c.num_heads;
    const valueDim = c.value_dim ?? c.key_dim;
    const out = c.output_shape === null ? [dq] : typeof c.output_shape === 'number' ? [c.output_shape] : c.output_shape;
    const weights: WeightSpec[] = [];
    const dense = (name: string, kernel: number[], bias: number[]) => {
      weights.push({ name: `${name}/kernel`, shape: kernel, trainable: true });
      if (c.use_bias) weights.push({ name: `${name}/bias`, shape: bias, trainable: true });
    };
    dense('query', [dq, heads, c.key_dim], [heads, c.key_dim]);
    dense('key', [dk, heads, c.key_dim], [heads, c.key_dim]);
    dense('value', [dv, heads, valueDim], [heads, valueDim]);
    dense('attention_output', [heads, valueDim, ...out], [...out]);
    return { shape: [q[0]!, q[1]!, ...out], weights };
  },
});

const attentionParams = {
  dropout: p.number('Dropout rate on the attention distribution.', 0, { minimum: 0, exclusiveMaximum: 1 }),
  seed: p.any<number | null>({ type: ['integer', 'null'] }, 'Random seed of the dropout.', null),
  use_causal_mask: p.bool('Keras call argument: position i attends to positions j <= i only (decoder self-attention).', false),
};

/** Attention and AdditiveAttention: query and key of one feature size; the output has the query's steps and the value's features. */
function attentionShape(ctx: InferContext, inputs: readonly TensorSpec[]): { dims: number[]; shape: Dim[] } | undefined {
  const dims = sequences(ctx, inputs, attentionRoles, inputs.length);
  if (!dims || !keyMatchesValue(ctx, inputs)) return undefined;
  const keyAt = inputs.length === 3 ? 2 : 1;
  if (dims[0] !== dims[keyAt]) {
    return ctx.error('NN509', `${ctx.describe} scores the query against the ${keyAt === 2 ? 'key' : 'value (the key when none is given)'}, so their feature sizes must agree; got query ${describeInput(ctx, inputs, 0)} and ${describeInput(ctx, inputs, keyAt)}`, {
      hint: 'project them to one size first (a Dense layer), or use MultiHeadAttention, which projects them itself',
    });
  }
  return { dims, shape: [inputs[0]!.shape[0]!, inputs[0]!.shape[1]!, inputs[1]!.shape[2]!] };
}

export const Attention = defineLayer({
  type: 'Attention',
  description: 'Dot-product (Luong-style) attention over [query, value, key?]: softmax(query · keyᵀ) · value.',
  params: {
    use_scale: p.bool('Whether to learn a scalar scale of the attention scores.', false),
    score_mode: p.enum(['dot', 'concat'] as const, 'How scores are computed: dot product of query and key, or tanh of their sum ("concat").', 'dot'),
    ...attentionParams,
  },
  arity: { min: 2, max: 3 },
  roles: attentionRoles,
  keras: { callArguments: ['use_causal_mask'] },
  infer(c, inputs, ctx) {
    const built = attentionShape(ctx, inputs);
    if (!built) return undefined;
    const weights: WeightSpec[] = [];
    if (c.use_scale) weights.push({ name: 'scale', shape: [], trainable: true });
    if (c.score_mode === 'concat') weights.push({ name: 'concat_score_weight', shape: [], trainable: true });
    return { shape: built.shape, weights };
  },
});

export const AdditiveAttention = defineLayer({
  type: 'AdditiveAttention',
  description: 'Additive (Bahdanau-style) attention over [query, value, key?]: softmax(Σ scale · tanh(query + key)) · value.',
  params: {
    use_scale: p.bool('Whether to learn a per-feature scale of the scores.', true),
    ...attentionParams,
  },
  arity: { min: 2, max: 3 },
  roles: attentionRoles,
  keras: { callArguments: ['use_causal_mask'] },
  infer(c, inputs, ctx) {
    const built = attentionShape(ctx, inputs);
    if (!built) return undefined;
    return { shape: built.shape, weights: c.use_scale ? [{ name: 'scale', shape: [built.dims[0]!], trainable: true }] : [] };
  },
});

export const attentionLayers = [MultiHeadAttention, Attention, AdditiveAttention];
