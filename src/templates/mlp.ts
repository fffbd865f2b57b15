/** Starter spec: a multilayer perceptron classifier. */
export const mlp = `# A multilayer perceptron: 784 features (a flattened 28x28 image) through two hidden layers
# to 10 classes. Change the sizes to fit your data, then:
#   nnspec validate FILE     check it (every problem at its line:column)
#   nnspec summary FILE      layers, output shapes, parameter counts
nnspec: 1
name: mlp
inputs:
  # A shape leaves out the batch dimension; null stands for a size that varies.
  features: {shape: [784]}
layers:
  # A layer without \`inputs:\` takes the layer directly above it (or the only model input).
  hidden_1: {type: Dense, units: 256, activation: relu}
  dropout_1: {type: Dropout, rate: 0.2}
  hidden_2: {type: Dense, units: 128, activation: relu}
  classes: {type: Dense, units: 10, activation: softmax}
outputs: [classes]
training:
  optimizer: {type: adam, learning_rate: 0.001}
  loss: categorical_crossentropy   # one-hot labels; sparse_categorical_crossentropy for class ids
  metrics: [accuracy]
  batch_size: 32
  epochs: 10
`;
