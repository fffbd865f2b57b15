/**
 * Losses and metrics written with Keras's arguments, and class_weight, in the spec: what compiles,
 * and every bad input as one located diagnostic (code, place, message) and the CLI's exit status.
 * The validator is built from the code (buildSchema), as schemas/nnspec.schema.json is generated
 * by the lead's `npm run schema` (test/generated.test.ts checks it is current).
 */
import { describe, expect, it } from 'vitest';
import { lossOf, resolveObjective } from '../../src/train/objective.js';
import { lossWeights, targetClasses } from '../../src/train/loss-weights.js';
import { brief, compileText, runCli } from '../helpers.js';
import { tempDir, writeSpec } from './helpers.js';

const spec = (training: string) => `nnspec: 1
name: t
inputs:
  x: {shape: [4]}
layers:
  kind: {type: Dense, units: 3}
  flag: {type: Dense, units: 1, activation: sigmoid, inputs: x}
outputs: [kind, flag]
training:
${training}
`;
const LOSS = '  loss: {kind: {type: categorical_crossentropy, from_logits: true, label_smoothing: 0.1}, flag: binary_focal_crossentropy}';

describe('valid', () => {
  it('losses and metrics as names or {type, ...Keras arguments}, class_weight per output', () => {
    const text = spec(`${LOSS}
  metrics:
    kind: [{type: top_k_categorical_accuracy, k: 2}, {type: f1_score, average: macro, name: f1}]
    flag: [auc, {type: auc, curve: PR, name: pr_auc}, {type: binary_accuracy, threshold: 0.3}]
  class_weight: {kind: {0: 1.0, 2: 3.5}, flag: {1: 4}}`);
    expect(brief(text)).toEqual([]);
    const objective = resolveObjective(compileText(text).graph!);
    if ('error' in objective) throw new Error(objective.error);
    const [kind, flag] = objective.outputs;
    expect(kind!.lossArgs).toMatchObject({ from_logits: true, label_smoothing: 0.1 });
    expect(flag!.lossArgs).toMatchObject({ alpha: 0.25, gamma: 2, apply_class_balancing: false });
    expect(kind!.metrics.map((m) => [m.name, m.kind, m.args])).toEqual([
      ['top_k_categorical_accuracy', 'top_k_categorical_accuracy', { k: 2 }],
      ['f1', 'f1_score', { average: 'macro', threshold: null }],
    ]);
    expect(flag!.metrics.map((m) => [m.name, m.args.curve])).toEqual([['auc', 'ROC'], ['pr_auc', 'PR'], ['binary_accuracy', undefined]]);
    expect([kind!.classWeight, flag!.classWeight]).toEqual([{ 0: 1, 2: 3.5 }, { 1: 4 }]);
  });

  it('one {type: ...} loss for every output is not a map by output name', () => {
    expect(brief(spec('  loss: {type: huber, delta: 2}'))).toEqual([]);
    expect(lossOf(compileText(spec('  loss: {type: huber, delta: 2}')).graph!, 1)).toBe('huber');
  });
});

describe('class_weight as per-sample weights (Keras: argmax of one-hot rows, else the rounded label; a missing class weighs 1)', () => {
  it('from one-hot rows, single units and sample weights (multiplied)', () => {
    expect([...targetClasses({ values: Float32Array.of(0, 1, 0, 0, 0, 1), shape: [2, 3], dtype: 'float32' })]).toEqual([1, 2]);
    expect([...targetClasses({ values: Float32Array.of(0.9, 0.2), shape: [2, 1], dtype: 'float32' })]).toEqual([1, 0]);
    const batch = {
      size: 3,
      inputs: [],
      targets: [{ values: Float32Array.of(1, 0, 0, 0, 0, 1, 0, 1, 0), shape: [3, 3], dtype: 'float32' as const }, { values: Int32Array.of(1, 0, 1), shape: [3], dtype: 'int32' as const }],
      sampleWeights: [undefined, { values: Float32Array.of(0.5, 2, 1), shape: [3], dtype: 'float32' as const }],
    };
    const outputs = [
      { name: 'a', shape: [3], loss: 'categorical_crossentropy', weight: 1, metrics: [], classWeight: { 0: 2, 2: 0.25 } },
      { name: 'b', shape: [1], loss: 'binary_crossentropy', weight: 1, metrics: [], classWeight: { 1: 3 } },
      { name: 'c', shape: [1], loss: 'mean_squared_error', weight: 1, metrics: [] },
    ] as never;
    const w = lossWeights(outputs, { ...batch, targets: [...batch.targets, batch.targets[1]!], sampleWeights: [...batch.sampleWeights, undefined] });
    expect(w.map((x) => x && [...x.values])).toEqual([[2, 0.25, 1], [1.5, 2, 3], undefined]);
  });
});

