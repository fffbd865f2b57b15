/**
 * An ONNX op as nnspec uses it: its shape rule and its vector-Jacobian product side by side
 * (micrograd's shape). The reverse-mode pass (src/backends/onnx/autodiff.ts) walks the emitted
 * nodes backwards and asks each node's rule for its inputs' gradients.
 */
import type { Attrs, OnnxGraph, OpNode, Value } from '../graph.js';
import type { ElemType, TensorData } from '../proto.js';

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
  /** Gradients of the inputs, parallel to node.inputs; undefined where none is needed. Absent: not differentiable. */
  vjp?(ctx: VjpContext): (Value | undefined)[];
}

export function defineOp(rule: OpRule): OpRule {
  return rule;
}

export function shapeError(type: string, message: string, inputs: readonly (Value | undefined)[]): Error {
  return new Error(`internal: ONNX ${type}: ${message}; inputs ${inputs.map((v) => (v ? `${v.name}[${v.shape.join(',')}]` : '-')).join(', ')}`);
}
