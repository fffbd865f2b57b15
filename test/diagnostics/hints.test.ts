/** Messages that say how, not only where (issue 11 item 7): the hint of a rank error and of a spec without outputs. */
import { describe, expect, it } from 'vitest';
import { compileText } from '../helpers.js';

const spec = (shape: string, layer: string, outputs = '\noutputs: [d]') => `nnspec: 1\nname: t\ninputs:\n  x: {shape: ${shape}}\nlayers:\n  d: ${layer}${outputs}\n`;
const first = (text: string) => {
  const d = compileText(text).diagnostics[0]!;
  return { code: d.code, at: `${d.line}:${d.column}`, message: d.message, hint: d.hint };
};

describe('NN501 says which layer fixes the rank', () => {
  it('an image without its channel axis: the input shape with a trailing 1, or a Reshape', () => {
    expect(first(spec('[28, 28]', '{type: Conv2D, filters: 4, kernel_size: 3}'))).toEqual({
      code: 'NN501',
      at: '6:3',
      message: "Conv2D 'd' expects input of rank 4 (batch, rows, cols, channels); got x (None, 28, 28) of rank 3",
      hint: "a one-channel input needs its channel axis: declare the input's shape as [28, 28, 1], or put `{type: Reshape, target_shape: [28, 28, 1]}` before it",
    });
  });

  it('a sequence of any length: the input shape only (Reshape cannot take null)', () => {
    expect(first(spec('[null]', '{type: Conv1D, filters: 4, kernel_size: 3}')).hint).toBe("a one-channel input needs its channel axis: declare the input's shape as [null, 1]");
  });

  it('one more axis than the layer takes: TimeDistributed', () => {
    expect(first(spec('[5, 8, 8, 3]', '{type: Conv2D, filters: 4, kernel_size: 3}')).hint).toBe('for a sequence of such inputs (one per timestep), wrap the layer in TimeDistributed');
  });

  it('a layer of (batch, features) on an image: Flatten', () => {
    const d = compileText(spec('[8, 8, 3]', '{type: Masking}\n  e: {type: Dropout, rate: 0.1}\n  f: {type: RepeatVector, n: 2}', '\noutputs: [f]')).diagnostics.find((x) => x.code === 'NN501')!;
    expect(d.hint).toBe('put a Flatten (or a global pooling layer) before it to make one feature vector per sample');
  });
});

it('a spec without outputs: NN201 at the top with a hint', () => {
  expect(first(spec('[4]', '{type: Dense, units: 1}', ''))).toEqual({
    code: 'NN201',
    at: '1:1',
    message: "the spec is missing required key 'outputs'",
    hint: 'list the layers whose values the model returns, e.g. `outputs: [prediction]` (several for a multi-output model)',
  });
});
