/** Starter spec: two inputs of different kinds, encoded separately and merged. */
export const multiInput = `# Two inputs: a text (a sequence of word ids of any length) and 8 numeric features about its
# author. The text is embedded and read by an LSTM; both are concatenated and classified.
# Then:  nnspec validate FILE  ·  nnspec summary FILE
nnspec: 1
name: multi_input
inputs:
  # int32: word ids for the Embedding; null: any number of words.
  text: {shape: [null], dtype: int32}
  author: {shape: [8]}
layers:
  # With several model inputs, the first layer says which one it reads.
  embedded: {type: Embedding, input_dim: 10000, output_dim: 64, inputs: text}
  encoded: {type: LSTM, units: 32}
  author_features: {type: Dense, units: 16, activation: relu, inputs: author}
  # A merge lists the layers it combines.
  merged: {type: Concatenate, inputs: [encoded, author_features]}
  hidden: {type: Dense, units: 32, activation: relu}
  label: {type: Dense, units: 1, activation: sigmoid}
outputs: [label]
training:
  optimizer: rmsprop
  loss: binary_crossentropy
  metrics: [accuracy]
  batch_size: 64
  epochs: 10
`;
