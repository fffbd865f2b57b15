/**
 * The tfjs engine's layer registry: every layer type's emitter, by type, and nnspec's own tfjs
 * classes. Adding a layer type: its emitter in the family module here (test/layers/emitters.test.ts
 * fails for a layer type without one).
 */
import type { LayerConfig, LayerKind } from '../../../layers/kind.js';
import type { ConfigOf, ParamMap } from '../../../layers/params.js';
import type { TfjsEnv, TfLayer } from '../env.js';
import { activationFunctions } from './activation-functions.js';
import { activations } from './activations.js';
import { attention } from './attention.js';
import { conv } from './conv.js';
import { core } from './core.js';
import type { Emitter, SavedLayer, TfjsFamily } from './emitter.js';
import { groupNormalization } from './group-normalization.js';
import { unitNormalization } from './unit-normalization.js';
import { identity } from './identity.js';
import { spatialDropout } from './spatial-dropout.js';
import { gaussianDropout } from './gaussian-dropout.js';
import { alphaDropout } from './alpha-dropout.js';
import { merge } from './merge.js';
import { normalization } from './normalization.js';
import { pooling } from './pooling.js';
import { preprocessing } from './preprocessing.js';
import { recurrent } from './recurrent.js';
import { reshape } from './reshape.js';
import { resizing } from './resizing.js';
import { wrappers } from './wrappers.js';

export const FAMILIES: readonly TfjsFamily[] = [core, reshape, conv, pooling, resizing, recurrent, wrappers, normalization, groupNormalization, unitNormalization, identity, spatialDropout, gaussianDropout, alphaDropout, activations, merge, attention, preprocessing];

export const TFJS_EMITTERS: ReadonlyMap<string, Emitter> = new Map(FAMILIES.flatMap((f) => f.emitters.map((e) => [e.type, e] as const)));

/** A layer type's emitter, typed by its arguments. */
export function tfjsEmitter<P extends ParamMap>(kind: LayerKind<P>): (config: ConfigOf<P>, env: TfjsEnv) => TfLayer {
  const e = TFJS_EMITTERS.get(kind.type);
  if (!e) throw new Error(`internal: the tfjs engine has no emitter for layer type '${kind.type}'`);
  return e.emit as unknown as (config: ConfigOf<P>, env: TfjsEnv) => TfLayer;
}

/** Builds the tfjs layer of a spec layer configuration. */
export function emitTfjs(config: LayerConfig, env: TfjsEnv): TfLayer {
  const e = TFJS_EMITTERS.get(config.type);
  if (!e) throw new Error(`internal: the tfjs engine has no emitter for layer type '${config.type}'`);
  activationFunctions(env.tf);
  return e.emit(config, env);
}

/**
 * The spec layer a saved model.json entry of one of nnspec's tfjs classes stands for (NnspecConv2D
 * is Conv2D with the same arguments), or undefined for a class that is not nnspec's.
 */
export function savedLayer(className: string, config: Record<string, unknown>): SavedLayer | undefined {
  for (const family of FAMILIES) {
    const read = family.saved?.[className];
    if (read) return read(config);
  }
  return className.startsWith('Nnspec') ? { type: className.slice('Nnspec'.length), config } : undefined;
}
