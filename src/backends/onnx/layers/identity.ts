/** Identity: the input's value and mask, as they are. */
import type { LayerEmitter } from './emitter.js';

const Identity: LayerEmitter = (_c, [x]) => [x!];

export const identityEmitters: Record<string, LayerEmitter> = { Identity };
