/**
 * Issue 10, item 2: every computed dimension and element count goes through exact arithmetic
 * (shape.ts) and one check (infer's checkSizes): past 2^53 - 1 it is a located NN508 naming the
 * layer and the shapes, never an inexact integer (18446744073709552000) or a float in JSON.
 */
import { describe, expect, it } from 'vitest';
import { convOutputLength, deconvOutputLength, knownProduct, mulAdd, poolOutputLength } from '../../src/layers/shape.js';
import { runCli } from '../helpers.js';
import { writeTemp } from './temp.js';

const MAX = '9007199254740991';
const spec = (shape: string, layers: string) => `nnspec: 1\nname: t\ninputs:\n  x: {shape: ${shape}}\nlayers:\n${layers}\noutputs: [o]\n`;

const CASES = [
  {
    name: 'Flatten of 2^32 × 2^32',
    text: spec('[4294967296, 4294967296]', '  o: {type: Flatten}'),
    code: 'NN508', at: '6:3',
    message: "Flatten 'o' would produce a dimension of about 1.845e+19 on axis 1 from input x (None, 4294967296, 4294967296); sizes beyond 2^53 - 1 cannot be represented exactly",
  },
  {
    name: 'Reshape with -1 of 2^64 elements',
    text: spec('[4294967296, 4294967296]', '  o: {type: Reshape, target_shape: [-1, 2]}'),
    code: 'NN508', at: '6:36',
    message: "Reshape 'o' cannot reshape: x (None, 4294967296, 4294967296) has about 1.845e+19 elements, beyond 2^53 - 1, which nnspec cannot count exactly",
  },
  {
    name: 'Reshape whose target_shape product overflows',
    text: spec('[4]', `  o: {type: Reshape, target_shape: [${MAX}, 2, -1]}`),
    code: 'NN508', at: '6:36',
    message: `Reshape 'o' cannot reshape: target_shape (${MAX}, 2, -1) has about 1.801e+16 elements, beyond 2^53 - 1, which nnspec cannot count exactly`,
  },
  {
    name: 'UpSampling2D by 2^32',
    text: spec('[4294967296, 4, 3]', '  o: {type: UpSampling2D, size: [4294967296, 1]}'),
    code: 'NN508', at: '6:3',
    message: "UpSampling2D 'o' would produce a dimension of about 1.845e+19 on axis 1 from input x (None, 4294967296, 4, 3); sizes beyond 2^53 - 1 cannot be represented exactly",
  },
  {
    name: 'RepeatVector then Flatten',
    text: spec(`[${MAX}]`, `  r: {type: RepeatVector, n: ${MAX}}\n  o: {type: Flatten}`),
    code: 'NN508', at: '7:3',
    message: `Flatten 'o' would produce a dimension of about 8.113e+31 on axis 1 from input r (None, ${MAX}, ${MAX}); sizes beyond 2^53 - 1 cannot be represented exactly`,
  },
  {
    name: 'Conv2DTranspose output length',
    text: spec(`[${MAX}, 4, 3]`, '  o: {type: Conv2DTranspose, filters: 1, kernel_size: 1, strides: 3}'),
    code: 'NN508', at: '6:3',
    message: `Conv2DTranspose 'o' would produce a dimension of about 2.702e+16 on axis 1 from input x (None, ${MAX}, 4, 3); sizes beyond 2^53 - 1 cannot be represented exactly`,
  },
  {
    name: 'ZeroPadding2D past 2^53 - 1',
    text: spec(`[${MAX}, 4, 3]`, '  o: {type: ZeroPadding2D, padding: 1}'),
    code: 'NN508', at: '6:3',
    message: `ZeroPadding2D 'o' would produce a dimension of about 9.007e+15 on axis 1 from input x (None, ${MAX}, 4, 3); sizes beyond 2^53 - 1 cannot be represented exactly`,
  },
  {
    name: 'Concatenate past 2^53 - 1',
    text: `nnspec: 1\nname: t\ninputs:\n  x: {shape: [${MAX}]}\n  y: {shape: [2]}\nlayers:\n  o: {type: Concatenate, inputs: [x, y]}\noutputs: [o]\n`,
    code: 'NN508', at: '7:3',
    message: `Concatenate 'o' would produce a dimension of about 9.007e+15 on axis 1 from input x (None, ${MAX}), y (None, 2); sizes beyond 2^53 - 1 cannot be represented exactly`,
  },
  {
    name: 'Dense parameter count',
    text: spec('[10]', `  o: {type: Dense, units: ${MAX}}`),
    code: 'NN505', at: '6:3',
    message: "Dense 'o' would have 9.91e+16 parameters; nnspec refuses more than 10^10",
  },
];

describe('computed sizes beyond 2^53 - 1', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: one located error, exit 1', async (_n, c) => {
    const file = writeTemp('overflow.yaml', c.text);
    const r = await runCli(['validate', '--format', 'json', file]);
    expect(r.code).toBe(1);
    const d = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string; message: string; line: number; column: number }[] }[] }).files[0]!.diagnostics;
    expect(d.map((x) => ({ code: x.code, at: `${x.line}:${x.column}`, message: x.message }))).toEqual([{ code: c.code, at: c.at, message: c.message }]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: summary --format json prints no shape and exits 1', async (_n, c) => {
    const file = writeTemp('overflow.yaml', c.text);
    const r = await runCli(['summary', '--format', 'json', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`[${c.code}]`);
  });

  it('sizes up to 2^53 - 1 are printed exactly in JSON', async () => {
    const file = writeTemp('edge.yaml', spec(`[${MAX}]`, '  o: {type: Reshape, target_shape: [-1, 1]}'));
    const r = await runCli(['summary', '--format', 'json', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`[\n        null,\n        ${MAX},\n        1\n      ]`);
    expect(r.stdout).not.toMatch(/\d[eE][+-]?\d|\d\.\d/);
  });
});

describe('the checked arithmetic', () => {
  it('is exact up to 2^53 - 1 and never gives a wrong small number past it', () => {
    expect(knownProduct([94906265, 94906265])).toBe(9007199136250225);
    expect(knownProduct([4294967296, 4294967296])).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(knownProduct([2, 1.5])).toBeNaN();
    expect(mulAdd(Number.MAX_SAFE_INTEGER, 1, 1)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    // The dilated kernel (k - 1) * d + 1 is past 2^53 here, the output length is not: exact.
    expect(convOutputLength(Number.MAX_SAFE_INTEGER, 3, 'valid', 1, 2 ** 52)).toBe(-1);
    expect(convOutputLength(Number.MAX_SAFE_INTEGER, 2, 'valid', 3, 2 ** 52)).toBe(Math.ceil((2 ** 52 - 1) / 3));
    expect(convOutputLength(Number.MAX_SAFE_INTEGER, 3, 'valid', 1, Number.MAX_SAFE_INTEGER)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(convOutputLength(10, 3, 'valid', 4)).toBe(2);
    expect(convOutputLength(1, 3, 'valid', 2)).toBe(0);
    expect(poolOutputLength(Number.MAX_SAFE_INTEGER, 2, 'valid', 1)).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(poolOutputLength(1, 3, 'valid', 2)).toBe(0);
    expect(deconvOutputLength(Number.MAX_SAFE_INTEGER, 1, 'same', 3)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(deconvOutputLength(5, 3, 'same', 2, 1, 1)).toBe(10);
  });
});
