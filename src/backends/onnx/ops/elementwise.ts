/** Elementwise arithmetic with broadcasting, and the unary activations. */
import type { Value } from '../graph.js';
import { broadcastShapes, unbroadcast } from './broadcast.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

function broadcastInfer(type: string) {
  return (inputs: readonly (Value | undefined)[]) => {
    const shape = broadcastShapes(inputs.map((v) => v!.shape));
    if (!shape) throw shapeError(type, 'shapes do not broadcast', inputs);
    return [{ shape, dtype: inputs[0]!.dtype }];
  };
}

const same = (inputs: readonly (Value | undefined)[]) => [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];

export const Add = defineOp({
  type: 'Add',
  infer: broadcastInfer('Add'),
  vjp: ({ g, node, dy, needs }) => node.inputs.map((x, i) => (needs[i] ? unbroadcast(g, dy[0]!, x!.shape) : undefined)),
});

export const Sub = defineOp({
  type: 'Sub',
  infer: broadcastInfer('Sub'),
  vjp: ({ g, node, dy, needs }) => [
    needs[0] ? unbroadcast(g, dy[0]!, node.inputs[0]!.shape) : undefined,
    needs[1] ? unbroadcast(g, g.op1('Neg', [dy[0]!]), node.inputs[1]!.shape) : undefined,
  ],
});

export const Mul = defineOp({
  type: 'Mul',
  infer: broadcastInfer('Mul'),
  vjp: ({ g, node, dy, needs }) => {
    const [a, b] = node.inputs as Value[];
    return [needs[0] ? unbroadcast(g, g.op1('Mul', [dy[0]!, b!]), a!.shape) : undefined, needs[1] ? unbroadcast(g, g.op1('Mul', [dy[0]!, a!]), b!.shape) : undefined];
  },
});

export const Neg = defineOp({ type: 'Neg', infer: same, vjp: ({ g, dy }) => [g.op1('Neg', [dy[0]!])] });

export const Identity = defineOp({ type: 'Identity', infer: same, vjp: ({ dy }) => [dy[0]] });

export const Relu = defineOp({
  type: 'Relu',
  infer: same,
  vjp: ({ g, node, dy }) => {
    const y = node.outputs[0]!;
    return [g.op1('Where', [g.op1('Greater', [y, g.scalar(0)]), dy[0]!, g.scalar(0)])];
  },
});

const compare = (inputs: readonly (Value | undefined)[]) => [{ ...broadcastInfer('compare')(inputs)[0]!, dtype: 'bool' as const }];
export const Greater = defineOp({ type: 'Greater', infer: compare });
export const Where = defineOp({
  type: 'Where',
  infer: (inputs) => [{ shape: broadcastShapes(inputs.map((v) => v!.shape))!, dtype: inputs[1]!.dtype }],
  vjp: ({ g, node, dy, needs }) => {
    const [c, a, b] = node.inputs as Value[];
    const zero = g.scalar(0);
    return [
      undefined,
      needs[1] ? unbroadcast(g, g.op1('Where', [c!, dy[0]!, zero]), a!.shape) : undefined,
      needs[2] ? unbroadcast(g, g.op1('Where', [c!, zero, dy[0]!]), b!.shape) : undefined,
    ];
  },
});

export const Sign = defineOp({ type: 'Sign', infer: same, vjp: () => [undefined] });

export const GreaterOrEqual = defineOp({ type: 'GreaterOrEqual', infer: compare });
export const LessOrEqual = defineOp({ type: 'LessOrEqual', infer: compare });

export const elementwiseOps: OpRule[] = [Add, Sub, Mul, Neg, Identity, Relu, Greater, Where, Sign, GreaterOrEqual, LessOrEqual];
