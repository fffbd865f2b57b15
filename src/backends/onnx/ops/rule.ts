/**
 * An ONNX op as nnspec uses it: its shape rule and its vector-Jacobian product side by side
 * (micrograd's shape). The reverse-mode pass (src/backends/onnx/autodiff.ts) walks the emitted
 * nodes backwards and asks each node's rule for its inputs' gradients.
 *
 * Rules build their gradient subgraphs in the dtype of the values they differentiate (float32 in
 * training graphs, float64 in the gradient checks), so constants come from `constOf`/`scalarOf`,
 * never from `g.scalar` (always float32).
 */
import type { Attrs, OnnxGraph, OpNode, Value } from '../graph.js';
import { tensorProto, type AttrValue, type ElemType, type TensorData } from '../proto.js';

export interface OutSpec {
  shape: readonly number[];
  dtype: ElemType;
  /** Constant-folded contents, when a rule can compute them (Shape of a static value, say). */
  data?: TensorData;
}

export interface VjpContext {
  g: OnnxGraph;
  node: OpNode;
  /** The gradient of each of the node's outputs; undefined where nothing flows back. */
  dy: readonly (Value | undefined)[];
  /** Which inputs need a gradient (false for constants, integer inputs and non-trainable paths). */
  needs: readonly boolean[];
}

export interface OpRule {
  type: string;
  infer(inputs: readonly (Value | undefined)[], attrs: Attrs): OutSpec[];
  /**
   * Gradients of the inputs, parallel to node.inputs; undefined where none is needed or where the
   * gradient is identically zero. Absent: the op is not differentiable (an error if asked).
   */
  vjp?(ctx: VjpContext): (Value | undefined)[];
}

export function defineOp(rule: OpRule): OpRule {
  return rule;
}

export function shapeError(type: string, message: string, inputs: readonly (Value | undefined)[]): Error {
  return new Error(`internal: ONNX ${type}: ${message}; inputs ${inputs.map((v) => (v ? `${v.name}[${v.shape.join(',')}]` : '-')).join(', ')}`);
}

/** The output has the first input's shape and dtype. */
export const sameAsFirst = (inputs: readonly (Value | undefined)[]): OutSpec[] => [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The integers a constant int64/int32 input holds; undefined for an omitted input. */
export function constInts(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (!v.data) throw new Error(`internal: ONNX value ${v.name} must be a constant here`);
  return Array.from(v.data as ArrayLike<number | bigint>, Number);
}

/** The numbers a constant float input holds; undefined for an omitted input. */
export function constFloats(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (!v.data) throw new Error(`internal: ONNX value ${v.name} must be a constant here`);
  return Array.from(v.data as ArrayLike<number | bigint>, Number);
}

/** An attribute as a number (`{ float: x }` included). */
export function attrNum(attrs: Attrs, name: string, fallback: number): number {
  const v = attrs[name] as AttrValue | undefined;
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'float' in v) return v.float;
  throw new Error(`internal: ONNX attribute ${name} is not a number`);
}

export function attrInts(attrs: Attrs, name: string): number[] | undefined {
  const v = attrs[name] as AttrValue | undefined;
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v as number[];
  throw new Error(`internal: ONNX attribute ${name} is not a list of ints`);
}

export function attrStr(attrs: Attrs, name: string, fallback: string): string {
  const v = attrs[name] as AttrValue | undefined;
  return typeof v === 'string' ? v : fallback;
}

/** Normalises a possibly negative axis. */
export const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function typedArray(dtype: ElemType, n: number, x: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n).fill(x);
    case 'float64':
      return new Float64Array(n).fill(x);
    case 'int64':
      return new BigInt64Array(n).fill(BigInt(x));
    case 'int32':
      return new Int32Array(n).fill(x);
    case 'bool':
      return new Uint8Array(n).fill(x);
  }
}

const shared = new WeakMap<OnnxGraph, Map<string, Value>>();

/**
 * A constant of `shape` filled with `x`; a small initializer (use `fill` for large tensors).
 * Equal constants are one initializer per graph (gradient rules ask for the same 0s and 1s often).
 */
export function constOf(g: OnnxGraph, dtype: ElemType, shape: readonly number[], x: number): Value {
  let byKey = shared.get(g);
  if (!byKey) shared.set(g, (byKey = new Map()));
  const key = `${dtype}[${shape.join(',')}]${Object.is(x, -0) ? '-0' : x}`;
  let v = byKey.get(key);
  if (!v) byKey.set(key, (v = g.constant(typedArray(dtype, size(shape), x), shape, 'k')));
  return v;
}

/** A 0-D constant with `like`'s dtype. */
export function scalarOf(g: OnnxGraph, like: Value, x: number): Value {
  return constOf(g, like.dtype, [], x);
}

/** A tensor of `shape` filled with `x`, made at run time (ConstantOfShape) so no large initializer is stored. */
export function fill(g: OnnxGraph, dtype: ElemType, shape: readonly number[], x: number): Value {
  if (size(shape) <= 16) return constOf(g, dtype, shape, x);
  return g.op1('ConstantOfShape', [g.ints(shape)], { value: { tensor: tensorProto('value', typedArray(dtype, 1, x), [1]) } });
}

/** Builds a binary op from the node's outputs; small sugar for rules. */
export function bin(g: OnnxGraph, type: string, a: Value, b: Value): Value {
  return g.op1(type, [a, b]);
}
