import type { Code } from '../diagnostics/codes.js';
import type { ConfigOf, ParamMap } from './params.js';
import { formatShape, type DType, type Shape, type TensorSpec } from './shape.js';

/** One weight variable of a layer, as Keras creates it in `build`. */
export interface WeightSpec {
  name: string;
  shape: number[];
  trainable: boolean;
}

/** What a shape rule returns: the output and the weights the layer owns after being built on this input. */
export interface Built {
  shape: Shape;
  dtype?: DType;
  weights: WeightSpec[];
}

/** A layer configuration after schema validation and defaults: `type` plus every Keras argument. */
export type LayerConfig = { type: string } & Record<string, unknown>;

export interface InferContext {
  /** `Concatenate 'output'`: how messages name the layer being inferred. */
  readonly describe: string;
  /** Names of the nodes feeding this call, parallel to the input specs. */
  readonly inputNames: readonly string[];
  /** Reports a problem with this call; `param` points the location at that argument. Returns undefined for `return ctx.error(...)`. */
  error(code: Code, message: string, opts?: { param?: string; hint?: string }): undefined;
  warning(code: Code, message: string, opts?: { param?: string; hint?: string }): void;
  /** Infers a wrapped layer (Bidirectional, TimeDistributed) on the given inputs. */
  inferInner(config: LayerConfig, inputs: TensorSpec[]): Built | undefined;
}

/**
 * A layer type: the schema of its arguments, its shape rule and parameter count. How it runs is
 * each engine's business (backends/tfjs/layers/, backends/onnx/layers/), found by `type`.
 */
export interface LayerKind<P extends ParamMap = ParamMap> {
  /** The Keras class name, as written in `type:`. */
  type: string;
  description: string;
  params: P;
  /** How many inputs a call takes. */
  arity: { min: number; max: number };
  /** Whether the layer wraps another (`layer:` is a nested layer config). */
  wrapper?: boolean;
  /** Shape rule: output shape and weights, or undefined after reporting through ctx. */
  infer(config: ConfigOf<P>, inputs: TensorSpec[], ctx: InferContext): Built | undefined;
}

export function defineLayer<P extends ParamMap>(kind: LayerKind<P>): LayerKind<P> {
  return kind;
}

export const ONE_INPUT = { min: 1, max: 1 } as const;
export const MERGE_INPUTS = { min: 2, max: Number.POSITIVE_INFINITY } as const;

/** The full input shape; most layers take one input. */
export function only(inputs: readonly TensorSpec[]): TensorSpec {
  return inputs[0]!;
}

/** Reports a rank error naming the input and its shape. */
export function rankError(ctx: InferContext, input: TensorSpec, expected: string): undefined {
  return ctx.error('NN501', `${ctx.describe} expects input of rank ${expected}; got ${ctx.inputNames[0]} ${formatShape(input.shape)} of rank ${input.shape.length}`);
}
