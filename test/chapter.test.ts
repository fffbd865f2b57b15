/**
 * The seed chapter's code has mistakes; each, written as a spec, must be caught before anything
 * trains, with a message that says what is wrong and where.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { ROOT, runCli } from './helpers.js';

const fixture = (name: string) => join('test/fixtures/chapter', name);
function diagnostics(name: string) {
  return compile(readFileSync(join(ROOT, fixture(name))), fixture(name)).diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    at: `${d.line}:${d.column}`,
    message: d.message,
    hint: d.hint,
  }));
}

describe("the seed chapter's mistakes", () => {
  it('Embedding(64, vocabulary): arguments swapped', async () => {
    const [first, second] = diagnostics('swapped_embedding.yaml');
    expect(first).toMatchObject({
      code: 'NN503',
      severity: 'warning',
      at: '8:51',
      message: "Embedding 'embedded_text' maps 64 ids to vectors of 10000 dimensions; output_dim larger than input_dim usually means the two are swapped",
    });
    expect(first!.hint).toContain('did you mean input_dim: 10000, output_dim: 64?');
    expect(second).toMatchObject({ code: 'NN503', at: '10:51' });
    const lenient = await runCli(['validate', fixture('swapped_embedding.yaml')]);
    expect(lenient.code).toBe(0);
    const strict = await runCli(['validate', '--strict', fixture('swapped_embedding.yaml')]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('test/fixtures/chapter/swapped_embedding.yaml:8:51: warning[NN503]');
  });

  it('Conv2D(1, strides=2): no kernel size', async () => {
    expect(diagnostics('conv_without_kernel_size.yaml')).toEqual([
      {
        code: 'NN201',
        severity: 'error',
        at: '10:3',
        message: "Conv2D layer 'residual' is missing required key 'kernel_size'",
        hint: 'Keras has no default kernel size: write e.g. `kernel_size: 3` (or `[3, 3]`)',
      },
    ]);
    expect((await runCli(['validate', fixture('conv_without_kernel_size.yaml')])).code).toBe(1);
  });

  it('the residual projection cannot be added to the main path', () => {
    expect(diagnostics('residual_shapes.yaml')).toEqual([
      expect.objectContaining({
        code: 'NN500',
        at: '12:3',
        message: "Add 'added' needs shapes that are equal or broadcastable; got pooled (None, 14, 14, 128) and residual (None, 16, 16, 1)",
      }),
    ]);
  });

  it('AveragePooling2D(3, strides=2, activation=relu): pooling takes no activation', async () => {
    const [d] = diagnostics('pooling_activation.yaml');
    expect(d).toMatchObject({ code: 'NN200', at: '7:69', message: "unknown key 'activation' in AveragePooling2D layer 'branch_c_pool'" });
    expect((await runCli(['validate', fixture('pooling_activation.yaml')])).code).toBe(1);
  });

  it('Model(input_posts, ...): an undefined input', () => {
    expect(diagnostics('undefined_input.yaml')).toEqual([
      expect.objectContaining({
        code: 'NN300',
        at: '7:80',
        message: "layer 'embedded_posts' takes input 'input_posts', which is not a model input or layer; did you mean 'posts'?",
      }),
    ]);
  });

  it("the inception branches' shapes cannot be concatenated", async () => {
    expect(diagnostics('inception_unpadded.yaml')).toEqual([
      expect.objectContaining({
        code: 'NN500',
        at: '16:3',
        message: "Concatenate 'output' needs matching shapes except on axis -1; got branch_a (None, 16, 16, 128) and branch_b (None, 15, 15, 128)",
      }),
    ]);
    const r = await runCli(['validate', fixture('inception_unpadded.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('inception_unpadded.yaml:16:3: error[NN500]');
  });
});

describe('the seed specs', () => {
  it('all validate with no problems', async () => {
    const count = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).length;
    expect(count).toBeGreaterThanOrEqual(6);
    const r = await runCli(['validate', 'specs']);
    expect(r.stdout).toContain(`${count} files checked, no problems`);
    expect(r.code).toBe(0);
  });
});
