/**
 * The input gradient of a strided convolution as stride-1 convolutions, one per output phase, so it
 * runs on the backend's fast forward convolution. Along one axis, with stride s, dilation d, filter
 * size K and padding `before`, input position i receives dy[o]·w[k] for every o·s + k·d = i + before.
 * Grouping i by its phase r = (i + before) mod s, with q = (i + before − r)/s, the taps that reach phase
 * r are the k with k·d ≡ r (mod s), each at t = (k·d − r)/s, and dx[i] = Σ_t dy[q − t]·w[k(t)]: an
 * ordinary stride-1 correlation of dy with that phase's taps reversed. Phases are computed for
 * q ∈ [q0, q0 + count), enough to cover every i, then interleaved into dx.
 */
import type { Values } from './scope.js';

/** One phase of one axis: which filter tap sits at each position of its stride-1 filter (−1: none). */
export interface AxisPhase {
  taps: number[];
  /** dy rows to drop from the start, then zero rows to add before and after. */
  skip: number;
  keep: number;
  padBefore: number;
  padAfter: number;
}

export interface AxisPlan {
  stride: number;
  /** Input position i = q·stride + phase − before, for q from q0. */
  q0: number;
  count: number;
  before: number;
  /** dy's size along this axis. */
  outSize: number;
  phases: AxisPhase[];
}

export function planAxis(size: number, outSize: number, filterSize: number, stride: number, dilation: number, before: number): AxisPlan {
  const q0 = Math.floor(before / stride);
  const count = Math.ceil((size + before) / stride) - q0;
  const plan: AxisPlan = { stride, q0, count, before, outSize, phases: [] };
  for (let r = 0; r < stride; r++) {
    const byT = new Map<number, number>();
    for (let k = 0; k < filterSize; k++) if (k * dilation >= r && (k * dilation - r) % stride === 0) byT.set((k * dilation - r) / stride, k);
    const length = byT.size === 0 ? 0 : Math.max(...byT.keys()) + 1;
    plan.phases.push(phaseWindow(plan, Array.from({ length }, (_, u) => byT.get(length - 1 - u) ?? -1)));
  }
  return plan;
}

/** The same phase with zero taps added in front, up to `length` (some filter sizes run faster). */
export function widenPhase(plan: AxisPlan, phase: AxisPhase, length: number): AxisPhase {
  if (length <= phase.taps.length) return phase;
  return phaseWindow(plan, [...new Array<number>(length - phase.taps.length).fill(-1), ...phase.taps]);
}

/** Output q reads dy[q − length + 1 …]: pad (or cut) dy so that output 0 is q0 and there are `count`. */
function phaseWindow(plan: AxisPlan, taps: number[]): AxisPhase {
  const length = taps.length;
  let padBefore = length - 1 - plan.q0;
  let skip = 0;
  if (padBefore < 0) [skip, padBefore] = [-padBefore, 0];
  let keep = plan.outSize - skip;
  let padAfter = plan.count + length - 1 - keep - padBefore;
  if (padAfter < 0) [keep, padAfter] = [keep + padAfter, 0];
  return { taps, skip, keep, padBefore, padAfter };
}

/**
 * Adds one phase's stride-1 result ([B, countH, countW, C·groups]) into dx ([B, H, W, C], NHWC), summing
 * each run of `groups` channels (a depthwise filter's channel multiplier). Every position of dx belongs
 * to exactly one phase pair, so each is written once.
 */
export function scatterPhase(
  dx: Values,
  dxShape: number[],
  phase: Values,
  rows: AxisPlan,
  cols: AxisPlan,
  rh: number,
  rw: number,
  groups: number,
): void {
  const [batch, height, width, channels] = dxShape as [number, number, number, number];
  const pc = channels * groups;
  let qw0 = 0;
  while ((cols.q0 + qw0) * cols.stride + rw - cols.before < 0) qw0++;
  const j0 = (cols.q0 + qw0) * cols.stride + rw - cols.before;
  for (let b = 0; b < batch; b++) {
    for (let qh = 0; qh < rows.count; qh++) {
      const i = (rows.q0 + qh) * rows.stride + rh - rows.before;
      if (i < 0 || i >= height) continue;
      let from = ((b * rows.count + qh) * cols.count + qw0) * pc;
      let to = ((b * height + i) * width + j0) * channels;
      for (let qw = qw0, j = j0; qw < cols.count && j < width; qw++, j += cols.stride, from += pc, to += cols.stride * channels) {
        if (groups === 1) {
          dx.set(phase.subarray(from, from + channels), to);
        } else {
          for (let c = 0; c < channels; c++) {
            let sum = 0;
            for (let g = 0; g < groups; g++) sum += phase[from + c * groups + g];
            dx[to + c] = sum;
          }
        }
      }
    }
  }
}
