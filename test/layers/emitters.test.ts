/** Every layer type runs on every engine: a new layer type without a tfjs emitter fails here. */
import { describe, expect, it } from 'vitest';
import { TFJS_EMITTERS } from '../../src/backends/tfjs/layers/registry.js';
import { LAYER_KINDS } from '../../src/layers/registry.js';

describe('tfjs emitters', () => {
  it('one for every layer type, and none for a type nnspec does not have', () => {
    const layerTypes = [...LAYER_KINDS.keys()].sort();
    expect(layerTypes.filter((t) => !TFJS_EMITTERS.has(t))).toEqual([]);
    expect([...TFJS_EMITTERS.keys()].filter((t) => !LAYER_KINDS.has(t))).toEqual([]);
    expect(TFJS_EMITTERS.size).toBe(layerTypes.length);
  });
});
