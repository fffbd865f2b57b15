/** Starter spec: a small convolutional network with a residual (skip) connection. */
export const residual = `# A residual block on 32x32 RGB images: two 3x3 convolutions whose output is added to the
# block's input (the skip connection), then pooled and classified into 10 classes.
# Add needs both paths to have the same shape: 'same' padding and equal filters keep them so.
# Then:  nnspec validate FILE  ·  nnspec summary FILE
nnspec: 1
name: residual
inputs:
  image: {shape: [32, 32, 3]}
layers:
  stem: {type: Conv2D, filters: 32, kernel_size: 3, padding: same, activation: relu}
  conv_1: {type: Conv2D, filters: 32, kernel_size: 3, padding: same, activation: relu}
  conv_2: {type: Conv2D, filters: 32, kernel_size: 3, padding: same}
  # The skip connection: the block's output plus its input.
  added: {type: Add, inputs: [conv_2, stem]}
  activated: {type: Activation, activation: relu}
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
