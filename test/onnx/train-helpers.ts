/** Shared by the onnx training tests: a spec's plan, random Dense batches, close named arrays. */
import { expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { Batch, ModelPlan, NamedArray } from '../../src/train/engine.js';
import { resolveObjective } from '../../src/train/objective.js';
import { optimizerConfig } from '../../src/train/optimizer-config.js';
import { rngFor } from '../../src/train/random.js';

export function planOf(text: string, seed = 7): ModelPlan {
  const r = compile(text, 'spec.yaml');
  const graph = r.graph!;
  const objective = resolveObjective(graph);
  if ('error' in objective) throw new Error(objective.error);
  return { graph, outputs: objective.outputs, seed, optimizer: optimizerConfig(graph.training?.optimizer) };
}

export function randomBatch(size: number, seed: number): Batch {
  const rng = rngFor(seed, 'batch');
  const x = Float32Array.from({ length: size * 6 }, () => rng.normal());
  const y = new Float32Array(size * 3);
  for (let i = 0; i < size; i++) y[i * 3 + rng.int(3)] = 1;
  return { size, inputs: [{ values: x, shape: [size, 6], dtype: 'float32' }], targets: [{ values: y, shape: [size, 3], dtype: 'float32' }] };
}

export function expectNamedClose(a: NamedArray[], b: NamedArray[], tol: number): void {
  expect(a.map((w) => w.name)).toEqual(b.map((w) => w.name));
  a.forEach((w, k) => {
    expect(w.shape).toEqual(b[k]!.shape);
    w.values.forEach((x, i) => {
      const e = b[k]!.values[i]!;
      if (!(Math.abs(x - e) <= tol * Math.max(1, Math.abs(e)))) throw new Error(`${w.name}[${i}]: onnx ${x} vs tfjs ${e}`);
    });
  });
}

