/** A saved SeparableConv2D with depth_multiplier > 1 reloads in plain tfjs with weights that fit. */
import type * as tfTypes from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { compileText, oneLayer } from '../helpers.js';

describe('SeparableConv2D model.json', () => {
  it('keeps depth_multiplier through save and load', async () => {
    const tf = await loadTf('cpu');
    const graph = compileText(oneLayer('{type: SeparableConv2D, filters: 4, kernel_size: 3, depth_multiplier: 3}', '[8, 8, 2]')).graph!;
    const { model } = buildModel(graph, tf);
    let saved: tfTypes.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const layers = (saved!.modelTopology as { config: { layers: { name: string; config: Record<string, unknown> }[] } }).config.layers;
    expect(layers.find((l) => l.name === 'r')!.config.depth_multiplier).toBe(3);
    expect(reloaded.countParams()).toBe(model.countParams());
    const x = tf.randomNormal([1, 8, 8, 2]);
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as never, reloaded.predict(x) as never))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });
});
