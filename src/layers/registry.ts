/** Every layer type nnspec knows, by Keras class name. Adding a layer type: one module entry, one line here. */
import { coreLayers } from './core.js';
import type { LayerKind } from './kind.js';
import { mergeLayers } from './merge.js';
import type { ParamMap } from './params.js';

const ALL: LayerKind<ParamMap>[] = [...coreLayers, ...mergeLayers] as unknown as LayerKind<ParamMap>[];

export const LAYER_KINDS: ReadonlyMap<string, LayerKind<ParamMap>> = new Map(ALL.map((k) => [k.type, k]));

export function layerKind(type: string): LayerKind<ParamMap> | undefined {
  return LAYER_KINDS.get(type);
}

/** Applies Keras defaults to a validated layer configuration (wrapped layers included). */
export function withDefaults(config: Record<string, unknown>): { type: string } & Record<string, unknown> {
  const kind = LAYER_KINDS.get(config.type as string);
  const out: Record<string, unknown> = { type: config.type };
  if (!kind) return { ...config, type: String(config.type) };
  for (const [name, param] of Object.entries(kind.params)) {
    const given = config[name];
    out[name] = given === undefined ? param.default : given;
  }
  if (kind.wrapper && config.layer && typeof config.layer === 'object') out.layer = withDefaults(config.layer as Record<string, unknown>);
  return out as { type: string } & Record<string, unknown>;
}
