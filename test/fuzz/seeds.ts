/**
 * The valid specs mutations start from: the seed specs, the per-layer fixtures, and three
 * Keras-application-sized specs generated here (a VGG-like stack, a ResNet-like chain of
 * residual blocks, an Inception-like net of four-branch modules), plus sharing chains.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Seed {
  name: string;
  text: string;
}

function vggLike(): string {
  let text = 'nnspec: 1\nname: vgg_like\ninputs:\n  image: {shape: [224, 224, 3]}\nlayers:\n';
  const blocks = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]] as const;
  blocks.forEach(([filters, convs], b) => {
    for (let c = 0; c < convs; c++) text += `  block${b + 1}_conv${c + 1}: {type: Conv2D, filters: ${filters}, kernel_size: 3, padding: same, activation: relu}\n`;
    text += `  block${b + 1}_pool: {type: MaxPooling2D, pool_size: 2, strides: 2}\n`;
  });
  text += '  flatten: {type: Flatten}\n  fc1: {type: Dense, units: 4096, activation: relu}\n  fc2: {type: Dense, units: 4096, activation: relu}\n  predictions: {type: Dense, units: 1000, activation: softmax}\noutputs: [predictions]\ntraining:\n  optimizer: {type: sgd, learning_rate: 0.01, momentum: 0.9}\n  loss: categorical_crossentropy\n  metrics: [acc]\n';
  return text;
}

function resnetLike(): string {
  let text = 'nnspec: 1\nname: resnet_like\ninputs:\n  image: {shape: [64, 64, 3]}\nlayers:\n';
  text += '  stem_pad: {type: ZeroPadding2D, padding: 3}\n  stem_conv: {type: Conv2D, filters: 64, kernel_size: 7, strides: 2}\n  stem_bn: {type: BatchNormalization}\n  stem_relu: {type: Activation, activation: relu}\n  stem_pool: {type: MaxPooling2D, pool_size: 3, strides: 2, padding: same}\n';
  let prev = 'stem_pool';
  for (let b = 0; b < 16; b++) {
    const p = `b${b}`;
    text += `  ${p}_conv1: {type: Conv2D, filters: 64, kernel_size: 3, padding: same, inputs: ${prev}}\n`;
    text += `  ${p}_bn1: {type: BatchNormalization}\n  ${p}_relu1: {type: ReLU}\n`;
    text += `  ${p}_conv2: {type: Conv2D, filters: 64, kernel_size: 3, padding: same}\n  ${p}_bn2: {type: BatchNormalization}\n`;
    text += `  ${p}_add: {type: Add, inputs: [${prev}, ${p}_bn2]}\n  ${p}_out: {type: Activation, activation: relu}\n`;
    prev = `${p}_out`;
  }
  text += `  avg_pool: {type: GlobalAveragePooling2D, inputs: ${prev}}\n  logits: {type: Dense, units: 10, activation: softmax}\noutputs: [logits]\ntraining:\n  optimizer: adam\n  loss: sparse_categorical_crossentropy\n`;
  return text;
}

function inceptionLike(): string {
  let text = 'nnspec: 1\nname: inception_like\ninputs:\n  image: {shape: [75, 75, 3]}\nlayers:\n  stem: {type: Conv2D, filters: 32, kernel_size: 3, strides: 2, activation: relu}\n';
  let prev = 'stem';
  for (let m = 0; m < 9; m++) {
    const p = `mixed${m}`;
    text += `  ${p}_1x1: {type: Conv2D, filters: 16, kernel_size: 1, padding: same, activation: relu, inputs: ${prev}}\n`;
    text += `  ${p}_3x3_reduce: {type: Conv2D, filters: 8, kernel_size: 1, padding: same, activation: relu, inputs: ${prev}}\n`;
    text += `  ${p}_3x3: {type: SeparableConv2D, filters: 16, kernel_size: 3, padding: same, activation: relu}\n`;
    text += `  ${p}_5x5_reduce: {type: Conv2D, filters: 8, kernel_size: 1, padding: same, activation: relu, inputs: ${prev}}\n`;
    text += `  ${p}_5x5: {type: Conv2D, filters: 16, kernel_size: 5, padding: same, dilation_rate: 1, activation: relu}\n`;
    text += `  ${p}_pool: {type: AveragePooling2D, pool_size: 3, strides: 1, padding: same, inputs: ${prev}}\n`;
    text += `  ${p}_pool_proj: {type: Conv2D, filters: 16, kernel_size: 1, activation: relu}\n`;
    text += `  ${p}: {type: Concatenate, axis: -1, inputs: [${p}_1x1, ${p}_3x3, ${p}_5x5, ${p}_pool_proj]}\n`;
    prev = p;
  }
  text += `  gap: {type: GlobalAveragePooling2D, inputs: ${prev}}\n  dropout: {type: Dropout, rate: 0.4}\n  out: {type: Dense, units: 5, activation: softmax}\noutputs: [out]\ntraining: {optimizer: rmsprop, loss: categorical_crossentropy}\n`;
  return text;
}

/** Format 2: a block inside a block, parameters with defaults, `repeat:`, a frozen use and a two-output block. */
function blocksNested(): string {
  return `nnspec: 2
name: blocks_nested
blocks:
  unit:
    inputs: [x]
    params: {units: integer, act: {type: string, default: relu}}
    layers:
      dense: {type: Dense, units: $units, activation: $act, inputs: x}
      norm: {type: BatchNormalization}
    outputs: norm
  pair:
    inputs: [x]
    params: {units: integer}
    layers:
      a: {block: unit, units: $units}
      b: {block: unit, units: $units, act: tanh, repeat: 2}
      skip: {type: Add, inputs: [a, b]}
    outputs: [skip, a]
inputs:
  x: {shape: [8]}
layers:
  p1: {block: pair, units: 8}
  frozen: {block: unit, units: 8, trainable: false, inputs: p1.a}
  stack: {block: unit, units: 8, repeat: 3, inputs: p1}
  joined: {type: Concatenate, inputs: [frozen, stack]}
  out: {type: Dense, units: 2, activation: softmax}
outputs: [out]
training: {optimizer: adam, loss: categorical_crossentropy}
`;
}

