/**
 * Each layer's Keras knowledge lives in its definition (keras.spatialRank, aliases, Keras 2 names,
 * data expectations), and export, import and the data checks read it there.
 */
import { describe, expect, it } from 'vitest';
import { kerasLayer } from '../../src/backends/export/keras-layer.js';
import { LAYER_KINDS, withDefaults } from '../../src/layers/registry.js';

/** Arguments with one entry per spatial axis. */
const TUPLE_ARGS = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'output_padding', 'size'];

describe("layer definitions' Keras knowledge", () => {
  it('every layer with per-axis arguments declares its spatial rank, and the name agrees', () => {
    const missing: string[] = [];
    for (const kind of LAYER_KINDS.values()) {
      const tupled = Object.keys(kind.params).some((k) => TUPLE_ARGS.includes(k));
      if (tupled && kind.keras?.spatialRank === undefined) missing.push(kind.type);
      const named = /([123])D$/.exec(kind.type)?.[1];
      if (named && kind.keras?.spatialRank !== undefined) expect(`${kind.type} ${kind.keras.spatialRank}`).toBe(`${kind.type} ${named}`);
    }
    expect(missing).toEqual([]);
  });

  it('export spells tuples out to the spatial rank (1D: one entry, 2D: two)', () => {
    const conv1 = kerasLayer(withDefaults({ type: 'Conv1D', filters: 2, kernel_size: 3 }), 'c', []);
    const conv2 = kerasLayer(withDefaults({ type: 'Conv2D', filters: 2, kernel_size: 3 }), 'c', []);
    const up = kerasLayer(withDefaults({ type: 'UpSampling2D', size: 2 }), 'u', []);
    expect([conv1.config.kernel_size, conv1.config.strides, conv2.config.kernel_size, conv2.config.dilation_rate, up.config.size]).toEqual([[3], [1], [3, 3], [1, 1], [2, 2]]);
  });

  it('aliases name one layer each and never shadow a layer type', () => {
    const aliases = [...LAYER_KINDS.values()].flatMap((k) => k.keras?.aliases ?? []);
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(aliases.filter((a) => LAYER_KINDS.has(a))).toEqual([]);
  });

  it('Keras 2 names, extra keys and pooling strides come from the definitions', () => {
    expect(kerasLayer(withDefaults({ type: 'LeakyReLU' }), 'l', []).config).toMatchObject({ alpha: 0.3 });
    expect(kerasLayer(withDefaults({ type: 'LeakyReLU' }), 'l', []).config).not.toHaveProperty('negative_slope');
    expect(kerasLayer(withDefaults({ type: 'GRU', units: 2 }), 'g', []).config).toMatchObject({ implementation: 2 });
    expect(kerasLayer(withDefaults({ type: 'MaxPooling2D', pool_size: 3 }), 'p', []).config).toMatchObject({ strides: [3, 3], pool_size: [3, 3] });
  });

  it('the layers that read their input as ids (Embedding, CategoryEncoding), and which put a mask on their output', () => {
    const ids = [...LAYER_KINDS.values()].filter((k) => k.data?.ids).map((k) => `${k.type} < ${k.data!.ids!.below}`);
    expect(ids.sort()).toEqual(['CategoryEncoding < num_tokens', 'Embedding < input_dim']);
    const masking = (type: string, args: Record<string, unknown> = {}) => LAYER_KINDS.get(type)!.masks?.(withDefaults({ type, ...args }) as never) ?? false;
    expect([masking('Masking'), masking('Embedding', { input_dim: 3, output_dim: 2, mask_zero: true }), masking('Embedding', { input_dim: 3, output_dim: 2 }), masking('Dense', { units: 1 })]).toEqual([true, true, false, false]);
  });
});
