/**
 * Keras's learning-rate schedules (keras.optimizers.schedules), by their serialised snake_case
 * names and arguments. A schedule maps the optimizer's step count before the update (Keras's
 * `optimizer.iterations`: 0 for the first step) to that step's learning rate, as Keras's
 * optimizer calls it once per step. Values are computed in double precision; the engines take
 * them as float32, as Keras does. Their arguments and defaults are in spec/callbacks.ts.
 */
import { SCHEDULE_ARGUMENTS, scheduleProblem } from '../spec/callbacks.js';

export type ScheduleName = keyof typeof SCHEDULE_ARGUMENTS;

/** A schedule as the spec writes it: `{type: cosine_decay, initial_learning_rate: 0.01, ...}`. */
export type ScheduleConfig = { type: ScheduleName } & Record<string, string | number | boolean | number[] | null>;

export type LearningRate = number | ScheduleConfig;

export { scheduleProblem };

export function isSchedule(lr: unknown): lr is ScheduleConfig {
  return typeof lr === 'object' && lr !== null && typeof (lr as { type?: unknown }).type === 'string';
}

/** The schedule with Keras's defaults filled in (as run.json and optimizer.json record it). */
export function withDefaults(s: ScheduleConfig): ScheduleConfig {
  const defaults = Object.entries(SCHEDULE_ARGUMENTS[s.type]!.properties).flatMap(([k, v]) => ('default' in v ? [[k, v.default]] : []));
  return { ...Object.fromEntries(defaults), ...s } as ScheduleConfig;
}

/** The learning rate of the step taken after `step` earlier steps. */
export function learningRateAt(config: LearningRate, step: number): number {
  if (!isSchedule(config)) return config;
  const s = withDefaults(config) as Record<string, never> & ScheduleConfig;
  const n = (k: string) => s[k] as number;
  switch (s.type) {
    case 'exponential_decay': {
      const p = step / n('decay_steps');
      return n('initial_learning_rate') * n('decay_rate') ** (s.staircase ? Math.floor(p) : p);
    }
    case 'inverse_time_decay': {
      const p = step / n('decay_steps');
      return n('initial_learning_rate') / (1 + n('decay_rate') * (s.staircase ? Math.floor(p) : p));
    }
    case 'piecewise_constant_decay': {
      // values[i] while step <= boundaries[i]; the last value after the last boundary.
      const b = s.boundaries as number[];
      const v = s.values as number[];
      const i = b.findIndex((x) => step <= x);
      return v[i === -1 ? b.length : i]!;
    }
    case 'polynomial_decay': {
      const [from, to, steps] = [n('initial_learning_rate'), n('end_learning_rate'), n('decay_steps')];
      let decaySteps = steps;
      let at = step;
      if (s.cycle) decaySteps = steps * (step === 0 ? 1 : Math.ceil(step / steps));
      else at = Math.min(step, steps);
      return (from - to) * (1 - at / decaySteps) ** n('power') + to;
    }
    case 'cosine_decay': {
      const steps = n('decay_steps');
      const cosine = (at: number, from: number) => from * ((1 - n('alpha')) * 0.5 * (1 + Math.cos((Math.PI * at) / steps)) + n('alpha'));
      if (s.warmup_target == null) return cosine(Math.min(step, steps), n('initial_learning_rate'));
      const warmup = n('warmup_steps');
      const at = Math.min(step, steps + warmup);
      if (at < warmup) return (n('warmup_target') - n('initial_learning_rate')) * (at / warmup) + n('initial_learning_rate');
      return cosine(at - warmup, n('warmup_target'));
    }
    case 'cosine_decay_restarts': {
      const tMul = n('t_mul');
      let fraction = step / n('first_decay_steps');
      let restart: number;
      if (tMul === 1) {
        restart = Math.floor(fraction);
        fraction -= restart;
      } else {
        // Periods grow geometrically: restart i starts at (1 - t_mul^i) / (1 - t_mul) periods.
        restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
        const before = (1 - tMul ** restart) / (1 - tMul);
        fraction = (fraction - before) / tMul ** restart;
      }
      const cosine = 0.5 * n('m_mul') ** restart * (1 + Math.cos(Math.PI * fraction));
      return n('initial_learning_rate') * ((1 - n('alpha')) * cosine + n('alpha'));
    }
  }
  throw new Error(`unknown learning-rate schedule '${String(s.type)}'`);
}
