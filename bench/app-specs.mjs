// Keras-application-sized specs written out as a user would (every layer named), for the
// validate benchmarks: ResNet50 (177 layers), VGG16 and a MobileNet-style depthwise stack.

/** ResNet50 as keras.applications builds it (include_top, 1000 classes): 25,636,712 parameters. */
export function resnet50() {
  const L = [];
  const add = (name, body) => L.push(`  ${name}: {${body}}`);
  add('conv1_pad', 'type: ZeroPadding2D, padding: 3, inputs: image');
  add('conv1_conv', 'type: Conv2D, filters: 64, kernel_size: 7, strides: 2');
  add('conv1_bn', 'type: BatchNormalization, epsilon: 1.001e-5');
  add('conv1_relu', 'type: Activation, activation: relu');
  add('pool1_pad', 'type: ZeroPadding2D, padding: 1');
  add('pool1_pool', 'type: MaxPooling2D, pool_size: 3, strides: 2');
  let prev = 'pool1_pool';
  const stages = [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]];
  stages.forEach(([filters, blocks, stride], s) => {
    for (let b = 1; b <= blocks; b++) {
      const n = `conv${s + 2}_block${b}`;
      const st = b === 1 ? stride : 1;
      let shortcut = prev;
      if (b === 1) {
        add(`${n}_0_conv`, `type: Conv2D, filters: ${4 * filters}, kernel_size: 1, strides: ${st}, inputs: ${prev}`);
        add(`${n}_0_bn`, 'type: BatchNormalization, epsilon: 1.001e-5');
        shortcut = `${n}_0_bn`;
      }
      add(`${n}_1_conv`, `type: Conv2D, filters: ${filters}, kernel_size: 1, strides: ${st}, inputs: ${prev}`);
      add(`${n}_1_bn`, 'type: BatchNormalization, epsilon: 1.001e-5');
      add(`${n}_1_relu`, 'type: Activation, activation: relu');
      add(`${n}_2_conv`, `type: Conv2D, filters: ${filters}, kernel_size: 3, padding: same`);
      add(`${n}_2_bn`, 'type: BatchNormalization, epsilon: 1.001e-5');
      add(`${n}_2_relu`, 'type: Activation, activation: relu');
      add(`${n}_3_conv`, `type: Conv2D, filters: ${4 * filters}, kernel_size: 1`);
      add(`${n}_3_bn`, 'type: BatchNormalization, epsilon: 1.001e-5');
      add(`${n}_add`, `type: Add, inputs: [${shortcut}, ${n}_3_bn]`);
      add(`${n}_out`, 'type: Activation, activation: relu');
      prev = `${n}_out`;
    }
  });
  add('avg_pool', 'type: GlobalAveragePooling2D');
  add('predictions', 'type: Dense, units: 1000, activation: softmax');
  return `nnspec: 1\nname: resnet50\ninputs:\n  image: {shape: [224, 224, 3]}\nlayers:\n${L.join('\n')}\noutputs: [predictions]\ntraining: {optimizer: sgd, loss: categorical_crossentropy, metrics: [acc]}\n`;
}

/** VGG16 (include_top): 138,357,544 parameters. */
export function vgg16() {
  const L = [];
  const blocks = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
  let first = true;
  blocks.forEach(([f, n], b) => {
    for (let i = 1; i <= n; i++) {
      L.push(`  block${b + 1}_conv${i}: {type: Conv2D, filters: ${f}, kernel_size: 3, padding: same, activation: relu${first ? ', inputs: image' : ''}}`);
      first = false;
    }
    L.push(`  block${b + 1}_pool: {type: MaxPooling2D, pool_size: 2, strides: 2}`);
  });
  L.push('  flatten: {type: Flatten}', '  fc1: {type: Dense, units: 4096, activation: relu}', '  fc2: {type: Dense, units: 4096, activation: relu}', '  predictions: {type: Dense, units: 1000, activation: softmax}');
  return `nnspec: 1\nname: vgg16\ninputs:\n  image: {shape: [224, 224, 3]}\nlayers:\n${L.join('\n')}\noutputs: [predictions]\ntraining: {optimizer: adam, loss: categorical_crossentropy}\n`;
}

/** A MobileNet-style stack of depthwise-separable blocks (13 blocks, block form). */
export function mobilenet() {
  const L = ['  conv1:', '    type: Conv2D', '    filters: 32', '    kernel_size: 3', '    strides: 2', '    padding: same', '    use_bias: false', '    inputs: image', '  conv1_bn: {type: BatchNormalization}', '  conv1_relu: {type: ReLU, max_value: 6}'];
  const cfg = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  cfg.forEach(([f, s], i) => {
    const n = i + 1;
    L.push(`  conv_dw_${n}:`, '    type: DepthwiseConv2D', '    kernel_size: 3', `    strides: ${s}`, '    padding: same', '    use_bias: false');
    L.push(`  conv_dw_${n}_bn: {type: BatchNormalization}`, `  conv_dw_${n}_relu: {type: ReLU, max_value: 6}`);
    L.push(`  conv_pw_${n}: {type: Conv2D, filters: ${f}, kernel_size: 1, use_bias: false}`, `  conv_pw_${n}_bn: {type: BatchNormalization}`, `  conv_pw_${n}_relu: {type: ReLU, max_value: 6}`);
  });
  L.push('  pool: {type: GlobalAveragePooling2D}', '  dropout: {type: Dropout, rate: 0.001}', '  predictions: {type: Dense, units: 1000, activation: softmax}');
  return `nnspec: 1\nname: mobilenet\ninputs:\n  image: {shape: [224, 224, 3]}\nlayers:\n${L.join('\n')}\noutputs: [predictions]\ntraining: {optimizer: rmsprop, loss: categorical_crossentropy}\n`;
}
