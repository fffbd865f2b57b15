/** AlphaDropout in training: kept = (uniform ≥ rate); y = a·(x·kept + alphaP·(1 − kept)) + b, as Keras; the identity in inference. */
import { alphaDropoutConstants } from '../../../layers/alpha-dropout.js';
import { uniformLike } from './common.js';
import type { LayerEmitter } from './emitter.js';

const AlphaDropout: LayerEmitter = (c, [x], ctx) => {
  const rate = c.rate as number;
  if (!ctx.training || !(rate > 0 && rate < 1)) return [x!];
  const { g } = ctx;
  const v = x!.value;
  const noiseShape = c.noise_shape as (number | null)[] | null;
  const axes = noiseShape ? noiseShape.flatMap((d, i) => (d === 1 && v.shape[i] !== 1 ? [i] : [])) : [];
  const like = axes.length ? g.op1('Slice', [v, g.ints(axes.map(() => 0)), g.ints(axes.map(() => 1)), g.ints(axes)]) : v;
  const kept = g.op1('Cast', [g.op1('GreaterOrEqual', [uniformLike(g, like, ctx.seed()), g.scalar(rate)])], { to: 1 });
  const { alphaP, a, b } = alphaDropoutConstants(rate);
  const mixed = g.op1('Add', [g.op1('Mul', [v, kept]), g.op1('Mul', [g.op1('Sub', [g.scalar(1), kept]), g.scalar(alphaP)])]);
  return [{ value: g.op1('Add', [g.op1('Mul', [mixed, g.scalar(a)]), g.scalar(b)]), ...(x!.mask ? { mask: x!.mask } : {}) }];
};

export const alphaDropoutEmitters: Record<string, LayerEmitter> = { AlphaDropout };
