/**
 * `export --to keras-json`: the tf.keras 2.x functional config (layers with inbound nodes,
 * input_layers, output_layers; each layer's config keys as tf.keras `get_config` writes them),
 * and the round trip the issue asks for: the exported topology, read by TensorFlow.js's
 * `tf.models.modelFromJSON` (which reads Keras JSON), has nnspec's output shapes and parameter
 * counts, for every seed spec; fixtures where tfjs itself falls short are listed with the gap.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toKerasModel, type KerasLayerJson, type KerasModelJson } from '../../src/backends/export/keras-json.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { summarize } from '../../src/backends/summary/rows.js';
import type { Graph } from '../../src/compiler/graph.js';
import { compileText, specWith } from '../helpers.js';
import { FIXTURES, SEEDS, specsIn } from './model-files.js';

function exported(graph: Graph): { model: KerasModelJson; notes: string[] } {
  // Through JSON, as a file would carry it.
  const { model, notes } = toKerasModel(graph, '9.9.9');
  return { model: JSON.parse(JSON.stringify(model)) as KerasModelJson, notes };
}

function exportText(text: string) {
  const r = compileText(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return exported(r.graph!);
}

const layer = (m: KerasModelJson, name: string): KerasLayerJson => m.config.layers.find((l) => l.name === name)!;
const seeds = Object.fromEntries(specsIn(SEEDS));

describe('the functional config', () => {
  it('has the top level and layer entries tf.keras writes, inputs first', () => {
    const { model } = exported(seeds['specs/sequential_mlp.yaml']!);
    expect(Object.keys(model)).toEqual(['class_name', 'config', 'keras_version', 'backend', 'nnspec']);
    expect(model.class_name).toBe('Functional');
    expect(model.keras_version).toMatch(/^2\.\d+\.\d+$/);
    expect(model.backend).toBe('tensorflow');
    expect(Object.keys(model.config)).toEqual(['name', 'trainable', 'layers', 'input_layers', 'output_layers']);
    expect(model.config.layers.map((l) => [l.class_name, l.name])).toEqual([
      ['InputLayer', 'features'],
      ['Dense', 'dense_1'],
      ['Dense', 'dense_2'],
      ['Dense', 'dense_3'],
    ]);
    expect(model.config.layers[0]).toEqual({
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, 64], dtype: 'float32', sparse: false, ragged: false, name: 'features' },
      name: 'features',
      inbound_nodes: [],
    });
    expect(model.config.input_layers).toEqual([['features', 0, 0]]);
    expect(model.config.output_layers).toEqual([['dense_3', 0, 0]]);
  });

  it('writes Dense as tf.keras Dense.get_config: base keys, then arguments; initializers as {class_name, config}', () => {
    const { model } = exported(seeds['specs/sequential_mlp.yaml']!);
    expect(layer(model, 'dense_2')).toEqual({
      class_name: 'Dense',
      config: {
        name: 'dense_2',
        trainable: true,
        dtype: 'float32',
        units: 32,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      name: 'dense_2',
      inbound_nodes: [[['dense_1', 0, 0, {}]]],
    });
  });

  it('writes a shared layer once, with one inbound node per call; later calls are addressed by node index', () => {
    const { model } = exported(seeds['specs/siamese_lstm.yaml']!);
    expect(model.config.layers.map((l) => l.name)).toEqual(['left_input', 'right_input', 'left_encoded', 'merged', 'predictions']);
    expect(layer(model, 'left_encoded').inbound_nodes).toEqual([[['left_input', 0, 0, {}]], [['right_input', 0, 0, {}]]]);
    expect(layer(model, 'merged').inbound_nodes).toEqual([[['left_encoded', 0, 0, {}], ['left_encoded', 1, 0, {}]]]);
    // Keras has no name for a call site; nnspec keeps it (and the order) where Keras ignores it.
    expect(model.nnspec.nodes).toEqual({ right_encoded: ['left_encoded', 1] });
    expect(model.nnspec.order).toEqual(['left_input', 'right_input', 'left_encoded', 'right_encoded', 'merged', 'predictions']);
    expect(model.nnspec.training).toMatchObject({ optimizer: 'rmsprop', loss: 'binary_crossentropy' });
  });

  it('addresses a return_state state by its tensor index and lists initial states after the sequence, as tf.keras 2 records them', () => {
    const { model } = exported(seeds['specs/seq2seq.yaml']!);
    expect(layer(model, 'encoder').inbound_nodes).toEqual([[['encoder_inputs', 0, 0, {}]]]);
    expect(layer(model, 'decoder').inbound_nodes).toEqual([[['decoder_inputs', 0, 0, {}], ['encoder', 0, 1, {}], ['encoder', 0, 2, {}]]]);
    expect(layer(model, 'decoder').config).toMatchObject({ return_state: true, return_sequences: true });
    expect(model.config.output_layers).toEqual([['decoder_dense', 0, 0]]);
  });

  it('writes LSTM with the keys of tf.keras LSTM.get_config (no Keras-3-only seed) and a note when a seed is dropped', () => {
    const { model, notes } = exportText(specWith('  x: {shape: [5, 3]}', '  r: {type: LSTM, units: 4, seed: 7}', 'r'));
    expect(Object.keys(layer(model, 'r').config).sort()).toEqual(
      [
        'name', 'trainable', 'dtype', 'units', 'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer',
        'bias_initializer', 'unit_forget_bias', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
        'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'return_sequences', 'return_state',
        'go_backwards', 'stateful', 'unroll', 'implementation',
      ].sort(),
    );
    expect(layer(model, 'r').config.recurrent_initializer).toEqual({ class_name: 'Orthogonal', config: { gain: 1, seed: null } });
    expect(notes).toEqual(["LSTM 'r': seed 7 left out; Keras 2's LSTM takes no seed"]);
  });

  it('spells arguments as Keras 2 stores them: tuples, resolved pool strides, sides, alpha, L1L2, constraint defaults', () => {
    const { model } = exportText(
      specWith(
        '  x: {shape: [16, 16, 3]}',
        [
          '  c: {type: Conv2D, filters: 4, kernel_size: 3, kernel_regularizer: l2, kernel_constraint: max_norm}',
          '  p: {type: MaxPooling2D}',
          '  z: {type: ZeroPadding2D, padding: [1, 2]}',
          '  l: {type: LeakyReLU, negative_slope: 0.2}',
          '  n: {type: LayerNormalization}',
          '  f: {type: Flatten}',
          '  e: {type: Dense, units: 2, kernel_initializer: {type: random_normal, stddev: 0.1}}',
        ].join('\n'),
        'e',
      ),
    );
    const c = layer(model, 'c').config;
    expect([c.kernel_size, c.strides, c.dilation_rate, c.groups, c.data_format]).toEqual([[3, 3], [1, 1], [1, 1], 1, 'channels_last']);
    expect(c.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(c.kernel_constraint).toEqual({ class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } });
    expect(layer(model, 'p').config).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid' });
    expect(layer(model, 'z').config.padding).toEqual([[1, 1], [2, 2]]);
    expect(layer(model, 'l').config).toMatchObject({ alpha: 0.2 });
    expect(layer(model, 'l').config).not.toHaveProperty('negative_slope');
    expect(layer(model, 'n').config).toMatchObject({ axis: -1, beta_constraint: null, gamma_constraint: null });
    expect(layer(model, 'e').config.kernel_initializer).toEqual({ class_name: 'RandomNormal', config: { mean: 0, stddev: 0.1, seed: null } });
  });

  it('wraps the inner layer as {class_name, config} under the name the TensorFlow.js model gives it', () => {
    const { model } = exportText(specWith('  x: {shape: [5, 3]}', '  b: {type: Bidirectional, layer: {type: GRU, units: 2}}', 'b'));
    const b = layer(model, 'b').config;
    expect(b.merge_mode).toBe('concat');
    expect(b.layer).toMatchObject({ class_name: 'GRU', config: { name: 'b_gru', units: 2, reset_after: true, implementation: 2 } });
  });

  it('leaves out initializer arguments the Keras class does not take, with a note', () => {
    const { model, notes } = exportText(specWith('  x: {shape: [3]}', '  d: {type: Dense, units: 2, kernel_initializer: {type: glorot_uniform, stddev: 2}}', 'd'));
    expect(layer(model, 'd').config.kernel_initializer).toEqual({ class_name: 'GlorotUniform', config: { seed: null } });
    expect(notes).toEqual(["Dense 'd': kernel_initializer argument 'stddev' left out; the Keras class takes no such argument"]);
  });
});

/** Per layer name: output shape and parameter count, as tfjs built them. */
function tfjsShapes(m: tfTypes.LayersModel): Record<string, [unknown, number]> {
  return Object.fromEntries(m.layers.map((l) => [l.name, [l.outputShape, l.countParams()]]));
}

