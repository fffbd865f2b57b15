/** Every layer type nnspec knows, by Keras class name. Adding a layer type: its module entry, one line here, and an emitter in each engine's layers/ folder. */
import { activationLayers } from './activations.js';
import { attentionLayers } from './attention.js';
import { convLayers } from './conv.js';
import { coreLayers } from './core.js';
import { groupNormalizationLayers } from './group-normalization.js';
import { unitNormalizationLayers } from './unit-normalization.js';
import { identityLayers } from './identity.js';
import { spatialDropoutLayers } from './spatial-dropout.js';
import { gaussianDropoutLayers } from './gaussian-dropout.js';
import { alphaDropoutLayers } from './alpha-dropout.js';
import type { LayerKind } from './kind.js';
import { mergeLayers } from './merge.js';
import { normalizationLayers } from './normalization.js';
import { COMMON_PARAMS, type ParamMap } from './params.js';
import { poolingLayers } from './pooling.js';
import { preprocessingLayers } from './preprocessing.js';
import { imagePreprocessingLayers } from './preprocessing-image.js';
import { recurrentLayers } from './recurrent.js';
import { reshapeLayers } from './reshape.js';
import { resizingLayers } from './resizing.js';
import { wrapperLayers } from './wrappers.js';

const ALL = [
  ...coreLayers,
  ...reshapeLayers,
  ...convLayers,
  ...poolingLayers,
  ...resizingLayers,
  ...recurrentLayers,
  ...wrapperLayers,
  ...normalizationLayers,
  ...groupNormalizationLayers,
  ...unitNormalizationLayers,
  ...identityLayers,
  ...spatialDropoutLayers,
  ...gaussianDropoutLayers,
  ...alphaDropoutLayers,
  ...activationLayers,
  ...mergeLayers,
  ...attentionLayers,
  ...preprocessingLayers,
  ...imagePreprocessingLayers,
] as unknown as LayerKind<ParamMap>[];

export const LAYER_KINDS: ReadonlyMap<string, LayerKind<ParamMap>> = new Map(ALL.map((k) => [k.type, k]));

export function layerKind(type: string): LayerKind<ParamMap> | undefined {
  return LAYER_KINDS.get(type);
}

/** Applies Keras defaults to a validated layer configuration (wrapped layers included). */
export function withDefaults(config: Record<string, unknown>): { type: string } & Record<string, unknown> {
  const kind = LAYER_KINDS.get(config.type as string);
  const out: Record<string, unknown> = { type: config.type };
  if (!kind) return { ...config, type: String(config.type) };
  for (const [name, param] of Object.entries({ ...kind.params, ...COMMON_PARAMS })) {
    const given = config[name];
    out[name] = given === undefined ? param.default : given;
  }
  if (kind.wrapper && config.layer && typeof config.layer === 'object') out.layer = withDefaults(config.layer as Record<string, unknown>);
  return out as { type: string } & Record<string, unknown>;
}
