/** Format 2's blocks: expansion, names, counts (ResNet50 against the flat spec), and every block diagnostic with both places. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { ROOT, runCli } from '../helpers.js';
// @ts-expect-error: a plain .mjs benchmark helper without types
import { resnet50 } from '../../bench/app-specs.mjs';

const BLOCK = `nnspec: 2
name: t
blocks:
  mlp:
    inputs: [x]
    params:
      units: integer
      act: {type: string, default: relu}
    layers:
      dense: {type: Dense, units: $units, activation: $act}
      drop: {type: Dropout, rate: 0.1}
    outputs: drop
inputs:
  x: {shape: [16]}
layers:
`;

function diag(text: string, file = 'spec.yaml') {
  return compile(text, file).diagnostics.map((d) => ({ code: d.code, at: `${d.line}:${d.column}`, message: d.message, labels: (d.labels ?? []).map((l) => `${l.line}:${l.column} ${l.message}`) }));
}

describe('blocks', () => {
  it('specs/resnet50.yaml equals the flat ResNet50 layer by layer, with Keras counts, in at most 80 lines', () => {
    const text = readFileSync(join(ROOT, 'specs/resnet50.yaml'), 'utf8');
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(80);
    const v2 = compile(text, join(ROOT, 'specs/resnet50.yaml'));
    const flat = compile(resnet50() as string, 'flat.yaml');
    expect(v2.diagnostics).toEqual([]);
    expect(flat.ok).toBe(true);
    const rows = (r: typeof v2) => r.graph!.order.map((n) => ({ name: n.name, inputs: n.inputs, shape: n.output?.shape, config: n.layer?.config, params: n.layer?.params, trainable: n.layer?.trainableParams }));
    expect(rows(v2)).toEqual(rows(flat));
    expect(v2.graph!.order.length).toBe(177);
    expect(v2.graph!.totalParams).toBe(25_636_712);
    expect(v2.graph!.trainableParams).toBe(25_583_592);
    expect(v2.graph!.totalParams - v2.graph!.trainableParams).toBe(53_120);
    expect(v2.graph!.instances!.map((i) => i.name)).toEqual(['conv2_block1', 'conv2_block2', 'conv2_block3', 'conv3_block1', 'conv3_block2', 'conv3_block3', 'conv3_block4', 'conv4_block1', 'conv4_block2', 'conv4_block3', 'conv4_block4', 'conv4_block5', 'conv4_block6', 'conv5_block1', 'conv5_block2', 'conv5_block3']);
    expect(v2.graph!.instances![2]).toMatchObject({ block: 'identity_block', params: { filters: 64, out: 256 }, outputs: ['conv2_block3_out'] });
  });

  it('substitutes parameters and defaults, chains uses, and names repeats from the use', () => {
    const r = compile(BLOCK + '  b1: {block: mlp, units: 32}\n  stack: {block: mlp, units: 8, act: tanh, repeat: 2}\n  out: {type: Dense, units: 1}\noutputs: out\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.order.map((n) => `${n.name}<${n.inputs.join(',')}`)).toEqual(['x<', 'b1_dense<x', 'b1_drop<b1_dense', 'stack_1_dense<b1_drop', 'stack_1_drop<stack_1_dense', 'stack_2_dense<stack_1_drop', 'stack_2_drop<stack_2_dense', 'out<stack_2_drop']);
    expect(r.graph!.nodes.get('stack_2_dense')!.layer!.config).toMatchObject({ units: 8, activation: 'tanh' });
    expect(r.graph!.nodes.get('b1_dense')!.layer!.config).toMatchObject({ units: 32, activation: 'relu' });
  });

  it('an output naming a use is the use\'s output; a frozen use freezes its layers', () => {
    const r = compile(BLOCK + '  b1: {block: mlp, units: 4, trainable: false}\noutputs: b1\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.outputs).toEqual(['b1_drop']);
    expect(r.graph!.trainableParams).toBe(0);
    expect(r.graph!.instances![0]!.trainable).toBe(false);
  });

  it('a block inside a block is named through both instances', () => {
    const text = BLOCK.replace('inputs:\n  x:', `  pair:
    inputs: [x]
    params: {n: integer}
    layers:
      a: {block: mlp, units: $n}
      b: {block: mlp, units: $n}
    outputs: b
inputs:
  x:`) + '  p: {block: pair, n: 3}\noutputs: p\n';
    const r = compile(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.order.map((n) => n.name)).toEqual(['x', 'p_a_dense', 'p_a_drop', 'p_b_dense', 'p_b_drop']);
    expect(r.graph!.instances!.map((i) => `${i.name}:${i.parent ?? ''}`)).toEqual(['p:', 'p_a:p', 'p_b:p']);
  });

  it('a version 1 spec means what it meant', () => {
    const text = readFileSync(join(ROOT, 'specs/residual_block.yaml'), 'utf8');
    const r = compile(text);
    expect(r.ok).toBe(true);
    expect(r.source).toBeUndefined();
    expect(r.graph!.instances).toBeUndefined();
  });
});

describe('block diagnostics: code, message, the block\'s line and the use site', () => {
  const cases: [string, string, ReturnType<typeof diag>][] = [
    ['an error inside a block, at the block line and the use', BLOCK + '  b1: {block: mlp, units: 0}\noutputs: b1\n', [
      { code: 'NN204', at: '10:35', message: "'units' in Dense layer 'b1_dense' must be >= 1, got 0", labels: ['16:3 in block \'mlp\', used here as \'b1\''] },
    ]],
    ['an unknown key in a block layer, once, with the use', BLOCK.replace('rate: 0.1}', 'rate: 0.1, rat: 2}') + '  b1: {block: mlp, units: 3}\n  b2: {block: mlp, units: 3}\noutputs: b2\n', [
      { code: 'NN200', at: '11:40', message: "unknown key 'rat' in Dropout layer 'b1_drop'; did you mean 'rate'?", labels: ["16:3 in block 'mlp', used here as 'b1'"] },
    ]],
    ['an unknown block', BLOCK + '  b1: {block: mpl, units: 3}\noutputs: b1\n', [
      { code: 'NN310', at: '16:15', message: "layer 'b1' uses block 'mpl', which is not declared; did you mean 'mlp'?", labels: [] },
    ]],
    ['an unknown parameter', BLOCK + '  b1: {block: mlp, units: 3, unit: 4}\noutputs: b1\n', [
      { code: 'NN311', at: '16:30', message: "block 'mlp' has no parameter 'unit'; did you mean 'units'?", labels: [] },
    ]],
    ['a missing parameter', BLOCK + '  b1: {block: mlp}\noutputs: b1\n', [
      { code: 'NN311', at: '16:3', message: "'b1' uses block 'mlp' without its parameter 'units'", labels: [] },
    ]],
    ['a parameter of the wrong type', BLOCK + '  b1: {block: mlp, units: 2.5}\noutputs: b1\n', [
      { code: 'NN312', at: '16:27', message: "parameter 'units' of block 'mlp' must be an integer, got 2.5", labels: [] },
    ]],
    ['a reference to an undeclared parameter', BLOCK.replace('$act}', '$ac}') + '  b1: {block: mlp, units: 3}\noutputs: b1\n', [
      { code: 'NN311', at: '10:55', message: "layer 'dense' of block 'mlp' refers to parameter '$ac', which the block does not declare", labels: [] },
    ]],
    ['an expanded name already taken', BLOCK + '  b1_dense: {type: Dense, units: 2}\n  b1: {block: mlp, units: 3}\noutputs: b1\n', [
      { code: 'NN313', at: '17:3', message: "expanding 'b1' (block 'mlp') makes a layer named 'b1_dense', which is already taken", labels: [] },
    ]],
    ['a block that uses itself', BLOCK.replace('      drop: {type: Dropout, rate: 0.1}', '      drop: {block: mlp, units: 2}') + '  b1: {block: mlp, units: 3}\noutputs: b1\n', [
      { code: 'NN314', at: '11:21', message: "block 'mlp' uses itself (mlp → mlp)", labels: ['16:3 in block \'mlp\', used here as \'b1\''] },
    ]],
    ['inputs that do not match the block\'s', BLOCK + '  a: {type: Dense, units: 2, inputs: x}\n  b1: {block: mlp, units: 3, inputs: [x, a]}\noutputs: b1\n', [
      { code: 'NN316', at: '17:38', message: "block 'mlp' takes 1 input (x); 'b1' gives 2", labels: [] },
    ]],
    ['blocks in a version 1 spec', BLOCK.replace('nnspec: 2', 'nnspec: 1') + '  b1: {block: mlp, units: 3}\noutputs: b1\n', [
      { code: 'NN206', at: '3:1', message: 'blocks need spec format version 2; this spec says `nnspec: 1`', labels: [] },
    ]],
    ['a block layer taking an undefined name', BLOCK.replace('rate: 0.1}', 'rate: 0.1, inputs: dense2}') + '  b1: {block: mlp, units: 3}\noutputs: b1\n', [
      { code: 'NN300', at: '11:48', message: "layer 'drop' of block 'mlp' takes input 'dense2', which is not an input or layer of the block; did you mean 'dense'?", labels: [] },
    ]],
  ];
  it.each(cases)('%s', (_, text, expected) => {
    expect(diag(text)).toEqual(expected);
  });

  it('the CLI exits 1 and prints both places (json)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-blocks-'));
    writeFileSync(join(dir, 'm.yaml'), BLOCK + '  b1: {block: mlp, units: 0}\noutputs: b1\n');
    const r = await runCli(['validate', join(dir, 'm.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout).files[0].diagnostics[0];
    expect(d).toMatchObject({ code: 'NN204', line: 10, column: 35, message: "'units' in Dense layer 'b1_dense' must be >= 1, got 0" });
    expect(d.labels).toEqual([{ file: join(dir, 'm.yaml'), line: 16, column: 3, end_line: 16, end_column: 5, message: "in block 'mlp', used here as 'b1'" }]);
  });
});

describe('a model as a layer (from:)', () => {
  const backbone = `nnspec: 1
name: backbone
inputs:
  img: {shape: [8, 8, 3]}
layers:
  conv: {type: Conv2D, filters: 4, kernel_size: 3}
  bn: {type: BatchNormalization}
  pool: {type: GlobalAveragePooling2D}
outputs: pool
`;
  const head = (extra = '') => `nnspec: 2
name: classifier
blocks:
  backbone: {from: backbone.yaml}
inputs:
  image: {shape: [8, 8, 3]}
layers:
  base: {block: backbone${extra}}
  head: {type: Dense, units: 2, activation: softmax}
outputs: head
`;
  function files(main: string, others: Record<string, string> = { 'backbone.yaml': backbone }) {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-from-'));
    for (const [n, t] of Object.entries(others)) writeFileSync(join(dir, n), t);
    writeFileSync(join(dir, 'main.yaml'), main);
    return join(dir, 'main.yaml');
  }

  it('embeds another spec\'s model, frozen: weights and BN statistics non-trainable', () => {
    const file = files(head(', trainable: false'));
    const r = compile(readFileSync(file), file);
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.order.map((n) => n.name)).toEqual(['image', 'base_conv', 'base_bn', 'base_pool', 'head']);
    expect(r.graph!.totalParams).toBe(112 + 16 + 10);
    expect(r.graph!.trainableParams).toBe(10);
    expect(r.graph!.instances![0]).toMatchObject({ name: 'base', block: 'backbone', from: 'backbone.yaml', trainable: false });
  });

  it('a missing file is NN315 at the from: value', () => {
    const file = files(head(), {});
    const d = compile(readFileSync(file), file).diagnostics;
    expect(d.map((x) => [x.code, `${x.line}:${x.column}`])).toEqual([['NN315', '4:20']]);
    expect(d[0]!.message).toMatch(/^block 'backbone' comes from 'backbone\.yaml': .*backbone\.yaml does not exist or cannot be read$/);
  });

  it('an invalid file is NN315 naming its first error', () => {
    const file = files(head(), { 'backbone.yaml': backbone.replace('filters: 4', 'filters: -4') });
    const d = compile(readFileSync(file), file).diagnostics;
    expect(d.map((x) => [x.code, `${x.line}:${x.column}`])).toEqual([['NN315', '4:20']]);
    expect(d[0]!.message).toBe("block 'backbone' comes from 'backbone.yaml': it is not a valid spec (1 error; the first: backbone.yaml:6:33: NN204 'filters' in Conv2D layer 'conv' must be >= 1, got -4)");
  });

  it('files that use each other are NN314', () => {
    const loop = (other: string) => `nnspec: 2\nname: n\nblocks:\n  o: {from: ${other}}\ninputs:\n  x: {shape: [4]}\nlayers:\n  u: {block: o}\noutputs: u\n`;
    const file = files(loop('a.yaml'), { 'a.yaml': loop('main.yaml') });
    const d = compile(readFileSync(file), file).diagnostics;
    expect(d.map((x) => [x.code, `${x.line}:${x.column}`])).toEqual([['NN314', '4:13']]);
    expect(d[0]!.message).toBe("block 'o' comes from 'a.yaml': the files use each other (main.yaml → a.yaml → main.yaml)");
  });
});

describe('summary and graph of a spec with blocks', () => {
  const spec = join(ROOT, 'specs/resnet50.yaml');

  it('summary shows one row per block instance with its parameters; --expand every layer', async () => {
    const r = await runCli(['summary', spec]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('│ conv2_block1 (conv_block: filters=64, out=256, stride=1)   │ (None, 56, 56, 256)  │    76,928 │ pool1_pool[0][0]   │');
    expect(r.stdout).toContain('│ conv2_block3 (identity_block: filters=64, out=256)         │ (None, 56, 56, 256)  │    71,552 │ conv2_block2[0][0] │');
    expect(r.stdout).toContain('avg_pool (GlobalAveragePooling2D)');
    expect(r.stdout).not.toContain('conv2_block1_1_conv');
    expect(r.stdout).toContain('Total params: 25,636,712');
    const json = JSON.parse((await runCli(['summary', spec, '--format', 'json'])).stdout);
    expect(json.layers).toHaveLength(7 + 16 + 2);
    expect(json.layers[7]).toMatchObject({ name: 'conv2_block1', type: 'conv_block', block: 'conv_block', block_params: { filters: 64, out: 256, stride: 1 }, block_layers: 12, params: 76_928 });
    const expanded = JSON.parse((await runCli(['summary', spec, '--format', 'json', '--expand'])).stdout);
    expect(expanded.layers).toHaveLength(177);
    expect(expanded.layers.map((l: { name: string }) => l.name)).toContain('conv4_block6_3_bn');
  });

  it('graph draws each instance as a cluster (dot, mermaid, svg)', async () => {
    const dot = (await runCli(['graph', spec, '-f', 'dot'])).stdout;
    expect(dot.match(/subgraph "cluster_/g)).toHaveLength(16);
    expect(dot).toContain('label="conv4_block6: identity_block(filters=256, out=1024)"');
    const mermaid = (await runCli(['graph', spec, '-f', 'mermaid'])).stdout;
    expect(mermaid).toContain('  subgraph block_conv2_block1["conv2_block1: conv_block(filters=64, out=256, stride=1)"]\n    n_conv2_block1_0_conv\n');
    const svg = (await runCli(['graph', spec, '-f', 'svg'])).stdout;
    expect(svg.match(/<g class="block"/g)).toHaveLength(16);
  });
});

describe('nnspec init templates with blocks', () => {
  it('transfer writes its backbone beside the spec and freezes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-init-'));
    expect((await runCli(['init', 'm.yaml', '--template', 'transfer'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'backbone.nnspec.yaml'), 'utf8')).toContain('name: backbone');
    const r = compile(readFileSync(join(dir, 'm.yaml')), join(dir, 'm.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.instances![0]).toMatchObject({ name: 'base', from: 'backbone.nnspec.yaml', trainable: false });
    expect(r.graph!.trainableParams).toBe(64 * 5 + 5);
  });

  it('resnet uses its block three times', async () => {
    const r = await runCli(['init', '-', '--template', 'resnet']);
    const c = compile(r.stdout, join(tmpdir(), 'resnet.yaml'));
    expect(c.diagnostics).toEqual([]);
    expect(c.graph!.instances!.map((i) => i.name)).toEqual(['stage1', 'stage2_block1', 'stage2_block2']);
  });
});

describe('validate --cache and from: files', () => {
  it('a spec taking a block from another file is checked again when that file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-cache-'));
    const backbone = 'nnspec: 1\nname: b\ninputs:\n  x: {shape: [4]}\nlayers:\n  d: {type: Dense, units: 2}\noutputs: d\n';
    writeFileSync(join(dir, 'b.yaml'), backbone);
    writeFileSync(join(dir, 'm.yaml'), 'nnspec: 2\nname: m\nblocks:\n  b: {from: b.yaml}\ninputs:\n  x: {shape: [4]}\nlayers:\n  u: {block: b}\noutputs: u\n');
    const args = ['validate', 'm.yaml', '--cache', '--cache-location', join(dir, '.cache')];
    expect((await runCli(args, { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'b.yaml'), backbone.replace('units: 2', 'units: 0'));
    const again = await runCli(args, { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("m.yaml:4:13: error[NN315]: block 'b' comes from 'b.yaml': it is not a valid spec (1 error; the first: b.yaml:6:27: NN204 'units' in Dense layer 'd' must be >= 1, got 0)");
  });
});
