/**
 * Properties of shape inference over generated layers, with fast-check: convolution and pooling
 * output lengths against a brute-force count of window positions; Dense, Concatenate and Flatten
 * shapes and parameter counts against their formulas; and compile on random specs built from
 * every registered layer type and its arguments never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compile } from '../../src/compiler/compile.js';
import { LAYER_KINDS } from '../../src/layers/registry.js';
import { compileText, oneLayer, specWith } from '../helpers.js';

type Padding = 'valid' | 'same' | 'causal';

/**
 * Window positions counted one by one: a window starts every `stride` steps and spans
 * (kernel - 1) * dilation + 1 steps. 'valid' keeps windows inside the input; 'causal' first pads
 * (kernel - 1) * dilation steps on the left; 'same' has one output per stride step of the input.
 */
function windows(n: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  const span = (kernel - 1) * dilation + 1;
  const length = padding === 'causal' ? n + span - 1 : n;
  let count = 0;
  for (let start = 0; start < n + span; start += stride) {
    if (padding === 'same' ? start < n : start + span <= length) count++;
  }
  return count;
}

/** The output shape, parameter count and error codes nnspec gives one layer on one input. */
function one(layer: Record<string, unknown>, shape: (number | null)[]) {
  const result = compileText(oneLayer(JSON.stringify(layer), JSON.stringify(shape)));
  const node = result.graph?.nodes.get('r');
  return { ok: result.ok, codes: result.diagnostics.map((d) => d.code), shape: node?.output?.shape, params: node?.layer?.params };
}

const size = fc.integer({ min: 1, max: 24 });

