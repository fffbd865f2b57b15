/**
 * Keras 3's optimizers as ONNX subgraphs: given a weight, its gradient and its slots, emit the
 * updated weight and slots. The formulas, the order of the float operations and the slot names
 * are those of the tfjs engine (src/backends/tfjs/optimizers.ts), so a checkpoint written by one
 * engine resumes on the other and both take the same step to the last bits where the kernels allow.
 *
 * What changes from step to step (the learning rate, which a schedule or ReduceLROnPlateau moves;
 * Adam's bias-corrected step size, Adamax's 1 - β₁ᵗ) is not baked into the graph: it is a float32
 * scalar input, computed here in double precision from the step count and the step's learning
 * rate exactly as the tfjs engine computes it.
 */
import type { OptimizerConfig } from '../../train/optimizer-config.js';
import type { OnnxGraph, Value } from './graph.js';

export interface SlotSpec {
  /** Saved as `<weight>/<name>`. */
  name: string;
  /** Value of every element before the first step. */
  init: number;
}

export interface WeightUpdate {
  weight: Value;
  slots: Value[];
}

export interface OnnxOptimizer {
  config: OptimizerConfig;
  /** Each trainable weight's slots, in saved order. */
  slots: SlotSpec[];
  /** Names of the float32 scalar inputs a step graph takes (possibly none). */
  scalars: string[];
  /**
   * The scalar inputs' values for step `t` (1-based, Keras's iterations + 1) taken with learning
   * rate `lr`, parallel to `scalars`.
   */
  scalarValues(t: number, lr: number): number[];
  /**
   * One weight's update. `scalars` are the graph values of the scalar inputs, parallel to
   * `scalars`. Gradient clipping (clipvalue, then clipnorm, per weight as Keras does) comes first.
   */
  emit(g: OnnxGraph, weight: Value, grad: Value, slots: Value[], scalars: Value[]): WeightUpdate;
  /**
   * Whether a step with a zero gradient only scales each slot by a constant and leaves the weight
   * as it is (so rows of a table that a batch does not touch can be updated lazily, exactly):
   * the factor per slot, or undefined when a zero gradient still moves the weight.
   */
  idleDecay?: number[];
}

type Rule = Omit<OnnxOptimizer, 'config' | 'emit'> & {
  step(g: OnnxGraph, w: Value, grad: Value, slots: Value[], scalars: Value[]): WeightUpdate;
};

