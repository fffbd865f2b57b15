/** GaussianDropout: x · N(1, sqrt(rate / (1 − rate))) in training; the identity in inference. */
import { f } from './common.js';
import type { LayerEmitter } from './emitter.js';

const GaussianDropout: LayerEmitter = (c, [x], ctx) => {
  const rate = c.rate as number;
  if (!ctx.training || rate === 0) return [x!];
  const { g } = ctx;
  const noise = g.op1('RandomNormalLike', [x!.value], { mean: f(1), scale: f(Math.sqrt(rate / (1 - rate))), seed: f(ctx.seed()), dtype: 1 });
  return [{ value: g.op1('Mul', [x!.value, noise]), ...(x!.mask ? { mask: x!.mask } : {}) }];
};

export const gaussianDropoutEmitters: Record<string, LayerEmitter> = { GaussianDropout };