describe('convolution and pooling output lengths equal a count of window positions', () => {
  it('Conv1D (valid, same, causal; strides, dilation, bias)', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom<Padding>('valid', 'same', 'causal'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (n, k, s, d, padding, channels, filters, bias) => {
        const r = one({ type: 'Conv1D', filters, kernel_size: k, strides: s, dilation_rate: d, padding, use_bias: bias }, [n, channels]);
        if (s > 1 && d > 1) {
          expect(r.codes).toEqual(['NN503']);
          return;
        }
        const steps = windows(n, k, s, d, padding);
        if (steps <= 0) {
          expect(r.codes).toEqual(['NN502']);
          return;
        }
        expect(r.codes).toEqual([]);
        expect(r.shape).toEqual([null, steps, filters]);
        expect(r.params).toBe(k * channels * filters + (bias ? filters : 0));
      }),
      { numRuns: 300 },
    );
  });

  it('Conv2D, each spatial axis on its own', () => {
    fc.assert(
      fc.property(fc.tuple(size, size), fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), fc.constantFrom<Padding>('valid', 'same'), fc.integer({ min: 1, max: 3 }), (hw, k, s, padding, channels) => {
        const r = one({ type: 'Conv2D', filters: 2, kernel_size: k, strides: s, padding }, [...hw, channels]);
        const out = hw.map((n, i) => windows(n, k[i]!, s[i]!, 1, padding));
        if (out.some((o) => o <= 0)) {
          expect(r.codes).toEqual(['NN502']);
          return;
        }
        expect(r.codes).toEqual([]);
        expect(r.shape).toEqual([null, ...out, 2]);
        expect(r.params).toBe(k[0] * k[1] * channels * 2 + 2);
      }),
      { numRuns: 200 },
    );
  });

  it('MaxPooling1D and AveragePooling1D (strides default to the pool size)', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 6 }), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), fc.constantFrom<'valid' | 'same'>('valid', 'same'), fc.constantFrom('MaxPooling1D', 'AveragePooling1D'), (n, pool, strides, padding, type) => {
        const r = one({ type, pool_size: pool, padding, ...(strides === undefined ? {} : { strides }) }, [n, 3]);
        const steps = windows(n, pool, strides ?? pool, 1, padding);
        if (steps <= 0) {
          expect(r.ok).toBe(false);
          return;
        }
        expect(r.codes).toEqual([]);
        expect(r.shape).toEqual([null, steps, 3]);
        expect(r.params).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

const dims = (min: number, max: number) => fc.array(fc.integer({ min: 1, max: 9 }), { minLength: min, maxLength: max });

describe('Dense, Concatenate and Flatten follow their formulas', () => {
  it('Dense maps the last axis to units: units * (in + 1) parameters, or units * in without a bias', () => {
    fc.assert(
      fc.property(dims(1, 4), fc.integer({ min: 1, max: 50 }), fc.boolean(), (shape, units, bias) => {
        const r = one({ type: 'Dense', units, use_bias: bias }, shape);
        expect(r.codes).toEqual([]);
        expect(r.shape).toEqual([null, ...shape.slice(0, -1), units]);
        expect(r.params).toBe(units * shape[shape.length - 1]! + (bias ? units : 0));
      }),
      { numRuns: 200 },
    );
  });

  it('Concatenate adds the sizes on its axis and needs every other axis equal', () => {
    const input = dims(1, 3).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        // Keras counts the batch axis: axis 1..rank or -rank..-1 name the same axes.
        axis: fc.integer({ min: 0, max: shape.length - 1 }).chain((a) => fc.constantFrom(a + 1, a - shape.length)),
        sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }),
        clash: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(input, ({ shape, axis, sizes, clash }) => {
        const at = axis > 0 ? axis - 1 : axis + shape.length;
        const shapes = sizes.map((n) => shape.map((d, i) => (i === at ? n : d)));
        // A clash changes one other axis of the last input (possible only at rank 2 and above).
        const other = shape.findIndex((_, i) => i !== at);
        const clashes = clash !== undefined && other >= 0;
        if (clashes) shapes[shapes.length - 1]![other] = shape[other]! + 1 + (clash % 3);
        const names = shapes.map((_, i) => `x${i}`);
        const text = specWith(shapes.map((s, i) => `  x${i}: {shape: ${JSON.stringify(s)}}`).join('\n'), `  r: {type: Concatenate, axis: ${axis}, inputs: [${names.join(', ')}]}`, 'r');
        const result = compileText(text);
        if (clashes) {
          expect(result.ok).toBe(false);
          return;
        }
        expect(result.diagnostics).toEqual([]);
        const sum = sizes.reduce((a, b) => a + b, 0);
        expect(result.graph!.nodes.get('r')!.output!.shape).toEqual([null, ...shape.map((d, i) => (i === at ? sum : d))]);
        expect(result.graph!.totalParams).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('Flatten gives the product of the non-batch sizes, unknown when one is unknown', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 8 }), { nil: null, freq: 6 }), { minLength: 1, maxLength: 4 }), (shape) => {
        const r = one({ type: 'Flatten' }, shape);
        expect(r.codes).toEqual([]);
        expect(r.shape).toEqual([null, shape.includes(null) ? null : shape.reduce((a, b) => a! * b!, 1)]);
        expect(r.params).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('compile on random specs', () => {
  const types = [...LAYER_KINDS.keys()];
  const odd = fc.oneof(
    fc.integer({ min: -3, max: 40 }),
    fc.constantFrom(null, true, false, 0.5, -1, 1e12, '', 'same', 'valid', 'causal', 'relu', 'x', 'concat', 'channels_first', [], [2], [2, 3], [0], [null], {}, { type: 'Dense', units: 2 }, { type: 'GRU', units: 2 }),
  );
  /** A layer entry: a random registered type with a few of its own arguments (and sometimes a stray one). */
  const layer = (names: string[]) =>
    fc.constantFrom(...types).chain((type) => {
      const args = [...Object.keys(LAYER_KINDS.get(type)!.params), 'inputs', 'unknown_arg'];
      return fc.record({
        type: fc.constant(type),
        args: fc.dictionary(fc.constantFrom(...args), odd, { maxKeys: 3 }),
        inputs: fc.option(fc.oneof(fc.constantFrom(...names, 'nowhere'), fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 })), { nil: undefined }),
      });
    });
  const shape = fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(null, 0, -1, 'x') }), { minLength: 1, maxLength: 4 });
  const spec = fc.record({ inputs: fc.array(shape, { minLength: 1, maxLength: 2 }), count: fc.integer({ min: 1, max: 6 }) }).chain(({ inputs, count }) => {
    const names = [...inputs.map((_, i) => `in${i}`), ...Array.from({ length: count }, (_, i) => `l${i}`)];
    return fc.record({
      inputs: fc.constant(inputs),
      layers: fc.tuple(...Array.from({ length: count }, () => layer(names))),
      outputs: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 2 }),
      training: fc.option(fc.record({ optimizer: fc.constantFrom('adam', 'sgd', 'nope'), loss: fc.constantFrom('mse', 'categorical_crossentropy', 'nope') }), { nil: undefined }),
    });
  });

  it('never throws, and every diagnostic is located inside the spec', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const doc = {
          nnspec: 1,
          name: 'random',
          inputs: Object.fromEntries(s.inputs.map((shape, i) => [`in${i}`, { shape }])),
          layers: Object.fromEntries(s.layers.map((l, i) => [`l${i}`, { type: l.type, ...l.args, ...(l.inputs === undefined ? {} : { inputs: l.inputs }) }])),
          outputs: s.outputs,
          ...(s.training ? { training: s.training } : {}),
        };
        const text = stringify(doc);
        const result = compile(text, 'random.yaml');
        const lines = text.split('\n').length;
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
        }
        if (result.ok) for (const node of result.graph!.order) expect(node.output, node.name).toBeDefined();
      }),
      { numRuns: 400 },
    );
  });
});
