/**
 * GroupNormalization (Keras 3, Wu and He 2018): the channels on `axis` split into `groups` groups
 * of consecutive channels; each sample is normalised over every axis but the batch and the
 * group, (x - mean) / sqrt(variance + epsilon), then scaled by gamma and shifted by beta per
 * channel. groups: -1 is one group per channel (instance normalization).
 */
import { defineLayer, ONE_INPUT, only, rankError } from './kind.js';
import { gammaBeta, gammaBetaParams } from './normalization.js';
import { p } from './params.js';
import { formatShape, normalizeAxis } from './shape.js';

export const GroupNormalization = defineLayer({
  type: 'GroupNormalization',
  description: 'Normalizes each sample over groups of channels (and every other axis but the batch), then scales by gamma and shifts by beta per channel.',
  params: {
    groups: p.int('Number of groups the channels are split into; -1: one per channel.', 32, -1),
    axis: p.int('The channel axis (negative counts from the end; the batch axis is 0).', -1, Number.MIN_SAFE_INTEGER),
    epsilon: p.number('Small number added to the variance to avoid dividing by zero.', 0.001, { exclusiveMinimum: 0 }),
    ...gammaBetaParams,
    beta_constraint: p.constraint('Constraint applied to beta.'),
    gamma_constraint: p.constraint('Constraint applied to gamma.'),
  },
  arity: ONE_INPUT,
  infer(c, inputs, ctx) {
    const x = only(inputs);
    const rank = x.shape.length;
    if (rank < 2) return rankError(ctx, x, '>= 2');
    const input = `${ctx.inputNames[0]} ${formatShape(x.shape)}`;
    const axis = normalizeAxis(c.axis, rank);
    if (axis === undefined || axis === 0) {
      return ctx.error('NN503', `${ctx.describe} cannot take axis ${c.axis} of ${input} as its channels: it is ${axis === 0 ? 'the batch axis' : `out of range for rank ${rank}`}`, {
        param: 'axis',
        hint: `use an axis from 1 to ${rank - 1}, or -1 for the last`,
      });
    }
    const channels = x.shape[axis];
    if (channels === null || channels === undefined) {
      return ctx.error('NN506', `${ctx.describe} needs the size of its channel axis ${c.axis} to be known, since gamma and beta span it; got ${input}`, { hint: 'give the input a fixed size on that axis' });
    }
    if (c.groups === 0) return ctx.error('NN503', `${ctx.describe} cannot split channels into 0 groups`, { param: 'groups', hint: 'give a positive number of groups, or -1 for one per channel' });
    const groups = c.groups === -1 ? channels : c.groups;
    if (groups > channels || channels % groups !== 0) {
      const why = groups > channels ? 'more groups than channels' : `${channels} is not a multiple of ${groups}`;
      return ctx.error('NN503', `${ctx.describe} cannot split the ${channels} channels of ${input} into ${groups} groups: ${why}`, {
        param: 'groups',
        hint: `use a divisor of ${channels}, or -1 for one group per channel`,
      });
    }
    return { shape: x.shape, weights: gammaBeta(c, [channels]) };
  },
});

export const groupNormalizationLayers = [GroupNormalization];
