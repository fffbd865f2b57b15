/**
 * Keras's learning-rate schedules (keras.optimizers.schedules), by their serialised snake_case
 * names and arguments. A schedule maps the optimizer's step count before the update (Keras's
 * `optimizer.iterations`: 0 for the first step) to that step's learning rate, as Keras's
 * optimizer calls it once per step. Values are computed in double precision; the engines take
 * them as float32, as Keras does.
 */

export const SCHEDULES = {
  exponential_decay: { required: ['initial_learning_rate', 'decay_steps', 'decay_rate'], defaults: { staircase: false } },
  piecewise_constant_decay: { required: ['boundaries', 'values'], defaults: {} },
  polynomial_decay: { required: ['initial_learning_rate', 'decay_steps'], defaults: { end_learning_rate: 0.0001, power: 1, cycle: false } },
  inverse_time_decay: { required: ['initial_learning_rate', 'decay_steps', 'decay_rate'], defaults: { staircase: false } },
  cosine_decay: { required: ['initial_learning_rate', 'decay_steps'], defaults: { alpha: 0, warmup_target: null, warmup_steps: 0 } },
  cosine_decay_restarts: { required: ['initial_learning_rate', 'first_decay_steps'], defaults: { t_mul: 2, m_mul: 1, alpha: 0 } },
} as const;

export type ScheduleName = keyof typeof SCHEDULES;

/** A schedule as the spec writes it: `{type: cosine_decay, initial_learning_rate: 0.01, ...}`. */
export type ScheduleConfig = { type: ScheduleName } & Record<string, number | boolean | number[] | null>;

export type LearningRate = number | ScheduleConfig;

export function isSchedule(lr: unknown): lr is ScheduleConfig {
  return typeof lr === 'object' && lr !== null && typeof (lr as { type?: unknown }).type === 'string';
}

/** The schedule with Keras's defaults filled in (for run.json and optimizer.json). */
export function withDefaults(s: ScheduleConfig): ScheduleConfig {
  return { type: s.type, ...SCHEDULES[s.type].defaults, ...s } as ScheduleConfig;
}

/** Why a schedule cannot be built, as Keras's constructors refuse it (undefined when it can). */
export function scheduleProblem(s: ScheduleConfig): { key: string; message: string } | undefined {
  const steps = s.type === 'cosine_decay_restarts' ? 'first_decay_steps' : 'decay_steps';
  if (s.type !== 'piecewise_constant_decay' && !((s[steps] as number) > 0)) return { key: steps, message: `${steps} must be greater than 0 (got ${String(s[steps])})` };
  if (s.type === 'piecewise_constant_decay') {
    const b = s.boundaries as number[];
    const v = s.values as number[];
    if (b.length !== v.length - 1) return { key: 'values', message: `values must have one more entry than boundaries (${b.length} boundar${b.length === 1 ? 'y' : 'ies'}, ${v.length} value${v.length === 1 ? '' : 's'})` };
    for (let i = 1; i < b.length; i++) if (!(b[i]! > b[i - 1]!)) return { key: 'boundaries', message: `boundaries must increase strictly (${b[i - 1]} then ${b[i]})` };
  }
  if (s.type === 'cosine_decay' && s.warmup_target != null && !((s.warmup_steps as number) > 0)) {
    return { key: 'warmup_steps', message: 'warmup_target needs warmup_steps greater than 0 (the steps over which the learning rate rises to it)' };
  }
  if (s.type === 'cosine_decay_restarts' && !((s.t_mul as number) > 0)) return { key: 't_mul', message: `t_mul must be greater than 0 (got ${String(s.t_mul)})` };
  return undefined;
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
}
