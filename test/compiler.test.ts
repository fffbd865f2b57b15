/** The resolve, order, infer and check passes, on small specs built from Dense and merges. */
import { describe, expect, it } from 'vitest';
import { walk } from '../src/compiler/walk.js';
import { brief, compileText } from './helpers.js';

const head = 'nnspec: 1\nname: t\n';

describe('resolve', () => {
  it('feeds a layer without inputs from the layer above, the first from the only input', () => {
    const r = compileText(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3}\n  b: {type: Dense, units: 2}\noutputs: [b]\n`);
    expect(r.ok).toBe(true);
    expect(r.graph!.nodes.get('a')!.inputs).toEqual(['x']);
    expect(r.graph!.nodes.get('b')!.inputs).toEqual(['a']);
  });

  it('refuses a first layer without inputs when the model has several', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\n  y: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3}\n  b: {type: Add, inputs: [a, y]}\noutputs: [b]\n`)).toEqual([
      { code: 'NN301', at: '7:3', severity: 'error', message: "layer 'a' has no `inputs:` and the model has 2 inputs (x, y)" },
    ]);
  });

  it('reports an undefined input name with a suggestion', () => {
    expect(brief(`${head}inputs:\n  text: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3, inputs: txet}\noutputs: [a]\n`)).toEqual([
      { code: 'NN300', at: '6:38', severity: 'error', message: "layer 'a' takes input 'txet', which is not a model input or layer; did you mean 'text'?" },
    ]);
  });

  it('refuses a layer named like an input', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  x: {type: Dense, units: 3}\noutputs: [x]\n`)[0]).toEqual({
      code: 'NN302', at: '6:3', severity: 'error', message: "layer 'x' has the same name as a model input",
    });
  });

  it('checks the number of inputs', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3}\n  b: {type: Concatenate}\noutputs: [b]\n`)).toEqual([
      { code: 'NN304', at: '7:3', severity: 'error', message: "Concatenate 'b' takes at least 2 inputs; got 1 (the layer directly above, 'a', since `inputs:` is not given)" },
    ]);
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 3}\n  b: {type: Dense, units: 3, inputs: [x, a]}\noutputs: [b]\n`)).toEqual([
      { code: 'NN304', at: '7:30', severity: 'error', message: "Dense 'b' takes exactly 1 input; got 2" },
    ]);
  });
});

describe('shared layers', () => {
  const siamese = (rightWidth: number) =>
    `${head}inputs:\n  l: {shape: [8]}\n  r: {shape: [${rightWidth}]}\nlayers:\n  enc: {type: Dense, units: 4, inputs: l}\n  enc_r: {shares: enc, inputs: r}\n  both: {type: Concatenate, inputs: [enc, enc_r]}\noutputs: [both]\n`;

  it('count their weights once and keep one layer with two call sites', () => {
    const r = compileText(siamese(8));
    expect(r.ok).toBe(true);
    expect(r.graph!.totalParams).toBe(8 * 4 + 4);
    const layer = r.graph!.nodes.get('enc')!.layer!;
    expect(r.graph!.nodes.get('enc_r')!.layer).toBe(layer);
    expect(layer.nodes.map((n) => [n.name, n.callIndex])).toEqual([['enc', 0], ['enc_r', 1]]);
  });

  it('refuse a call on an input their weights cannot take', () => {
    expect(brief(siamese(6))).toEqual([
      { code: 'NN504', at: '8:3', severity: 'error', message: "layer 'enc_r' shares 'enc', whose weights were built for input (None, 8), but is called on (None, 6)" },
    ]);
  });

  it('refuse sharing an input, an unknown name, or a node with its own type', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {shares: x}\noutputs: [a]\n`)[0]).toMatchObject({ code: 'NN303', at: '6:15', message: "layer 'a' shares 'x', which is a model input, not a layer" });
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  enc: {type: Dense, units: 2}\n  a: {shares: ecn}\noutputs: [a]\n`)[0]).toMatchObject({ code: 'NN300', message: "layer 'a' shares 'ecn', which is not a layer; did you mean 'enc'?" });
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  enc: {type: Dense, units: 2}\n  a: {shares: enc, units: 3}\noutputs: [a]\n`)).toEqual([
      { code: 'NN209', at: '7:20', severity: 'error', message: "layer 'a' shares 'enc' and so takes no 'units' of its own" },
    ]);
  });
});

