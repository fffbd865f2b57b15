/**
 * nnspec's optimizers against Keras 3's update rules, computed here element by element in double
 * precision (keras/src/optimizers/*.py), over several steps with changing gradients; and a slot
 * round trip that continues exactly.
 */
import { describe, expect, it } from 'vitest';
import { makeOptimizer } from '../../src/backends/tfjs/optimizers.js';
import { optimizerConfig, type OptimizerConfig } from '../../src/train/optimizer-config.js';
import type { TrainingSpec } from '../../src/spec/types.js';
import { cpuTf } from './helpers.js';

type Slots = Record<string, number>;
type Step = (x: number, g: number, s: Slots, t: number, c: Record<string, number | boolean>) => number;

/** Keras 3's update_step for one element; `s` holds that element's slots. */
const KERAS: Record<string, Step> = {
  sgd(x, g, s, _t, c) {
    const lr = c.learning_rate as number;
    const mom = c.momentum as number;
    if (mom === 0) return x - lr * g;
    s.m = (s.m ?? 0) * mom - g * lr;
    return c.nesterov ? x + (s.m * mom - g * lr) : x + s.m;
  },
  rmsprop(x, g, s, _t, c) {
    const [lr, rho, mom, eps] = [c.learning_rate, c.rho, c.momentum, c.epsilon] as number[];
    s.v = rho! * (s.v ?? 0) + (1 - rho!) * g * g;
    let denominator = s.v + eps!;
    if (c.centered) {
      s.a = rho! * (s.a ?? 0) + (1 - rho!) * g;
      denominator = s.v - s.a * s.a + eps!;
    }
    const inc = (lr! * g) / Math.sqrt(denominator);
    if (mom! > 0) {
      s.m = mom! * (s.m ?? 0) + inc;
      return x - s.m;
    }
    return x - inc;
  },
  adam(x, g, s, t, c) {
    const [lr, b1, b2, eps] = [c.learning_rate, c.beta_1, c.beta_2, c.epsilon] as number[];
    if (c.weight_decay) x -= x * (c.weight_decay as number) * lr!;
    const alpha = (lr! * Math.sqrt(1 - b2! ** t)) / (1 - b1! ** t);
    s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1!);
    s.v = (s.v ?? 0) + (g * g - (s.v ?? 0)) * (1 - b2!);
    let v = s.v;
    if (c.amsgrad) v = s.vh = Math.max(s.vh ?? 0, s.v);
    return x - (s.m * alpha) / (Math.sqrt(v) + eps!);
  },
  adagrad(x, g, s, _t, c) {
    s.a = (s.a ?? (c.initial_accumulator_value as number)) + g * g;
    return x - ((c.learning_rate as number) * g) / Math.sqrt(s.a + (c.epsilon as number));
  },
  adadelta(x, g, s, _t, c) {
    const [lr, rho, eps] = [c.learning_rate, c.rho, c.epsilon] as number[];
    s.ag = rho! * (s.ag ?? 0) + (1 - rho!) * g * g;
    const delta = -(Math.sqrt((s.adv ?? 0) + eps!) * g) / Math.sqrt(s.ag + eps!);
    s.adv = rho! * (s.adv ?? 0) + (1 - rho!) * delta * delta;
    return x + lr! * delta;
  },
  adamax(x, g, s, t, c) {
    const [lr, b1, b2, eps] = [c.learning_rate, c.beta_1, c.beta_2, c.epsilon] as number[];
    s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1!);
    s.u = Math.max(b2! * (s.u ?? 0), Math.abs(g));
    return x - (lr! * s.m) / ((1 - b1! ** t) * (s.u + eps!));
  },
};
KERAS.adamw = KERAS.adam!;

const START = [0.5, -1.25, 2, 0.01];
const GRADS = [
  [0.1, -0.3, 0.25, 0],
  [0.2, 0.1, -0.5, 1e-3],
  [-0.05, 0.4, 0.3, -2],
  [0.3, -0.2, 0.1, 0.5],
];

