/** Every layer type runs on every engine: a new layer type without a tfjs emitter fails here. */
import { describe, expect, it } from 'vitest';
import { savedLayer, TFJS_EMITTERS } from '../../src/backends/tfjs/layers/registry.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { nnspecClassNames } from '../../src/backends/tfjs/register.js';
import { LAYER_KINDS } from '../../src/layers/registry.js';

describe('tfjs emitters', () => {
  it('one for every layer type, and none for a type nnspec does not have', () => {
    const layerTypes = [...LAYER_KINDS.keys()].sort();
    expect(layerTypes.filter((t) => !TFJS_EMITTERS.has(t))).toEqual([]);
    expect([...TFJS_EMITTERS.keys()].filter((t) => !LAYER_KINDS.has(t))).toEqual([]);
    expect(TFJS_EMITTERS.size).toBe(layerTypes.length);
  });

  it("nnspec's own classes come from the same registry and are registered for model.json", async () => {
    const tf = await loadTf('cpu');
    const names = [...nnspecClassNames(tf)].sort();
    expect(names).toEqual(expect.arrayContaining(['NnspecConv2D', 'NnspecGlobalPooling', 'NnspecReLU', 'NnspecUpSampling2D', 'ResetAfterGRU', 'ResetAfterGRUCell', 'Subtract']));
    const registered = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(names.filter((n) => !registered[n])).toEqual([]);
  });

  it("a saved model.json's nnspec classes read back as layer types nnspec has", async () => {
    const tf = await loadTf('cpu');
    const layers = [...nnspecClassNames(tf)].filter((n) => n !== 'ResetAfterGRUCell');
    // As import reads them: savedLayer's type, else the class name itself (Subtract is Keras's name).
    const unread = layers.filter((n) => !LAYER_KINDS.has(savedLayer(n, { mode: 'max', rank: 2 })?.type ?? n));
    expect(unread).toEqual([]);
    expect(savedLayer('NnspecGlobalPooling', { mode: 'average', rank: 1, keepdims: true })).toEqual({ type: 'GlobalAveragePooling1D', config: { keepdims: true } });
    expect(savedLayer('ResetAfterGRU', { units: 2 })).toEqual({ type: 'GRU', config: { units: 2, reset_after: true } });
    expect(savedLayer('NnspecConv1D', { filters: 1 })).toEqual({ type: 'Conv1D', config: { filters: 1 } });
    expect(savedLayer('Dense', { units: 1 })).toBeUndefined();
  });
});
