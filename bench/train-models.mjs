// The benchmark models: issue 8's three (spec, batch size, sequence length) and random batches of
// their shapes (bench/train.mjs, bench/train-ort-profile.mjs); and the seed specs written by hand
// with the tfjs layers API (bench/train-hand.mjs compares nnspec with them; bench/train-profile.mjs
// profiles their training step kernel by kernel).

/** Issue 8's benchmark models: the spec, its batch size, the length of its sequences. */
export const MODELS = {
  qa: { spec: 'specs/question_answering.yaml', batch: 128, length: 100 },
  posts: { spec: 'specs/social_posts.yaml', batch: 64, length: 500 },
  conv: { spec: 'bench/specs/conv.yaml', batch: 64 },
};

/** Random inputs and targets of the spec's shapes: ids below the smallest vocabulary reading them. */
export function randomBatch(graph, outputs, m, rng) {
  const size = (shape) => shape.reduce((a, b) => a * b, 1);
  const vocabulary = (input) => {
    let v = 1000;
    for (const node of graph.order) if (node.layer?.config.type === 'Embedding' && node.inputs.includes(input)) v = Math.min(v, node.layer.config.input_dim);
    return v;
  };
  const inputs = graph.inputs.map((n) => {
    const shape = [m.batch, ...n.output.shape.slice(1).map((d) => d ?? m.length)];
    if (n.output.dtype === 'int32') {
      const vocab = vocabulary(n.name);
      return { dtype: 'int32', shape, values: Int32Array.from({ length: size(shape) }, () => 1 + rng.int(vocab - 1)) };
    }
    return { dtype: 'float32', shape, values: Float32Array.from({ length: size(shape) }, () => rng.normal()) };
  });
  const targets = outputs.map((o) => {
    const shape = [m.batch, ...o.shape.map((d) => d ?? m.length)];
    const units = shape[shape.length - 1];
    const values = new Float32Array(size(shape));
    if (o.loss === 'categorical_crossentropy') for (let i = 0; i < values.length / units; i++) values[i * units + rng.int(units)] = 1;
    else if (o.loss === 'binary_crossentropy') for (let i = 0; i < values.length; i++) values[i] = rng.int(2);
    else for (let i = 0; i < values.length; i++) values[i] = rng.normal();
    return { dtype: 'float32', shape, values };
  });
  return { size: m.batch, inputs, targets };
}

/** The seed specs written by hand with tfjs, Keras defaults made explicit where tfjs differs. */
export function handModel(tf, name) {
  const L = tf.layers;
  const lstm = (units, returnSequences = false) => L.lstm({ units, recurrentActivation: 'sigmoid', returnSequences });
  switch (name) {
    case 'sequential_mlp': {
      const x = tf.input({ shape: [64], name: 'features' });
      let h = L.dense({ units: 32, activation: 'relu' }).apply(x);
      h = L.dense({ units: 32, activation: 'relu' }).apply(h);
      const y = L.dense({ units: 10, activation: 'softmax', name: 'dense_3' }).apply(h);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'question_answering': {
      const text = tf.input({ shape: [null], dtype: 'int32', name: 'text' });
      const question = tf.input({ shape: [null], dtype: 'int32', name: 'question' });
      const a = lstm(32).apply(L.embedding({ inputDim: 10000, outputDim: 64 }).apply(text));
      const b = lstm(16).apply(L.embedding({ inputDim: 10000, outputDim: 32 }).apply(question));
      const y = L.dense({ units: 500, activation: 'softmax', name: 'answer' }).apply(L.concatenate().apply([a, b]));
      return { model: tf.model({ inputs: [text, question], outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'siamese_lstm': {
      const left = tf.input({ shape: [null, 128], name: 'left_input' });
      const right = tf.input({ shape: [null, 128], name: 'right_input' });
      const shared = lstm(32);
      const merged = L.concatenate().apply([shared.apply(left), shared.apply(right)]);
      const y = L.dense({ units: 1, activation: 'sigmoid', name: 'predictions' }).apply(merged);
      return { model: tf.model({ inputs: [left, right], outputs: y }), loss: 'binaryCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'social_posts': {
      const posts = tf.input({ shape: [null], dtype: 'int32', name: 'posts' });
      let h = L.embedding({ inputDim: 50000, outputDim: 256 }).apply(posts);
      h = L.conv1d({ filters: 128, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.maxPooling1d({ poolSize: 5 }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.maxPooling1d({ poolSize: 5 }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.conv1d({ filters: 256, kernelSize: 5, activation: 'relu' }).apply(h);
      h = L.globalMaxPooling1d().apply(h);
      const f = L.dense({ units: 128, activation: 'relu' }).apply(h);
      const age = L.dense({ units: 1, name: 'age' }).apply(f);
      const income = L.dense({ units: 10, activation: 'softmax', name: 'income' }).apply(f);
      const gender = L.dense({ units: 1, activation: 'sigmoid', name: 'gender' }).apply(f);
      return {
        model: tf.model({ inputs: posts, outputs: [age, income, gender] }),
        loss: ['meanSquaredError', 'categoricalCrossentropy', 'binaryCrossentropy'],
        lossWeights: [0.25, 1, 10],
        optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
      };
    }
    case 'residual_block': {
      const x = tf.input({ shape: [32, 32, 128], name: 'x' });
      let h = L.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
      h = L.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h);
      h = L.maxPooling2d({ poolSize: 2, strides: 2 }).apply(h);
      const r = L.conv2d({ filters: 128, kernelSize: 1, strides: 2, padding: 'same' }).apply(x);
      const g = L.globalAveragePooling2d({}).apply(L.add().apply([h, r]));
      const y = L.dense({ units: 10, activation: 'softmax', name: 'classes' }).apply(g);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7) };
    }
    case 'inception_module': {
      const x = tf.input({ shape: [32, 32, 64], name: 'x' });
      const conv = (filters, kernelSize, strides, input) => L.conv2d({ filters, kernelSize, strides, padding: 'same', activation: 'relu' }).apply(input);
      const a = L.conv2d({ filters: 128, kernelSize: 1, strides: 2, activation: 'relu' }).apply(x);
      const b = conv(128, 3, 2, L.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }).apply(x));
      const c = conv(128, 3, 1, L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x));
      const d = conv(128, 3, 2, conv(128, 3, 1, L.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }).apply(x)));
      const g = L.globalAveragePooling2d({}).apply(L.concatenate({ axis: -1 }).apply([a, b, c, d]));
      const y = L.dense({ units: 10, activation: 'softmax', name: 'classes' }).apply(g);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7) };
    }
    case 'conv': {
      const x = tf.input({ shape: [32, 32, 3], name: 'x' });
      let h = L.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
      h = L.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h);
      h = L.maxPooling2d({ poolSize: 2 }).apply(h);
      const r = L.conv2d({ filters: 64, kernelSize: 1, strides: 2, padding: 'same' }).apply(x);
      const added = L.add().apply([h, r]);
      const smoothed = L.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(added);
      const g = L.globalAveragePooling2d({}).apply(L.concatenate({ axis: -1 }).apply([added, smoothed]));
      const y = L.dense({ units: 10, activation: 'softmax', name: 'classes' }).apply(g);
      return { model: tf.model({ inputs: x, outputs: y }), loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7) };
    }
  }
  throw new Error(`no hand-written model for ${name}`);
}
