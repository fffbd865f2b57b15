/**
 * The oracle: every spec in specs/ and test/fixtures/valid/ is built with TensorFlow.js (cpu) and
 * nnspec's own output shapes and parameter counts must equal the tfjs model's, layer by layer.
 * GRU with reset_after: true (the Keras default) is the one layer tfjs lacks: the model is built
 * with nnspec's own tfjs GRU there, so comparing with tfjs would check nnspec against itself. Those
 * layers are checked against Keras's formula instead (keras/src/layers/rnn/gru.py: kernel
 * [input, 3u], recurrent_kernel [u, 3u], bias [2, 3u] — an input and a recurrent bias), and
 * everything around them still against tfjs.
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

type Config = Record<string, unknown>;

/** The reset_after GRU a layer is or wraps (Bidirectional, TimeDistributed), if any. */
function resetAfterGru(layer: Layer): Config | undefined {
  const c = layer.config as Config;
  const gru = c.type === 'GRU' ? c : (c.layer as Config | undefined)?.type === 'GRU' ? (c.layer as Config) : undefined;
  return gru && gru.reset_after !== false ? gru : undefined;
}

/** Keras's weights for a reset_after GRU of `units` over `features` inputs, once per direction. */
function kerasGruWeights(gru: Config, wrapper: unknown, features: number): number[][] {
  const u = gru.units as number;
  const one = [[features, 3 * u], [u, 3 * u], ...(gru.use_bias === false ? [] : [[2, 3 * u]])];
  return wrapper === 'Bidirectional' ? [...one, ...one] : one;
}

/** Keras's output shape for a reset_after GRU layer (alone or wrapped) on its input shape. */
function kerasGruOutput(gru: Config, layer: Config, input: readonly (number | null)[]): (number | null)[] {
  const u = gru.units as number;
  if (layer.type === 'TimeDistributed') return [input[0]!, input[1]!, ...kerasGruOutput(gru, gru, input.slice(1))];
  const width = layer.type === 'Bidirectional' && (layer.merge_mode ?? 'concat') === 'concat' ? 2 * u : u;
  return gru.return_sequences ? [input[0]!, input[1]!, width] : [input[0]!, width];
}

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

describe('nnspec shapes and parameter counts equal TensorFlow.js', () => {
  it('has specs to check, the Keras-default GRU among them', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files.some((f) => compile(readFileSync(f), f).graph?.layers.some((l) => resetAfterGru(l)))).toBe(true);
  });

  for (const file of files) {
    it(file.slice(ROOT.length), () => {
      const result = compile(readFileSync(file), file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const graph = result.graph!;
      const built = buildModel(graph, tf);
      try {
        for (const node of graph.order) {
          const gru = node.layer && resetAfterGru(node.layer);
          const expected = gru
            ? kerasGruOutput(gru, node.layer!.config as Config, graph.nodes.get(node.inputs[0]!)!.output!.shape)
            : built.tensors.get(node.name)!.shape;
          expect({ node: node.name, shape: [...node.output!.shape] }).toEqual({ node: node.name, shape: expected });
        }
        for (const layer of graph.layers) {
          const ours = layer.weights!.map((w) => ({ shape: w.shape, trainable: w.trainable }));
          const gru = resetAfterGru(layer);
          if (gru) {
            const input = graph.nodes.get(layer.nodes[0]!.inputs[0]!)!.output!.shape;
            const shapes = kerasGruWeights(gru, layer.config.type, input[input.length - 1] as number);
            expect({ layer: layer.name, weights: ours }).toEqual({ layer: layer.name, weights: shapes.map((shape) => ({ shape, trainable: true })) });
            expect({ layer: layer.name, params: layer.params }).toEqual({ layer: layer.name, params: shapes.reduce((n, s) => n + s[0]! * s[1]!, 0) });
            continue;
          }
          const t = built.layers.get(layer.name)!;
          const tfWeights = t.weights.map((w) => ({ shape: w.shape, trainable: w.trainable }));
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