describe('order', () => {
  it('reports a cycle with its path, once', () => {
    const d = brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Add, inputs: [x, c]}\n  b: {type: Dense, units: 4, inputs: a}\n  c: {type: Dense, units: 4, inputs: b}\noutputs: [c]\n`);
    expect(d).toEqual([{ code: 'NN400', at: '7:30', severity: 'error', message: 'the connections form a cycle: a → b → c → a' }]);
  });

  it('reports a layer fed by itself', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Add, inputs: [x, a]}\noutputs: [a]\n`)).toEqual([
      { code: 'NN400', at: '6:18', severity: 'error', message: 'the connections form a cycle: a → a' },
    ]);
  });

  it('orders layers declared before their inputs, and the walker visits inputs first', () => {
    const r = compileText(`${head}inputs:\n  x: {shape: [4]}\nlayers:\n  out: {type: Dense, units: 1, inputs: hidden}\n  hidden: {type: Dense, units: 3, inputs: x}\noutputs: [out]\n`);
    expect(r.ok).toBe(true);
    expect(r.graph!.order.map((n) => n.name)).toEqual(['x', 'hidden', 'out']);
    const depth = walk<number>(r.graph!, (_n, inputs) => (inputs.length ? Math.max(...inputs) + 1 : 0));
    expect([...depth]).toEqual([['x', 0], ['hidden', 1], ['out', 2]]);
  });
});

describe('checks', () => {
  const model = (training: string, outputs = '[a, b]') =>
    `${head}inputs:\n  x: {shape: [4]}\nlayers:\n  a: {type: Dense, units: 1}\n  b: {type: Dense, units: 3, inputs: x}\noutputs: ${outputs}\ntraining:\n${training}`;

  it('a loss list needs one entry per output', () => {
    expect(brief(model('  loss: [mse]\n'))).toEqual([
      { code: 'NN603', at: '10:9', severity: 'error', message: 'training.loss has 1 entry but the model has 2 outputs (a, b)' },
    ]);
  });

  it('loss maps are keyed by output name; every output needs a loss', () => {
    expect(brief(model('  loss: {a: mse, c: mae}\n'))).toEqual([
      { code: 'NN602', at: '10:3', severity: 'error', message: "training.loss has no loss for output 'b'" },
      { code: 'NN602', at: '10:18', severity: 'error', message: "training.loss names 'c', which is not an output" },
    ]);
    expect(brief(model('  loss: mse\n  loss_weights: {a: 1, B: 2}\n'))).toEqual([
      { code: 'NN602', at: '11:24', severity: 'error', message: "training.loss_weights names 'B', which is not an output; did you mean 'b'?" },
    ]);
  });

  it('outputs must be distinct layers', () => {
    expect(brief(model('  loss: mse\n', '[a, a, x]'))).toEqual([
      { code: 'NN605', at: '7:3', severity: 'warning', message: "layer 'b' does not reach any output" },
      { code: 'NN601', at: '8:14', severity: 'error', message: "output 'a' is listed twice" },
      { code: 'NN600', at: '8:17', severity: 'error', message: "output 'x' is a model input; outputs are layers" },
    ]);
  });

  it('warns about categorical_crossentropy on a single unit', () => {
    expect(brief(model('  loss: [categorical_crossentropy, mse]\n'))).toEqual([
      { code: 'NN606', at: '10:10', severity: 'warning', message: "categorical_crossentropy on output 'a' of shape (None, 1) is always 0: a single class" },
    ]);
  });

  it('an input that feeds nothing is an error', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [4]}\n  unused: {shape: [2]}\nlayers:\n  a: {type: Dense, units: 1, inputs: x}\noutputs: [a]\n`)).toEqual([
      { code: 'NN604', at: '5:3', severity: 'error', message: "model input 'unused' feeds no layer" },
    ]);
  });

  it('refuses a model past 10^10 parameters', () => {
    expect(brief(`${head}inputs:\n  x: {shape: [1000000]}\nlayers:\n  a: {type: Dense, units: 100000}\noutputs: [a]\n`)).toEqual([
      { code: 'NN505', at: '6:3', severity: 'error', message: "Dense 'a' would have 1.00e+11 parameters; nnspec refuses more than 10^10" },
    ]);
  });
});
