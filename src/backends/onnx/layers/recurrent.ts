/**
 * SimpleRNN, LSTM, GRU unrolled over the concrete sequence length. The input projection of all
 * steps is one MatMul (x · kernel + bias over [batch, steps, features]); each step then adds
 * h · recurrent_kernel and applies the cell. Masked steps keep the previous state and output
 * it again (Keras and tfjs: output = mask ? new h : previous h). go_backwards walks the steps in
 * reverse and returns the outputs in that order. Training: Keras's dropout (one mask on the inputs
 * for all steps and gates) and recurrent_dropout (one mask on the state).
 */
import type { LayerConfig } from '../../../layers/kind.js';
import type { OnnxGraph, Value } from '../graph.js';
import { activate } from './activations.js';
import { dropWith, lastAxisSlice, splitLast, uniformLike, zerosLike } from './common.js';
import type { EmitContext, Flow, LayerEmitter } from './emitter.js';

/**
 * One step: the projected input [batch, gates*units] and the states (h first) → new states.
 * `hIn` is what multiplies recurrent_kernel: h with recurrent dropout applied in training.
 */
type Cell = (xt: Value, states: Value[], hIn: (h: Value) => Value) => Value[];

interface RnnRun {
  /** Each step's output in processing order (reversed input order with go_backwards). */
  steps: Value[];
  last: Value;
  /** The final states (h, and LSTM's c): return_state's outputs. */
  states: Value[];
}

/** The layer's weight by Keras name, through a prefix (Bidirectional's forward_/backward_). */
export type WeightOf = (name: string) => Value;

/** Runs a cell over the steps of x [batch, T, f]; `stateCount` states of [batch, units], from `initial` or zeros. */
function unroll(ctx: EmitContext, projected: Value, mask: Value | undefined, units: number, stateCount: number, recurrentRate: number, goBackwards: boolean, initial: Value[] | undefined, cell: Cell): RnnRun {
  const { g } = ctx;
  const [, steps] = projected.shape as [number, number, number];
  const ones = Array.from({ length: steps }, () => 1);
  const xs = steps === 1 ? [projected] : g.op('Split', [projected, g.ints(ones)], { axis: 1 });
  const inputs = xs.map((x) => g.op1('Squeeze', [x, g.ints([1])]));
  const masks = mask ? (steps === 1 ? [mask] : g.op('Split', [mask, g.ints(ones)], { axis: 1 })) : undefined;
  const order = Array.from({ length: steps }, (_, t) => (goBackwards ? steps - 1 - t : t));
  const zero = zerosLike(g, lastAxisSlice(g, inputs[0]!, 0, units));
  let states = initial ?? Array.from({ length: stateCount }, () => zero);
  const keep = ctx.training && recurrentRate > 0 ? dropWith(g, g.op1('Add', [zero, g.scalar(1)]), uniformLike(g, zero, ctx.seed()), recurrentRate) : undefined;
  const hIn = (h: Value) => (keep ? g.op1('Mul', [h, keep]) : h);
  const outputs: Value[] = [];
  for (const t of order) {
    const next = cell(inputs[t]!, states, hIn);
    if (masks) {
      const m = masks[t]!;
      states = next.map((s, i) => g.op1('Where', [m, s, states[i]!]));
    } else states = next;
    outputs.push(states[0]!);
  }
  return { steps: outputs, last: outputs[outputs.length - 1]!, states };
}

/** Keras's input dropout in training: one mask [batch, 1, features] for every step and gate. */
function dropInputs(ctx: EmitContext, c: LayerConfig, x: Value): Value {
  const rate = c.dropout as number;
  if (!ctx.training || rate === 0) return x;
  const { g } = ctx;
  return dropWith(g, x, uniformLike(g, g.op1('Slice', [x, g.ints([0]), g.ints([1]), g.ints([1])]), ctx.seed()), rate);
}

/** x · kernel (+ input bias) for all steps at once. */
function project(g: OnnxGraph, x: Value, kernel: Value, bias: Value | undefined): Value {
  const m = g.op1('MatMul', [x, kernel]);
  return bias ? g.op1('Add', [m, bias]) : m;
}

