/** Starter spec: one input, a shared trunk, several named outputs with their own losses. */
export const multiOutput = `# One input, three outputs: from 32 measurements, predict a price (regression), a category
# (5 classes) and whether the item sells (yes/no). The heads share a trunk; each output has its
# own loss, and loss_weights balance them in the total.
# Then:  nnspec validate FILE  ·  nnspec summary FILE
nnspec: 1
name: multi_output
inputs:
  measurements: {shape: [32]}
layers:
  trunk_1: {type: Dense, units: 64, activation: relu}
  trunk_2: {type: Dense, units: 64, activation: relu}
  # Each head reads the trunk: \`inputs:\` names it, since the layer above is another head.
  price: {type: Dense, units: 1, inputs: trunk_2}
  category: {type: Dense, units: 5, activation: softmax, inputs: trunk_2}
  sells: {type: Dense, units: 1, activation: sigmoid, inputs: trunk_2}
outputs: [price, category, sells]
training:
  optimizer: adam
  # Per output, by name (or a list in \`outputs\` order).
  loss: {price: mse, category: categorical_crossentropy, sells: binary_crossentropy}
  loss_weights: {price: 0.5, category: 1.0, sells: 1.0}
  metrics: {price: [mae], category: [accuracy], sells: [accuracy]}
  batch_size: 32
  epochs: 10
`;
