/** Comparisons, boolean logic and casts: masks (mask_zero, Masking, dropout) are made of these. */
import type { Value } from '../graph.js';
import type { ElemType } from '../proto.js';
import { broadcastShapes } from './broadcast.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

/** A bool result of broadcast operands; no gradient flows through a comparison. */
function boolOp(type: string): OpRule {
  return defineOp({
    type,
    infer: (inputs) => {
      const shape = broadcastShapes(inputs.map((v) => v!.shape));
      if (!shape) throw shapeError(type, 'shapes do not broadcast', inputs);
      return [{ shape, dtype: 'bool' as const }];
    },
  });
}

export const Greater = boolOp('Greater');
export const GreaterOrEqual = boolOp('GreaterOrEqual');
export const Less = boolOp('Less');
export const LessOrEqual = boolOp('LessOrEqual');
export const Equal = boolOp('Equal');
export const And = boolOp('And');
export const Or = boolOp('Or');
export const Xor = boolOp('Xor');
export const Not = boolOp('Not');
export const IsNaN = boolOp('IsNaN');
export const IsInf = boolOp('IsInf');

/** ONNX TensorProto.DataType → nnspec's element type. */
const TO: Record<number, ElemType> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };
const CODE: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };
const FLOAT = new Set<ElemType>(['float32', 'float64']);

/** Float to float passes the gradient back in the input's type; from an integer, nothing flows. */
export const Cast = defineOp({
  type: 'Cast',
  infer: (inputs, attrs) => {
    const dtype = TO[attrs.to as number];
    if (!dtype) throw shapeError('Cast', `unsupported target type ${String(attrs.to)}`, inputs);
    return [{ shape: inputs[0]!.shape, dtype }];
  },
  vjp: ({ g, node, dy }) => {
    const x = node.inputs[0] as Value;
    if (!FLOAT.has(node.outputs[0]!.dtype)) return [undefined];
    return [x.dtype === dy[0]!.dtype ? dy[0] : g.op1('Cast', [dy[0]!], { to: CODE[x.dtype] })];
  },
});

export const logicOps: OpRule[] = [Greater, GreaterOrEqual, Less, LessOrEqual, Equal, And, Or, Xor, Not, IsNaN, IsInf, Cast];