const CASES: TrainingSpec['optimizer'][] = [
  'sgd',
  { type: 'sgd', learning_rate: 0.1, momentum: 0.9 },
  { type: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true },
  'rmsprop',
  { type: 'rmsprop', learning_rate: 0.01, momentum: 0.5, centered: true },
  'adam',
  { type: 'adam', learning_rate: 0.05, amsgrad: true },
  { type: 'adamw', learning_rate: 0.05, weight_decay: 0.1 },
  'adagrad',
  { type: 'adadelta', learning_rate: 1 },
  'adamax',
];

describe('optimizers follow Keras 3', () => {
  it.each(CASES.map((c) => [typeof c === 'string' ? c : JSON.stringify(c), c] as const))('%s', async (_name, spec) => {
    const tf = await cpuTf();
    const config: OptimizerConfig = optimizerConfig(spec);
    const opt = makeOptimizer(tf, config);
    const v = tf.variable(tf.tensor1d(START));
    const expected = [...START];
    const slots: Slots[] = START.map(() => ({}));
    GRADS.forEach((g, step) => {
      const grad = tf.tensor1d(g);
      opt.apply({ [v.name]: grad }, [v], ['w']);
      grad.dispose();
      for (let i = 0; i < START.length; i++) expected[i] = KERAS[config.type]!(expected[i]!, g[i]!, slots[i]!, step + 1, config);
    });
    const actual = [...v.dataSync()];
    actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 5));
    expect(opt.iterations).toBe(GRADS.length);
    v.dispose();
  });

  it('fills Keras defaults and lets --learning-rate override', () => {
    expect(optimizerConfig('adam')).toEqual({ type: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(optimizerConfig({ type: 'sgd', momentum: 0.9 }, 0.5)).toEqual({ type: 'sgd', learning_rate: 0.5, momentum: 0.9, nesterov: false });
    expect(optimizerConfig(undefined).type).toBe('rmsprop');
  });

  it('clips by value and by norm before the update', async () => {
    const tf = await cpuTf();
    for (const [extra, expected] of [[{ clipvalue: 0.1 }, [-0.1, 0.1]], [{ clipnorm: 1 }, [-0.6, 0.8]]] as const) {
      const opt = makeOptimizer(tf, optimizerConfig({ type: 'sgd', learning_rate: 1, ...extra }));
      const v = tf.variable(tf.tensor1d([0, 0]));
      opt.apply({ [v.name]: tf.tensor1d([3, -4]) }, [v], ['w']);
      [...v.dataSync()].forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 6));
      v.dispose();
    }
  });

  it('saves its slots by weight name and continues exactly after a restore', async () => {
    const tf = await cpuTf();
    const config = optimizerConfig({ type: 'adam', learning_rate: 0.05, amsgrad: true });
    const a = makeOptimizer(tf, config);
    const va = tf.variable(tf.tensor1d(START));
    a.apply({ [va.name]: tf.tensor1d(GRADS[0]!) }, [va], ['layer/kernel']);
    expect(a.slots().map((s) => s.name)).toEqual(['layer/kernel/momentum', 'layer/kernel/velocity', 'layer/kernel/velocity_hat']);
    const b = makeOptimizer(tf, config);
    const vb = tf.variable(va.clone());
    b.restore(a.iterations, new Map(a.slots().map((s) => [s.name, s.tensor.clone()])), [vb], ['layer/kernel']);
    for (const [opt, v] of [[a, va], [b, vb]] as const) opt.apply({ [v.name]: tf.tensor1d(GRADS[1]!) }, [v], ['layer/kernel']);
    expect([...vb.dataSync()]).toEqual([...va.dataSync()]);
    expect(() => makeOptimizer(tf, config).restore(1, new Map(), [vb], ['layer/kernel'])).toThrow("no optimizer slot 'layer/kernel/momentum'");
  });
});
