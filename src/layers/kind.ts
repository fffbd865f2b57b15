import type { Code } from '../diagnostics/codes.js';
import type { ConfigOf, ParamMap } from './params.js';
import { formatShape, normalizeAxis, type DType, type Shape, type TensorSpec } from './shape.js';

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
  /**
   * The outputs after the first, by name, where a call returns several (LSTM with return_state:
   * state_h, state_c). A spec takes one as `encoder:state_h` (or `encoder:1`); the first is `output`.
   */
  more?: { name: string; shape: Shape; dtype?: DType }[];
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
 * How Keras serializes a layer type where that is not just `type` plus nnspec's arguments (which
 * are Keras 3's, by the same names): read by export, import and the data checks.
 */
export interface KerasForm {
  /** Spatial axes of the layer's geometry (Conv1D 1, Conv2D 2, a Conv3D 3): tuple arguments have one entry per axis. */
  spatialRank?: 1 | 2 | 3;
  /** Other class names Keras writes for this layer (Convolution2D for Conv2D). */
  aliases?: readonly string[];
  /** Arguments tf.keras 2 names differently: nnspec's (Keras 3) name → tf.keras 2's. */
  keras2Names?: Readonly<Record<string, string>>;
  /** Arguments tf.keras 2 does not take (Keras 3 added them). */
  notInKeras2?: readonly string[];
  /** Keys tf.keras 2's get_config writes that nnspec has no argument for, with the values they always have here. */
  keras2Extra?: Readonly<Record<string, unknown>>;
  /** Arguments whose null Keras stores as another argument's value (pooling strides: the pool size). */
  nullIs?: Readonly<Record<string, string>>;
  /** Arguments giving padding per side, [[top, bottom], [left, right]] in their long spelling. */
  sides?: readonly string[];
  /** Arguments Keras takes when calling the layer, not constructing it (`use_causal_mask`): not in its config. */
  callArguments?: readonly string[];
}

/**
 * Names of a layer's inputs in Keras's call order (query, value, key, attention_mask), for layers a
 * spec may feed by role: `inputs: {query: dec, value: enc}`. The node's inputs keep this order.
 */
export interface InputRoles {
  names: readonly string[];
  /** An optional role left out before a given one takes another role's input (Keras: key defaults to value). */
  fill?: Readonly<Record<string, string>>;
}

/** What the data fed to a layer must hold, beyond its shape and dtype. */
export interface DataExpectation {
  /** The input holds integer ids in [0, config[below]) (Embedding: below 'input_dim'). */
  ids?: { below: string };
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
  /** The inputs' roles, when the layer takes several with different meanings; the first `arity.min` are required. */
  roles?: InputRoles;
  /** Whether the layer wraps another (`layer:` is a nested layer config). */
  wrapper?: boolean;
  /** Shape rule: output shape and weights, or undefined after reporting through ctx. */
  infer(config: ConfigOf<P>, inputs: TensorSpec[], ctx: InferContext): Built | undefined;
  keras?: KerasForm;
  data?: DataExpectation;
  /** Whether the layer's output carries a mask to later layers (Keras's compute_mask), given its arguments. */
  masks?(config: ConfigOf<P>): boolean;
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

/**
 * An `axis:` argument's axis as an index into the input's shape; reports (NN503, at `axis`) an
 * axis out of range or the batch axis as "cannot <verb> over axis ...", with the valid range as
 * hint when asked.
 */
export function featureAxis(axis: number, x: TensorSpec, ctx: InferContext, verb: string, opts: { hint?: boolean } = {}): number | undefined {
  const rank = x.shape.length;
  const a = normalizeAxis(axis, rank);
  if (a !== undefined && a !== 0) return a;
  const why = a === 0 ? 'the batch axis' : `out of range for rank ${rank}`;
  const hint = rank > 1 ? `use an axis from 1 to ${rank - 1}, or -1 for the last` : 'the input has no axis besides the batch axis';
  return ctx.error('NN503', `${ctx.describe} cannot ${verb} over axis ${axis} of ${ctx.inputNames[0]} ${formatShape(x.shape)}: it is ${why}`, { param: 'axis', ...(opts.hint ? { hint } : {}) });
}

/** Reports a rank error naming the input and its shape, with the layer that usually fixes it. */
export function rankError(ctx: InferContext, input: TensorSpec, expected: string): undefined {
  const message = `${ctx.describe} expects input of rank ${expected}; got ${ctx.inputNames[0]} ${formatShape(input.shape)} of rank ${input.shape.length}`;
  const hint = rankHint(input.shape, expected);
  return ctx.error('NN501', message, hint ? { hint } : undefined);
}

/** How a rank mismatch is usually fixed: a missing channel axis, a Flatten, a TimeDistributed wrapper. */
function rankHint(shape: readonly (number | null)[], expected: string): string | undefined {
  const want = /^(\d+) \(batch, (.*)\)$/.exec(expected);
  if (!want) return undefined;
  const rank = Number(want[1]);
  const sample = shape.slice(1);
  if (shape.length === rank - 1 && want[2]!.endsWith('channels')) {
    const reshape = sample.every((d) => d !== null) ? `, or put \`{type: Reshape, target_shape: [${[...sample, 1].join(', ')}]}\` before it` : '';
    return `a one-channel input needs its channel axis: declare the input's shape as [${[...sample, 1].map((d) => d ?? 'null').join(', ')}]${reshape}`;
  }
  if (rank === 2 && shape.length > 2) return 'put a Flatten (or a global pooling layer) before it to make one feature vector per sample';
  if (shape.length === rank + 1) return 'for a sequence of such inputs (one per timestep), wrap the layer in TimeDistributed';
  return undefined;
}