/** The same from nnspec's graph (a shared layer's first call site carries its shape and weights). */
function nnspecShapes(graph: Graph): Record<string, [unknown, number]> {
  const rows = summarize(graph, { expand: true }).layers.filter((r) => !r.shares);
  // A call with several outputs (return_state): tfjs gives every output's shape.
  const shapes = (r: (typeof rows)[number]) => graph.nodes.get(r.name)?.outputs?.map((o) => o.spec.shape) ?? r.output_shape;
  return Object.fromEntries(rows.map((r) => [r.name, [shapes(r), r.params]]));
}

describe('TensorFlow.js reads the exported topology (tf.models.modelFromJSON)', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf('cpu');
  });

  it.each(specsIn(SEEDS))('%s: every layer with nnspec shape and parameters', async (_path, graph) => {
    const m = await tf.models.modelFromJSON(exported(graph).model as never);
    try {
      expect(tfjsShapes(m)).toEqual(nnspecShapes(graph));
      expect(m.countParams()).toBe(graph.totalParams);
      expect(m.outputs.map((o) => o.shape)).toEqual(graph.outputs.map((o) => graph.nodes.get(o)!.output!.shape));
    } finally {
      m.dispose();
    }
  });

  /**
   * Where TensorFlow.js cannot read what Keras can (nnspec itself builds these with its own
   * tfjs classes): modelFromJSON throws, or builds the layer with other shapes.
   */
  const GAPS: Record<string, { throws: RegExp } | { differ: string[] }> = {
    'test/fixtures/valid/activations_layers.yaml': { throws: /alpha value \(0\.5\) is not supported by the ELU layer/ },
    'test/fixtures/valid/conv_1d.yaml': { throws: /activity regularizer/ },
    'test/fixtures/valid/conv_2d.yaml': { throws: /activity regularizer/ },
    'test/fixtures/valid/core_and_merges.yaml': { throws: /Unknown layer: Subtract/ },
    'test/fixtures/valid/recurrent_gru_reset_after.yaml': { throws: /reset_after/ },
    'test/fixtures/valid/reshape_layers.yaml': { throws: /expected min_ndim=3, found ndim=2/ },
    'test/fixtures/valid/pooling_2d.yaml': { differ: ['gavg_keep', 'gmax_keep'] },
    'test/fixtures/valid/resizing_2d.yaml': { differ: ['conv_free', 'crop_free', 'up_free'] },
  };

  it.each(specsIn(FIXTURES))('%s: as nnspec, or the known TensorFlow.js gap', async (path, graph) => {
    const gap = GAPS[path];
    const json = exported(graph).model as never;
    if (gap && 'throws' in gap) {
      await expect(tf.models.modelFromJSON(json)).rejects.toThrow(gap.throws);
      return;
    }
    const m = await tf.models.modelFromJSON(json);
    try {
      const got = tfjsShapes(m);
      const want = nnspecShapes(graph);
      const differ = Object.keys(want).filter((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]));
      expect(differ.sort()).toEqual(gap && 'differ' in gap ? gap.differ : []);
      expect(m.countParams()).toBe(graph.totalParams);
    } finally {
      m.dispose();
    }
  });
});
