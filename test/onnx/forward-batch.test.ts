/**
 * Emitters never bake the batch size into the graph: a forward graph built for batch 2 with its
 * weights as initializers, saved with a symbolic batch axis, runs at batch 3 and gives what a
 * graph built for batch 3 gives (what `export --to onnx` relies on).
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/compiler/graph.js';
import { emitForward } from '../../src/backends/onnx/forward.js';
import { OnnxGraph } from '../../src/backends/onnx/graph.js';
import { createSession, loadOrt } from '../../src/backends/onnx/runtime.js';
import { makeFeeds, specGraph } from '../support/onnx-oracle.js';
import { rng } from '../support/rng.js';

async function outputsAt(graph: Graph, builtFor: number, runAt: number): Promise<Float32Array[]> {
  const next = rng(3);
  const values = new Map<string, Float32Array>();
  const g = new OnnxGraph(graph.name);
  const shapes = makeFeeds(graph, { batch: builtFor, steps: 9 }).shapes;
  const forward = emitForward(graph, {
    g,
    training: false,
    inputShapes: shapes,
    weightValues: (name, w) => {
      const data = Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => (w.weight.endsWith('moving_variance') ? 0.5 + next() : next() - 0.5));
      values.set(name, data);
      return data;
    },
  });
  for (const [name, flow] of forward.outputs) g.output(flow.value, `out_${name}`);
  const session = await createSession(g.toBytes({ dynamic: { 0: 'batch' } }), { threads: 1 });
  const feeds = makeFeeds(graph, { batch: runAt, steps: 9, padIds: true });
  const ort = loadOrt();
  const inputs = Object.fromEntries(
    graph.inputs.map((n) => {
      const d = feeds.data[n.name]!;
      return [n.name, d instanceof Int32Array ? new ort.Tensor('int32', d, feeds.shapes[n.name]!) : new ort.Tensor('float32', d, feeds.shapes[n.name]!)];
    }),
  );
  const out = await session.run(inputs);
  await session.release();
  return graph.outputs.map((o) => out[`out_${o}`]!.data as Float32Array);
}

const SPECS = [
  'test/fixtures/valid/core_and_merges.yaml',
  'test/fixtures/valid/reshape_layers.yaml',
  'test/fixtures/valid/conv_1d.yaml',
  'test/fixtures/valid/conv_2d.yaml',
  'test/fixtures/valid/pooling_2d.yaml',
  'test/fixtures/valid/resizing_2d.yaml',
  'test/fixtures/valid/recurrent_layers.yaml',
  'test/fixtures/valid/recurrent_gru_reset_after.yaml',
  'test/fixtures/valid/wrappers_layers.yaml',
  'test/fixtures/valid/normalization_layers.yaml',
  'test/fixtures/valid/activations_layers.yaml',
];

describe('a forward graph runs at any batch size', () => {
  for (const path of SPECS) {
    it(path.split('/').pop()!, async () => {
      const graph = specGraph(path);
      const dynamic = await outputsAt(graph, 2, 3);
      const fixed = await outputsAt(graph, 3, 3);
      dynamic.forEach((d, i) => expect({ output: graph.outputs[i], values: Array.from(d) }).toEqual({ output: graph.outputs[i], values: Array.from(fixed[i]!) }));
    });
  }
});