/** One LSTM called at `n` sites on its own output chain, and a siamese star of `n` sites. */
function sharingChain(n: number): string {
  let text = 'nnspec: 1\nname: sharing\ninputs:\n  x: {shape: [8]}\n  y: {shape: [null, 4]}\nlayers:\n  d0: {type: Dense, units: 8, inputs: x}\n';
  for (let i = 1; i < n; i++) text += `  d${i}: {shares: d0}\n`;
  text += '  enc: {type: GRU, units: 8, inputs: y}\n';
  for (let i = 1; i < n; i++) text += `  enc${i}: {shares: enc, inputs: y}\n`;
  text += `  merged: {type: Concatenate, inputs: [d${n - 1}, enc, ${Array.from({ length: n - 1 }, (_, i) => `enc${i + 1}`).join(', ')}]}\noutputs: [merged]\n`;
  return text;
}

export function loadSeeds(root: string): Seed[] {
  const seeds: Seed[] = [];
  for (const dir of ['specs', 'test/fixtures/valid']) {
    for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml')).sort()) seeds.push({ name: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') });
  }
  seeds.push({ name: 'generated/vgg_like', text: vggLike() }, { name: 'generated/resnet_like', text: resnetLike() }, { name: 'generated/inception_like', text: inceptionLike() });
  seeds.push({ name: 'generated/sharing_5', text: sharingChain(5) }, { name: 'generated/sharing_40', text: sharingChain(40) });
  seeds.push({ name: 'generated/blocks_nested', text: blocksNested() });
  return seeds;
}

/** Keras model JSON files `import` reads. */
export function loadKerasSeeds(root: string): Seed[] {
  const dir = join(root, 'test/fixtures/keras');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: `keras/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}
