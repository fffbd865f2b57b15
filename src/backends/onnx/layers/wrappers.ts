/**
 * Bidirectional (the wrapped recurrent layer forwards, a copy backwards, outputs merged) and
 * TimeDistributed (the wrapped layer on [batch * steps, ...] with the steps folded into the batch).
 */
import type { LayerConfig } from '../../../layers/kind.js';
import type { Value } from '../graph.js';
import type { EmitContext, LayerEmitter } from './emitter.js';
import { layerEmitter } from './index.js';
import { runRecurrent, stackSteps } from './recurrent.js';

/**
 * Keras/tfjs: the backward copy's sequence output is reversed back into time order before the
 * merge; concat puts the forward units first; ave is 0.5 * (forward + backward).
 */
const Bidirectional: LayerEmitter = (c, [input, ...initial], ctx) => {
  const { g } = ctx;
  const inner = c.layer as LayerConfig;
  const prefixed = (dir: string) => (name: string) => ctx.weight(`${dir}_${name}`);
  // initial_state: the forward layer's states, then the backward copy's (Keras's order).
  const half = initial.length / 2;
  const fwd = runRecurrent(inner, input!, ctx, prefixed('forward'), false, half ? initial.slice(0, half).map((f) => f.value) : undefined);
  const bwd = runRecurrent(inner, input!, ctx, prefixed('backward'), true, half ? initial.slice(half).map((f) => f.value) : undefined);
  const sequences = inner.return_sequences as boolean;
  const a = sequences ? stackSteps(g, fwd.steps) : fwd.last;
  const b = sequences ? stackSteps(g, [...bwd.steps].reverse()) : bwd.last;
  let value: Value;
  switch (c.merge_mode) {
    case 'sum':
      value = g.op1('Add', [a, b]);
      break;
    case 'mul':
      value = g.op1('Mul', [a, b]);
      break;
    case 'ave':
      value = g.op1('Mul', [g.op1('Add', [a, b]), g.scalar(0.5)]);
      break;
    default:
      value = g.op1('Concat', [a, b], { axis: -1 });
  }
  // Keras zeroes both directions' outputs at masked steps (zero_output_for_mask under Bidirectional).
  if (sequences && input!.mask) value = g.op1('Mul', [value, g.op1('Unsqueeze', [g.op1('Cast', [input!.mask], { to: 1 }), g.ints([2])])]);
  // return_state: the forward final states, then the backward ones.
  const states = inner.return_state ? [...fwd.states, ...bwd.states].map((s) => ({ value: s })) : [];
  return [{ value, ...(sequences && input!.mask ? { mask: input!.mask } : {}) }, ...states];
};

/** The wrapped layer on every step: [batch, T, ...rest] → [batch * T, ...rest] → layer → [batch, T, ...out]. The mask passes through. */
const TimeDistributed: LayerEmitter = (c, [input], ctx: EmitContext) => {
  const { g } = ctx;
  const inner = c.layer as LayerConfig;
  const emit = layerEmitter(inner.type);
  if (!emit) throw new Error(`internal: no ONNX emitter for layer type ${inner.type}`);
  const x = input!.value;
  const steps = x.shape[1]!;
  const folded = g.op1('Reshape', [x, g.ints([-1, ...x.shape.slice(2)])]);
  const [y] = emit(inner, [{ value: folded }], ctx);
  const value = g.op1('Reshape', [y!.value, g.ints([-1, steps, ...y!.value.shape.slice(1)])]);
  return [{ value, ...(input!.mask ? { mask: input!.mask } : {}) }];
};

export const wrapperEmitters: Record<string, LayerEmitter> = { Bidirectional, TimeDistributed };
