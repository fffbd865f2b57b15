/** Starter spec (format 2): transfer learning, a frozen backbone from another spec file under a new head. */
export const transfer = `# Transfer learning: the model in backbone.nnspec.yaml (written beside this file) used as a
# layer, frozen: its weights stay as they are and its BatchNormalization layers run in inference
# mode, as in Keras. Only the new head learns. Replace the backbone with your own spec, or one
# imported with \`nnspec import\`.
# Then:  nnspec validate FILE  ·  nnspec summary FILE  ·  nnspec train FILE --data DIR
nnspec: 2
name: transfer
blocks:
  backbone: {from: backbone.nnspec.yaml}
inputs:
  image: {shape: [64, 64, 3]}
layers:
  base: {block: backbone, trainable: false}
  dropout: {type: Dropout, rate: 0.2}
  classes: {type: Dense, units: 5, activation: softmax}
outputs: [classes]
training:
  optimizer: {type: adam, learning_rate: 0.001}
  loss: categorical_crossentropy
  metrics: [accuracy]
  batch_size: 32
  epochs: 5
`;

/** The backbone the transfer template takes its block from, written beside it. */
export const transferBackbone = `# The backbone of the transfer template: a small convolutional feature extractor whose output
# is one feature vector per image. Any spec with one input and one output can take its place.
nnspec: 1
name: backbone
inputs:
  image: {shape: [64, 64, 3]}
layers:
  conv_1: {type: Conv2D, filters: 32, kernel_size: 3, strides: 2, padding: same, use_bias: false}
  bn_1: {type: BatchNormalization}
  relu_1: {type: Activation, activation: relu}
  conv_2: {type: Conv2D, filters: 64, kernel_size: 3, strides: 2, padding: same, use_bias: false}
  bn_2: {type: BatchNormalization}
  relu_2: {type: Activation, activation: relu}
  features: {type: GlobalAveragePooling2D}
outputs: [features]
`;
