/** Comparisons, boolean logic and casts: masks (mask_zero, Masking, dropout) are made of these. */
import type { Value } from '../graph.js';
import type { ElemType } from '../proto.js';
import { broadcastShapes } from './broadcast.js';
import { defineOp, shapeError, type OpRule } from './rule.js';

function compare(type: string) {
  return (inputs: readonly (Value | undefined)[]) => {
    const shape = broadcastShapes(inputs.map((v) => v!.shape));
    if (!shape) throw shapeError(type, 'shapes do not broadcast', inputs);
    return [{ shape, dtype: 'bool' as const }];
  };
}

export const Less = defineOp({ type: 'Less', infer: compare('Less') });
export const Equal = defineOp({ type: 'Equal', infer: compare('Equal') });
export const And = defineOp({ type: 'And', infer: compare('And') });
export const Or = defineOp({ type: 'Or', infer: compare('Or') });
export const Not = defineOp({ type: 'Not', infer: (inputs) => [{ shape: inputs[0]!.shape, dtype: 'bool' as const }] });

/** ONNX TensorProto.DataType → nnspec's element type. */
const TO: Record<number, ElemType> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool' };

export const Cast = defineOp({
  type: 'Cast',
  infer: (inputs, attrs) => {
    const dtype = TO[attrs.to as number];
    if (!dtype) throw shapeError('Cast', `unsupported target type ${String(attrs.to)}`, inputs);
    return [{ shape: inputs[0]!.shape, dtype }];
  },
});

export const logicOps: OpRule[] = [Less, Equal, And, Or, Not, Cast];
