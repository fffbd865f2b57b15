/** (to be written) */
import type { LayerKind } from './kind.js';
import type { ParamMap } from './params.js';

export const wrapperLayers: LayerKind<ParamMap>[] = [];
