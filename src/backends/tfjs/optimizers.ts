/**
 * Keras's optimizers, written out with tfjs ops to Keras 3's update rules (keras/src/optimizers)
 * rather than taken from tfjs: tfjs's Adam places epsilon differently, has no AMSGrad or AdamW,
 * and its Adamax cannot save its state. Every slot is an explicit variable named after the weight
 * it belongs to, and the step count is a plain number, so a checkpoint restores the optimizer
 * exactly and a resumed run continues bit for bit.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../train/optimizer-config.js';
import type { Tf } from './env.js';

type T = tfTypes.Tensor;

export interface Optimizing {
  config: OptimizerConfig;
  /** Steps taken (Keras's `iterations`). */
  iterations: number;
  /**
   * One step: `grads` keyed by variable name, `variables` the trainable weights in model order;
   * `learningRate` is this step's (a schedule's or a reduced one), the config's when absent.
   */
  apply(grads: tfTypes.NamedTensorMap, variables: tfTypes.Variable[], names: string[], learningRate?: number): void;
  /** Slot values named `<weight>/<slot>`, for a checkpoint. */
  slots(): { name: string; tensor: T }[];
  /** Restores slots saved by `slots()` for the weights called `names` (every one must be present). */
  restore(iterations: number, saved: Map<string, T>, variables: tfTypes.Variable[], names: string[]): void;
  dispose(): void;
}

interface Rule {
  /** Slot names and their initial value. */
  slots: [string, number][];
  /** Updates `v` in place given its gradient and slots; `t` is the 1-based step, `lr` its learning rate. */
  step(v: tfTypes.Variable, g: T, s: tfTypes.Variable[], t: number, lr: number): void;
}

function rule(tf: Tf, config: OptimizerConfig): Rule {
  const c = config as Record<string, number | boolean | undefined>;
  const n = (k: string) => c[k] as number;
  const eps = n('epsilon');
  switch (config.type) {
    case 'sgd': {
      const momentum = n('momentum');
      if (momentum === 0 && !c.nesterov) return { slots: [], step: (v, g, _s, _t, lr) => v.assign(tf.sub(v, tf.mul(g, lr))) };
      return {
        slots: [['momentum', 0]],
        step(v, g, [m], _t, lr) {
          const next = tf.sub(tf.mul(m!, momentum), tf.mul(g, lr));
          m!.assign(next);
          v.assign(c.nesterov ? tf.add(v, tf.sub(tf.mul(next, momentum), tf.mul(g, lr))) : tf.add(v, next));
        },
      };
    }
    case 'rmsprop': {
      const rho = n('rho');
      const momentum = n('momentum');
      const slots: [string, number][] = [['velocity', 0]];
      if (momentum > 0) slots.push(['momentum', 0]);
      if (c.centered) slots.push(['average_gradient', 0]);
      return {
        slots,
        step(v, g, s, _t, lr) {
          const [velocity, mom, avg] = [s[0]!, momentum > 0 ? s[1] : undefined, c.centered ? s[slots.length - 1] : undefined];
          velocity.assign(tf.add(tf.mul(velocity, rho), tf.mul(tf.square(g), 1 - rho)));
          let denominator: T = velocity;
          if (avg) {
            avg.assign(tf.add(tf.mul(avg, rho), tf.mul(g, 1 - rho)));
            denominator = tf.sub(velocity, tf.square(avg));
          }
          const increment = tf.div(tf.mul(g, lr), tf.sqrt(tf.add(denominator, eps)));
          if (mom) {
            mom.assign(tf.add(tf.mul(mom, momentum), increment));
            v.assign(tf.sub(v, mom));
          } else v.assign(tf.sub(v, increment));
        },
      };
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2] = [n('beta_1'), n('beta_2')];
      const decay = config.type === 'adamw' ? n('weight_decay') : 0;
      const slots: [string, number][] = [['momentum', 0], ['velocity', 0]];
      if (c.amsgrad) slots.push(['velocity_hat', 0]);
      return {
        slots,
        step(v, g, [m, vel, vhat], t, lr) {
          // AdamW: Keras decays the weight first, by weight_decay × learning_rate.
          if (decay > 0) v.assign(tf.sub(v, tf.mul(v, decay * lr)));
          const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
          m!.assign(tf.add(m!, tf.mul(tf.sub(g, m!), 1 - b1)));
          vel!.assign(tf.add(vel!, tf.mul(tf.sub(tf.square(g), vel!), 1 - b2)));
          let denominator: T = vel!;
          if (vhat) {
            vhat.assign(tf.maximum(vhat, vel!));
            denominator = vhat;
          }
          v.assign(tf.sub(v, tf.div(tf.mul(m!, alpha), tf.add(tf.sqrt(denominator), eps))));
        },
      };
    }
    case 'adagrad':
      return {
        slots: [['accumulator', n('initial_accumulator_value')]],
        step(v, g, [acc], _t, lr) {
          acc!.assign(tf.add(acc!, tf.square(g)));
          v.assign(tf.sub(v, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(acc!, eps)))));
        },
      };
    case 'adadelta': {
      const rho = n('rho');
      return {
        slots: [['accumulated_grad', 0], ['accumulated_delta_var', 0]],
        step(v, g, [ag, adv], _t, lr) {
          ag!.assign(tf.add(tf.mul(ag!, rho), tf.mul(tf.square(g), 1 - rho)));
          const delta = tf.neg(tf.mul(tf.div(tf.sqrt(tf.add(adv!, eps)), tf.sqrt(tf.add(ag!, eps))), g));
          adv!.assign(tf.add(tf.mul(adv!, rho), tf.mul(tf.square(delta), 1 - rho)));
          v.assign(tf.add(v, tf.mul(delta, lr)));
        },
      };
    }
    case 'adamax': {
      const [b1, b2] = [n('beta_1'), n('beta_2')];
      return {
        slots: [['momentum', 0], ['norm', 0]],
        step(v, g, [m, u], t, lr) {
          m!.assign(tf.add(m!, tf.mul(tf.sub(g, m!), 1 - b1)));
          u!.assign(tf.maximum(tf.mul(u!, b2), tf.abs(g)));
          v.assign(tf.sub(v, tf.div(tf.mul(m!, lr), tf.mul(tf.add(u!, eps), 1 - b1 ** t))));
        },
      };
    }
  }
}

