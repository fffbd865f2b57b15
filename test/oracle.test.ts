/**
 * The oracle: every spec in specs/ and test/fixtures/valid/ is built with TensorFlow.js (cpu) and
 * nnspec's own output shapes and parameter counts must equal the tfjs model's, layer by layer.
 * GRU with reset_after: true is the one known tfjs difference (tfjs lacks it); test/layers checks it
 * against the Keras formula instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/backends/tfjs/build.js';
import type { Tf } from '../src/backends/tfjs/env.js';
import { loadTf } from '../src/backends/tfjs/load.js';
import { compile } from '../src/compiler/compile.js';
import type { Layer } from '../src/compiler/graph.js';
import { ROOT } from './helpers.js';

const dirs = [join(ROOT, 'specs'), join(ROOT, 'test/fixtures/valid')];
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(d, f)));

function usesResetAfterGru(layer: Layer): boolean {
  const c = layer.config;
  const inner = (c.layer ?? {}) as Record<string, unknown>;
  return (c.type === 'GRU' && c.reset_after !== false) || (inner.type === 'GRU' && inner.reset_after !== false);
}

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

describe('nnspec shapes and parameter counts equal TensorFlow.js', () => {
  it('has specs to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(file.slice(ROOT.length), () => {
      const result = compile(readFileSync(file), file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const graph = result.graph!;
      if (graph.layers.some(usesResetAfterGru)) return; // covered by the Keras-formula test
      const built = buildModel(graph, tf);
      try {
        for (const node of graph.order) {
          const tensor = built.tensors.get(node.name)!;
          expect({ node: node.name, shape: tensor.shape }).toEqual({ node: node.name, shape: [...node.output!.shape] });
        }
        for (const layer of graph.layers) {
          const t = built.layers.get(layer.name)!;
          const tfWeights = t.weights.map((w) => ({ shape: w.shape, trainable: w.trainable }));
          const ours = layer.weights!.map((w) => ({ shape: w.shape, trainable: w.trainable }));
          expect({ layer: layer.name, weights: ours }).toEqual({ layer: layer.name, weights: tfWeights });
          expect({ layer: layer.name, params: layer.params }).toEqual({ layer: layer.name, params: t.countParams() });
        }
        expect(graph.totalParams).toBe(built.model.countParams());
      } finally {
        built.model.dispose();
      }
    });
  }
});
