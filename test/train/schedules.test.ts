/**
 * Learning-rate schedules against Keras 3's formulas, computed independently in NumPy float32
 * (test/train/schedules-goldens.py writes schedules-goldens.json), plus hand-checked values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { learningRateAt, scheduleProblem, type ScheduleConfig } from '../../src/train/schedules.js';

const goldens = JSON.parse(readFileSync(new URL('./schedules-goldens.json', import.meta.url), 'utf8')) as {
  steps: number[];
  cases: { config: ScheduleConfig; expected: number[] }[];
};

describe('learning-rate schedules', () => {
  for (const { config, expected } of goldens.cases) {
    it(`${config.type} ${JSON.stringify(config)}`, () => {
      // float32 goldens: 2e-6 relative, or 1e-7 of the schedule's largest value where it nears zero.
      const scale = Math.max(...expected);
      goldens.steps.forEach((step, i) => {
        const got = learningRateAt(config, step);
        expect(Math.abs(got - expected[i]!), `step ${step}: ${got} vs ${expected[i]}`).toBeLessThanOrEqual(Math.max(1e-7 * scale, 2e-6 * Math.abs(expected[i]!)));
      });
    });
  }

  it('hand-checked values', () => {
    expect(learningRateAt({ type: 'exponential_decay', initial_learning_rate: 1, decay_steps: 10, decay_rate: 0.5 }, 20)).toBeCloseTo(0.25, 12);
    expect(learningRateAt({ type: 'exponential_decay', initial_learning_rate: 1, decay_steps: 10, decay_rate: 0.5, staircase: true }, 19)).toBe(0.5);
    // values[0] while step <= boundaries[0] (Keras's <=, not <).
    const pw: ScheduleConfig = { type: 'piecewise_constant_decay', boundaries: [10, 20], values: [3, 2, 1] };
    expect([0, 10, 11, 20, 21].map((s) => learningRateAt(pw, s))).toEqual([3, 3, 2, 2, 1]);
    // Cosine with warmup: linear from initial to target over warmup_steps, then half a cosine to alpha × target.
    const cw: ScheduleConfig = { type: 'cosine_decay', initial_learning_rate: 0, decay_steps: 100, warmup_target: 1, warmup_steps: 10 };
    expect(learningRateAt(cw, 5)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(cw, 10)).toBeCloseTo(1, 12);
    expect(learningRateAt(cw, 60)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(cw, 1e6)).toBeCloseTo(0, 12);
    // SGDR with t_mul 2: periods of 10, 20, 40 steps; each restart starts at the initial rate.
    const r: ScheduleConfig = { type: 'cosine_decay_restarts', initial_learning_rate: 1, first_decay_steps: 10 };
    expect([0, 5, 10, 20, 30, 70].map((s) => learningRateAt(r, s))).toEqual([1, 0.5, 1, 0.5, 1, 1].map((x) => expect.closeTo(x, 9)));
    expect(learningRateAt(0.003, 12345)).toBe(0.003);
  });

  it('refuses what Keras refuses', () => {
    expect(scheduleProblem({ type: 'exponential_decay', initial_learning_rate: 1, decay_steps: 0, decay_rate: 0.5 })).toEqual({ key: 'decay_steps', message: 'decay_steps must be greater than 0 (got 0)' });
    expect(scheduleProblem({ type: 'piecewise_constant_decay', boundaries: [10], values: [1] })?.key).toBe('values');
    expect(scheduleProblem({ type: 'piecewise_constant_decay', boundaries: [10, 5], values: [1, 2, 3] })?.key).toBe('boundaries');
    expect(scheduleProblem({ type: 'cosine_decay_restarts', initial_learning_rate: 1, first_decay_steps: -1 })?.key).toBe('first_decay_steps');
    // Keras takes warmup_target without warmup_steps: the decay starts from warmup_target at once.
    expect(scheduleProblem({ type: 'cosine_decay', initial_learning_rate: 1, decay_steps: 10, warmup_target: 2 })).toBeUndefined();
    expect(learningRateAt({ type: 'cosine_decay', initial_learning_rate: 1, decay_steps: 10, warmup_target: 2 }, 0)).toBe(2);
    expect(scheduleProblem({ type: 'cosine_decay', initial_learning_rate: 1, decay_steps: 10 })).toBeUndefined();
  });
});
