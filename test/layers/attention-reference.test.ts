/**
 * MultiHeadAttention, Attention and AdditiveAttention on both engines against Keras 3's formulas
 * written out in NumPy float64 (scripts/attention-goldens.py, goldens in test/fixtures/attention/):
 * outputs and the gradients of sum(output ⊙ probe) with masks from mask_zero, the causal mask and
 * an attention_mask input, on the script's weights and inputs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { expectGolden, maxAbs, readGoldens, relative, runOnnx, runTfjs } from '../support/golden-engines.js';
import { specGraph } from '../support/onnx-oracle.js';

const GOLDENS = readGoldens('attention/goldens.json');

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

describe.each(Object.keys(GOLDENS))('attention %s = Keras\'s formula in NumPy float64', (key) => {
  const g = GOLDENS[key]!;
  it('tfjs cpu: outputs and gradients', () => {
    const graph = specGraph(g.spec);
    expectGolden(runTfjs(tf, graph, g), g, 1e-5);
  });
  it('onnx: outputs and gradients', async () => {
    const graph = specGraph(g.spec);
    expectGolden(await runOnnx(graph, g), g, 1e-5);
  });
});

describe('the goldens exercise what they claim', () => {
  it('padded ids and a zero key-bias gradient are in the self case', () => {
    const g = GOLDENS.self!;
    expect(g.inputs.ids!.values).toContain(0);
    expect(maxAbs(g.grads['mha/key/bias']!)).toBeLessThan(1e-9);
    expect(maxAbs(g.grads['mha/query/bias']!)).toBeGreaterThan(1e-2);
  });
  it('a wrong mask is caught: the self case\'s golden differs from an unmasked computation on tfjs', () => {
    const g = GOLDENS.self!;
    const unmasked = g.spec.replace('mask_zero: true', 'mask_zero: false');
    const r = runTfjs(tf, specGraph(unmasked), g);
    expect(relative(r.outputs.mha!, g.outputs.mha!.values, maxAbs(g.outputs.mha!.values))).toBeGreaterThan(1e-2);
  });
});