describe('bad input: one located error each', () => {
  it.each([
    ['unknown loss argument', '  loss: {type: categorical_crossentropy, from_logit: true}', 'NN200', '10:42', "unknown key 'from_logit' in 'training.loss'; did you mean 'from_logits'?"],
    ['loss argument out of range', '  loss: {type: categorical_crossentropy, label_smoothing: 2}', 'NN204', '10:59', "'training.loss.label_smoothing' must be <= 1, got 2"],
    ['unknown loss in {type}', '  loss: {type: categorical_crosentropy}', 'NN203', '10:16', "unknown loss 'categorical_crosentropy' in 'training.loss'; did you mean 'categorical_crossentropy'?"],
    ['focal argument of another loss', '  loss: {type: binary_crossentropy, gamma: 2}', 'NN200', '10:37', "unknown key 'gamma' in 'training.loss'"],
    ['unknown metric argument', '  loss: mse\n  metrics: [{type: auc, curv: PR}]', 'NN200', '11:25', "unknown key 'curv' in item 1 of 'training.metrics'; did you mean 'curve'?"],
    ['metric argument value', '  loss: mse\n  metrics: [{type: auc, curve: XY}]', 'NN203', '11:32', "'training.metrics.0.curve' cannot be 'XY'"],
    ['metric argument out of range', '  loss: mse\n  metrics: [{type: top_k_categorical_accuracy, k: 0}]', 'NN204', '11:51', "'training.metrics.0.k' must be >= 1, got 0"],
    ['unknown metric', '  loss: mse\n  metrics: [auk]', 'NN203', '11:13', "unknown metric 'auk' in 'training.metrics'; did you mean 'auc'?"],
    ['unknown metric in {type}', '  loss: mse\n  metrics: [{type: auk}]', 'NN203', '11:20', "unknown metric 'auk' in 'training.metrics.0'; did you mean 'auc'?"],
    ['class_weight for an unknown output', '  loss: mse\n  class_weight: {flg: {1: 2}}', 'NN602', '11:18', "training.class_weight names 'flg', which is not an output; did you mean 'flag'?"],
    ['class_weight class the output lacks', '  loss: mse\n  class_weight: {kind: {3: 2}}', 'NN607', '11:25', "training.class_weight gives class 3 of output 'kind', which has 3 classes (0 to 2)"],
    ['class_weight class of a sigmoid unit', '  loss: mse\n  class_weight: {flag: {2: 2}}', 'NN607', '11:25', "training.class_weight gives class 2 of output 'flag', which has classes 0 and 1 (one sigmoid unit)"],
    ['a metric that needs an argument, by name alone', '  loss: mse\n  metrics: {flag: [auc, precision_at_recall]}', 'NN201', '11:25', "metric 'precision_at_recall' needs its `recall` (Keras has no default for it)"],
    ['a metric that needs an argument, without it', '  loss: mse\n  metrics: [{type: sensitivity_at_specificity, num_thresholds: 10}]', 'NN201', '11:13', "item 1 of 'training.metrics' is missing required key 'specificity'"],
    ['class_id below 0', '  loss: mse\n  metrics: [{type: precision, class_id: -1}]', 'NN204', '11:41', "'training.metrics.0.class_id' must be >= 0, got -1"],
    ['negative class weight', '  loss: mse\n  class_weight: {flag: {1: -2}}', 'NN607', '11:28', "training.class_weight gives class 1 of output 'flag' the weight -2; a weight is 0 or more"],
  ])('%s', (_, training, code, at, message) => {
    expect(brief(spec(training))).toEqual([{ code, at, message, severity: 'error' }]);
  });

  it('validate exits 1 and prints the located error', async () => {
    const file = writeSpec(tempDir(), spec('  loss: mse\n  metrics: [{type: auc, curv: PR}]'));
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("spec.yaml:11:25: error[NN200]: unknown key 'curv' in item 1 of 'training.metrics'; did you mean 'curve'?");
  });
});

describe('an unknown loss or metric lists the accepted ones', () => {
  it.each([
    ['  loss: zzz', 'NN203', "unknown loss 'zzz'"],
    ['  loss: mse\n  metrics: [{type: zzz}]', 'NN203', "unknown metric 'zzz'"],
  ])('%s', (training, code, message) => {
    const [d, ...rest] = compileText(spec(training)).diagnostics;
    expect(rest).toEqual([]);
    expect([d!.code, d!.message.startsWith(message)]).toEqual([code, true]);
    expect(d!.hint).toMatch(/^accepted: .*\bauc\b|^accepted: .*\bbinary_focal_crossentropy\b/);
  });
});
