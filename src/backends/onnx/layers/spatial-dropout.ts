/** SpatialDropout2D/3D: one uniform draw per sample and channel (a slice of the input fixes the noise's shape), shared over the spatial axes. */
import { spatialNoiseShape } from '../../../layers/spatial-dropout.js';
import { dropWith, uniformLike } from './common.js';
import type { LayerEmitter } from './emitter.js';

const spatialDropout: LayerEmitter = (c, [x], ctx) => {
  const rate = c.rate as number;
  if (!ctx.training || rate === 0) return [x!];
  const { g } = ctx;
  const v = x!.value;
  const axes = spatialNoiseShape(v.shape.length, c.data_format as string).flatMap((d, i) => (d === 1 ? [i] : []));
  const like = g.op1('Slice', [v, g.ints(axes.map(() => 0)), g.ints(axes.map(() => 1)), g.ints(axes)]);
  return [{ value: dropWith(g, v, uniformLike(g, like, ctx.seed()), rate), ...(x!.mask ? { mask: x!.mask } : {}) }];
};

export const spatialDropoutEmitters: Record<string, LayerEmitter> = { SpatialDropout2D: spatialDropout, SpatialDropout3D: spatialDropout };