/** Runs SimpleRNN, LSTM or GRU `c` on the input flow with weights from `w`; the whole run (for Bidirectional). */
export function runRecurrent(c: LayerConfig, input: Flow, ctx: EmitContext, w: WeightOf, goBackwards: boolean, initial?: Value[]): RnnRun {
  const { g } = ctx;
  const units = c.units as number;
  const act = (v: Value) => activate(g, v, c.activation as string | null);
  const ract = (v: Value) => activate(g, v, c.recurrent_activation as string | null);
  const x = dropInputs(ctx, c, input.value);
  const rdrop = c.recurrent_dropout as number;
  const U = w('recurrent_kernel');
  const useBias = c.use_bias as boolean;

  if (c.type === 'SimpleRNN') {
    const xp = project(g, x, w('kernel'), useBias ? w('bias') : undefined);
    return unroll(ctx, xp, input.mask, units, 1, rdrop, goBackwards, initial, (xt, [h], hIn) => [act(g.op1('Add', [xt, g.op1('MatMul', [hIn(h!), U])]))]);
  }

  if (c.type === 'LSTM') {
    // Keras's column blocks i, f, c, o are reordered once to i, f, o | c, so that each step applies
    // the recurrent activation to one [batch, 3u] block (fewer nodes, forward and backward).
    const u = units;
    const gatesLast = (m: Value) => g.op1('Concat', [lastAxisSlice(g, m, 0, 2 * u), lastAxisSlice(g, m, 3 * u, 4 * u), lastAxisSlice(g, m, 2 * u, 3 * u)], { axis: -1 });
    const xp = project(g, x, gatesLast(w('kernel')), useBias ? gatesLast(w('bias')) : undefined);
    const Ur = gatesLast(U);
    return unroll(ctx, xp, input.mask, units, 2, rdrop, goBackwards, initial, (xt, [h, cPrev], hIn) => {
      const z = g.op1('Add', [xt, g.op1('MatMul', [hIn(h!), Ur])]);
      const [zifo, zc] = g.op('Split', [z, g.ints([3 * u, u])], { axis: 1 }) as [Value, Value];
      const [i, f, o] = splitLast(g, ract(zifo), 3) as [Value, Value, Value];
      const cNew = g.op1('Add', [g.op1('Mul', [f, cPrev!]), g.op1('Mul', [i, act(zc)])]);
      return [g.op1('Mul', [o, act(cNew)]), cNew];
    });
  }

  // GRU: gates z, r, h in column blocks. reset_after (Keras default): bias [2, 3u], row 0 on the
  // input projection, row 1 on the recurrent one, and r scales the recurrent projection.
  const resetAfter = c.reset_after as boolean;
  const bias = useBias ? w('bias') : undefined;
  const rows = bias && resetAfter ? g.op('Split', [bias, g.ints([1, 1])], { axis: 0 }).map((b) => g.op1('Squeeze', [b, g.ints([0])])) : undefined;
  const xp = project(g, x, w('kernel'), rows ? rows[0] : bias);
  const blend = (zGate: Value, h: Value, candidate: Value) => g.op1('Add', [g.op1('Mul', [zGate, h]), g.op1('Mul', [g.op1('Sub', [g.scalar(1), zGate]), candidate])]);
  if (resetAfter) {
    return unroll(ctx, xp, input.mask, units, 1, rdrop, goBackwards, initial, (xt, [h], hIn) => {
      let hp = g.op1('MatMul', [hIn(h!), U]);
      if (rows) hp = g.op1('Add', [hp, rows[1]!]);
      const [xzr, xh] = g.op('Split', [xt, g.ints([2 * units, units])], { axis: 1 }) as [Value, Value];
      const [hzr, hh] = g.op('Split', [hp, g.ints([2 * units, units])], { axis: 1 }) as [Value, Value];
      const [zg, rg] = splitLast(g, ract(g.op1('Add', [xzr, hzr])), 2) as [Value, Value];
      return [blend(zg, h!, act(g.op1('Add', [xh, g.op1('Mul', [rg, hh])])))];
    });
  }
  const [Uzr, Uh] = g.op('Split', [U, g.ints([2 * units, units])], { axis: 1 }) as [Value, Value];
  return unroll(ctx, xp, input.mask, units, 1, rdrop, goBackwards, initial, (xt, [h], hIn) => {
    const [xzr, xh] = g.op('Split', [xt, g.ints([2 * units, units])], { axis: 1 }) as [Value, Value];
    const [zg, rg] = splitLast(g, ract(g.op1('Add', [xzr, g.op1('MatMul', [hIn(h!), Uzr])])), 2) as [Value, Value];
    const candidate = act(g.op1('Add', [xh, g.op1('MatMul', [hIn(g.op1('Mul', [rg, h!])), Uh])]));
    return [blend(zg, h!, candidate)];
  });
}

/** The steps' outputs as [batch, T, units] in the given order. */
export function stackSteps(g: OnnxGraph, steps: readonly Value[]): Value {
  const expanded = steps.map((s) => g.op1('Unsqueeze', [s, g.ints([1])]));
  return expanded.length === 1 ? expanded[0]! : g.op1('Concat', expanded, { axis: 1 });
}

/** The layer's output, then its final states with return_state; `initial_state:` flows after the sequence. */
const recurrent: LayerEmitter = (c, [input, ...initial], ctx) => {
  const run = runRecurrent(c, input!, ctx, ctx.weight, c.go_backwards as boolean, initial.length ? initial.map((f) => f.value) : undefined);
  const states = c.return_state ? run.states.map((value) => ({ value })) : [];
  if (!c.return_sequences) return [{ value: run.last }, ...states];
  return [{ value: stackSteps(ctx.g, run.steps), ...(input!.mask ? { mask: input!.mask } : {}) }, ...states];
};

export const recurrentEmitters: Record<string, LayerEmitter> = { SimpleRNN: recurrent, LSTM: recurrent, GRU: recurrent };
