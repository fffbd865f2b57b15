/** Runs an oracle fixture in TensorFlow.js: outputs have nnspec's shapes and gradients reach every input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { compile } from '../../src/compiler/compile.js';
import { ROOT } from '../helpers.js';

type Tensor = ReturnType<Tf['tensor']>;

export function runsWithInferredShapes(tf: Tf, fixture: string): void {
  const file = join(ROOT, 'test/fixtures/valid', fixture);
  const graph = compile(readFileSync(file), file).graph!;
  const built = buildModel(graph, tf);
  const feeds = graph.inputs.map((n) => tf.randomNormal([2, ...n.output!.shape.slice(1).map((d) => d ?? 9)]));
  const outs = [built.model.predict(feeds)].flat() as Tensor[];
  graph.outputs.forEach((name, i) => {
    const expected = graph.nodes.get(name)!.output!.shape.slice(1);
    expect({ name, shape: outs[i]!.shape.slice(1).map((d, k) => (expected[k] === null ? null : d)) }).toEqual({ name, shape: expected });
  });
  const loss = (...xs: Tensor[]) => tf.addN((built.model.apply(xs, { training: true }) as Tensor[]).map((o) => tf.mean(tf.square(o)))) as Tensor;
  for (const g of tf.grads(loss)(feeds)) expect(tf.all(tf.isFinite(g)).dataSync()[0]).toBe(1);
  built.model.dispose();
}
