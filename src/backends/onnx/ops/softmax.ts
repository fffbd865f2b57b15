/** Softmax and LogSoftmax over one axis (opset 13+: `axis`, default −1). */
import type { Attrs, Value } from '../graph.js';
import { axisOf, defineOp, sameAsFirst, type OpRule } from './rule.js';

const axisOfNode = (x: Value, attrs: Attrs) => axisOf((attrs.axis as number | undefined) ?? -1, x.shape.length);

/** dx = y · (dy − Σ dy·y). */
export const Softmax = defineOp({
  type: 'Softmax',
  infer: sameAsFirst,
  vjp: ({ g, node, dy }) => {
    const y = node.outputs[0]!;
    const dot = g.op1('ReduceSum', [g.op1('Mul', [dy[0]!, y]), g.ints([axisOfNode(y, node.attrs)])], { keepdims: 1 });
    return [g.op1('Mul', [y, g.op1('Sub', [dy[0]!, dot])])];
  },
});

/** dx = dy − softmax · Σ dy. */
export const LogSoftmax = defineOp({
  type: 'LogSoftmax',
  infer: sameAsFirst,
  vjp: ({ g, node, dy }) => {
    const y = node.outputs[0]!;
    const total = g.op1('ReduceSum', [dy[0]!, g.ints([axisOfNode(y, node.attrs)])], { keepdims: 1 });
    return [g.op1('Sub', [dy[0]!, g.op1('Mul', [g.op1('Exp', [y]), total])])];
  },
});

export const softmaxOps: OpRule[] = [Softmax, LogSoftmax];
