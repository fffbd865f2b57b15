/** Starter spec (format 2): a small ResNet written with a residual block used as a layer. */
export const resnet = `# A small ResNet on 32x32 RGB images, written with a block: 'residual' is declared once,
# like a Python function, and used as a layer three times (twice through \`repeat:\`).
# Its layers are named after the use: stage1_conv_1, ..., stage2_block1_conv_1, stage2_block2_conv_1, ...
# Then:  nnspec validate FILE  ·  nnspec summary FILE  (--expand shows every layer)
nnspec: 2
name: resnet_small
blocks:
  residual:
    description: Two 3x3 convolutions added to the block's input (the skip connection).
    inputs: [x]
    params:
      filters: {type: integer, description: Filters of both convolutions; equal to the input's channels.}
    layers:
      conv_1: {type: Conv2D, filters: $filters, kernel_size: 3, padding: same, use_bias: false, inputs: x}
      bn_1: {type: BatchNormalization}
      relu_1: {type: Activation, activation: relu}
      conv_2: {type: Conv2D, filters: $filters, kernel_size: 3, padding: same, use_bias: false}
      bn_2: {type: BatchNormalization}
      add: {type: Add, inputs: [x, bn_2]}
      out: {type: Activation, activation: relu}
    outputs: out
inputs:
  image: {shape: [32, 32, 3]}
layers:
  stem: {type: Conv2D, filters: 32, kernel_size: 3, padding: same, activation: relu}
  stage1: {block: residual, filters: 32}
  down: {type: Conv2D, filters: 64, kernel_size: 3, strides: 2, padding: same, activation: relu}
  # Two instances, each fed by the one before, named stage2_block1 and stage2_block2.
  stage2_block1: {block: residual, filters: 64, repeat: 2}
  pooled: {type: GlobalAveragePooling2D}
  classes: {type: Dense, units: 10, activation: softmax}
outputs: [classes]
training:
  optimizer: {type: adam, learning_rate: 0.001}
  loss: categorical_crossentropy
  metrics: [accuracy]
  batch_size: 32
  epochs: 10
`;