export function makeOptimizer(tf: Tf, config: OptimizerConfig): Optimizing {
  const c = config as Record<string, number | boolean | undefined>;
  const r = rule(tf, config);
  const clipnorm = c.clipnorm as number | undefined;
  const clipvalue = c.clipvalue as number | undefined;
  // Slot variables per weight, created on the first step (or by restore).
  let slots: tfTypes.Variable[][] | undefined;
  let slotNames: string[] = [];
  const create = (variables: tfTypes.Variable[], names: string[], init?: (name: string) => T) => {
    slotNames = names.flatMap((w) => r.slots.map(([s]) => `${w}/${s}`));
    // tidy frees the initial values; variables outlive it.
    tf.tidy(() => {
      slots = variables.map((v, i) =>
        r.slots.map(([s, value]) => {
          const saved = init?.(`${names[i]}/${s}`);
          return tf.variable(saved ? tf.clone(saved) : tf.fill(v.shape, value, 'float32'), false);
        }),
      );
    });
  };
  const opt: Optimizing = {
    config,
    iterations: 0,
    apply(grads, variables, names, learningRate) {
      if (!slots) create(variables, names);
      const t = opt.iterations + 1;
      const lr = learningRate ?? (c.learning_rate as number);
      tf.tidy(() => {
        variables.forEach((v, i) => {
          let g = grads[v.name];
          if (!g) return; // a weight the loss does not depend on (Keras skips it too)
          if (clipvalue !== undefined) g = tf.clipByValue(g, -clipvalue, clipvalue);
          if (clipnorm !== undefined) g = tf.mul(g, tf.div(clipnorm, tf.maximum(tf.norm(g), clipnorm)));
          r.step(v, g, slots![i]!, t, lr);
        });
      });
      opt.iterations = t;
    },
    slots: () => (slots ?? []).flat().map((tensor, i) => ({ name: slotNames[i]!, tensor })),
    restore(iterations, saved, variables, names) {
      if (slots) tf.dispose(slots.flat());
      slots = undefined;
      opt.iterations = iterations;
      if (iterations === 0 && saved.size === 0) return;
      for (const w of names) for (const [s] of r.slots) if (!saved.has(`${w}/${s}`)) throw new Error(`the checkpoint has no optimizer slot '${w}/${s}'`);
      create(variables, names, (name) => saved.get(name)!);
    },
    dispose() {
      if (slots) tf.dispose(slots.flat());
      slots = undefined;
    },
  };
  return opt;
}