function rule(config: OptimizerConfig): Rule {
  const c = config as Record<string, number | boolean | undefined>;
  const n = (k: string) => c[k] as number;
  const eps = n('epsilon');
  // The learning rate as fed: the first scalar input of every rule that uses it as it is.
  const none = { scalars: ['learning_rate'], scalarValues: (_t: number, lr: number) => [lr] };
  switch (config.type) {
    case 'sgd': {
      const momentum = n('momentum');
      if (momentum === 0 && !c.nesterov) {
        return { ...none, slots: [], idleDecay: [], step: (g, w, grad, _s, [lr]) => ({ weight: g.op1('Sub', [w, g.op1('Mul', [grad, lr!])]), slots: [] }) };
      }
      return {
        ...none,
        slots: [{ name: 'momentum', init: 0 }],
        step(g, w, grad, [m], [lr]) {
          const glr = g.op1('Mul', [grad, lr!]);
          const next = g.op1('Sub', [g.op1('Mul', [m!, g.scalar(momentum)]), glr]);
          const weight = c.nesterov ? g.op1('Add', [w, g.op1('Sub', [g.op1('Mul', [next, g.scalar(momentum)]), glr])]) : g.op1('Add', [w, next]);
          return { weight, slots: [next] };
        },
      };
    }
    case 'rmsprop': {
      const rho = n('rho');
      const momentum = n('momentum');
      const slots: SlotSpec[] = [{ name: 'velocity', init: 0 }];
      if (momentum > 0) slots.push({ name: 'momentum', init: 0 });
      if (c.centered) slots.push({ name: 'average_gradient', init: 0 });
      return {
        ...none,
        slots,
        ...(momentum > 0 ? {} : { idleDecay: slots.map(() => rho) }),
        step(g, w, grad, s, [lr]) {
          const velocity = g.op1('Add', [g.op1('Mul', [s[0]!, g.scalar(rho)]), g.op1('Mul', [g.op1('Mul', [grad, grad]), g.scalar(1 - rho)])]);
          const out = [velocity];
          let denominator = velocity;
          let avg: Value | undefined;
          if (c.centered) {
            avg = g.op1('Add', [g.op1('Mul', [s[slots.length - 1]!, g.scalar(rho)]), g.op1('Mul', [grad, g.scalar(1 - rho)])]);
            denominator = g.op1('Sub', [velocity, g.op1('Mul', [avg, avg])]);
          }
          const increment = g.op1('Div', [g.op1('Mul', [grad, lr!]), g.op1('Sqrt', [g.op1('Add', [denominator, g.scalar(eps)])])]);
          let weight: Value;
          if (momentum > 0) {
            const mom = g.op1('Add', [g.op1('Mul', [s[1]!, g.scalar(momentum)]), increment]);
            out.push(mom);
            weight = g.op1('Sub', [w, mom]);
          } else weight = g.op1('Sub', [w, increment]);
          if (avg) out.push(avg);
          return { weight, slots: out };
        },
      };
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2] = [n('beta_1'), n('beta_2')];
      const decay = config.type === 'adamw' ? n('weight_decay') : 0;
      const slots: SlotSpec[] = [{ name: 'momentum', init: 0 }, { name: 'velocity', init: 0 }];
      if (c.amsgrad) slots.push({ name: 'velocity_hat', init: 0 });
      return {
        slots,
        scalars: decay > 0 ? ['alpha', 'decay'] : ['alpha'],
        scalarValues: (t, lr) => [(lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t), ...(decay > 0 ? [decay * lr] : [])],
        step(g, w, grad, [m, vel, vhat], [alpha, decayLr]) {
          // AdamW: Keras decays the weight first, by weight_decay × learning_rate.
          if (decay > 0) w = g.op1('Sub', [w, g.op1('Mul', [w, decayLr!])]);
          const m2 = g.op1('Add', [m!, g.op1('Mul', [g.op1('Sub', [grad, m!]), g.scalar(1 - b1)])]);
          const v2 = g.op1('Add', [vel!, g.op1('Mul', [g.op1('Sub', [g.op1('Mul', [grad, grad]), vel!]), g.scalar(1 - b2)])]);
          const out = [m2, v2];
          let denominator = v2;
          if (vhat) {
            denominator = g.op1('Max', [vhat, v2]);
            out.push(denominator);
          }
          const step = g.op1('Div', [g.op1('Mul', [m2, alpha!]), g.op1('Add', [g.op1('Sqrt', [denominator]), g.scalar(eps)])]);
          return { weight: g.op1('Sub', [w, step]), slots: out };
        },
      };
    }
    case 'adagrad':
      return {
        ...none,
        slots: [{ name: 'accumulator', init: n('initial_accumulator_value') }],
        idleDecay: [1],
        step(g, w, grad, [acc], [lr]) {
          const acc2 = g.op1('Add', [acc!, g.op1('Mul', [grad, grad])]);
          const step = g.op1('Div', [g.op1('Mul', [grad, lr!]), g.op1('Sqrt', [g.op1('Add', [acc2, g.scalar(eps)])])]);
          return { weight: g.op1('Sub', [w, step]), slots: [acc2] };
        },
      };
    case 'adadelta': {
      const rho = n('rho');
      return {
        ...none,
        slots: [{ name: 'accumulated_grad', init: 0 }, { name: 'accumulated_delta_var', init: 0 }],
        idleDecay: [rho, rho],
        step(g, w, grad, [ag, adv], [lr]) {
          const ag2 = g.op1('Add', [g.op1('Mul', [ag!, g.scalar(rho)]), g.op1('Mul', [g.op1('Mul', [grad, grad]), g.scalar(1 - rho)])]);
          const ratio = g.op1('Div', [g.op1('Sqrt', [g.op1('Add', [adv!, g.scalar(eps)])]), g.op1('Sqrt', [g.op1('Add', [ag2, g.scalar(eps)])])]);
          const delta = g.op1('Neg', [g.op1('Mul', [ratio, grad])]);
          const adv2 = g.op1('Add', [g.op1('Mul', [adv!, g.scalar(rho)]), g.op1('Mul', [g.op1('Mul', [delta, delta]), g.scalar(1 - rho)])]);
          return { weight: g.op1('Add', [w, g.op1('Mul', [delta, lr!])]), slots: [ag2, adv2] };
        },
      };
    }
    case 'adamax': {
      const [b1, b2] = [n('beta_1'), n('beta_2')];
      return {
        slots: [{ name: 'momentum', init: 0 }, { name: 'norm', init: 0 }],
        scalars: ['learning_rate', 'bias_correction'],
        scalarValues: (t, lr) => [lr, 1 - b1 ** t],
        step(g, w, grad, [m, u], [lr, correction]) {
          const m2 = g.op1('Add', [m!, g.op1('Mul', [g.op1('Sub', [grad, m!]), g.scalar(1 - b1)])]);
          const u2 = g.op1('Max', [g.op1('Mul', [u!, g.scalar(b2)]), g.op1('Abs', [grad])]);
          const step = g.op1('Div', [g.op1('Mul', [m2, lr!]), g.op1('Mul', [g.op1('Add', [u2, g.scalar(eps)]), correction!])]);
          return { weight: g.op1('Sub', [w, step]), slots: [m2, u2] };
        },
      };
    }
  }
}

export function onnxOptimizer(config: OptimizerConfig): OnnxOptimizer {
  const c = config as Record<string, number | boolean | undefined>;
  const clipnorm = c.clipnorm as number | undefined;
  const clipvalue = c.clipvalue as number | undefined;
  const { step, ...r } = rule(config);
  return {
    config,
    ...r,
    emit(g, weight, grad, slots, scalars) {
      if (slots.length !== r.slots.length) throw new Error(`internal: ${config.type} takes ${r.slots.length} slots per weight, got ${slots.length}`);
      if (clipvalue !== undefined) grad = g.op1('Clip', [grad, g.scalar(-clipvalue), g.scalar(clipvalue)]);
      if (clipnorm !== undefined) {
        const norm = g.op1('Sqrt', [g.op1('ReduceSum', [g.op1('Mul', [grad, grad])], { keepdims: 0 })]);
        grad = g.op1('Mul', [grad, g.op1('Div', [g.scalar(clipnorm), g.op1('Max', [norm, g.scalar(clipnorm)])])]);
      }
      return step(g, weight, grad, slots, scalars);
    },
  };
}
