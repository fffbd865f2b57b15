/**
 * ONNX protobuf through the onnx-proto package (protobufjs): tensors, attributes and the model
 * message. Nothing else in nnspec touches protobuf.
 */
import { createRequire } from 'node:module';
import type { onnx as OnnxNs } from 'onnx-proto';

const require = createRequire(import.meta.url);
export const onnx: typeof OnnxNs = (require('onnx-proto') as { onnx: typeof OnnxNs }).onnx;

export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';
export const ELEM: Record<ElemType, number> = { float32: 1, float64: 11, int32: 6, int64: 7, bool: 9 };

/** float64 is for gradient checks (finite differences); training graphs are float32. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export function tensorProto(name: string, data: TensorData, dims: readonly number[]): OnnxNs.ITensorProto {
  return {
    name,
    dims: [...dims],
    dataType: ELEM[elemTypeOf(data)],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** An attribute value as emitters write it; `{ float: x }` forces a float for an integral number. */
export type AttrValue = number | string | readonly number[] | readonly string[] | { float: number } | { floats: readonly number[] } | { tensor: OnnxNs.ITensorProto } | { graph: OnnxNs.IGraphProto };

export function attributeProto(name: string, v: AttrValue): OnnxNs.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: T.STRINGS, strings: (v as string[]).map((s) => Buffer.from(s)) };
    return { name, type: T.INTS, ints: v as number[] };
  }
  const o = v as Record<string, unknown>;
  if ('float' in o) return { name, type: T.FLOAT, f: o.float as number };
  if ('floats' in o) return { name, type: T.FLOATS, floats: [...(o.floats as number[])] };
  if ('tensor' in o) return { name, type: T.TENSOR, t: o.tensor as OnnxNs.ITensorProto };
  return { name, type: T.GRAPH, g: o.graph as OnnxNs.IGraphProto };
}
