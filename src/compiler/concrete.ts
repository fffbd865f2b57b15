/**
 * The shape rules again, on concrete input shapes: the data's sequence lengths and image sizes
 * where the spec says `null`. A spec that compiles for "any length" may still need a minimum
 * (convolutions and pools shrink their input); data below it must be refused here, with the
 * layer that needs more, before a tensor library fails on it.
 */
import type { Code } from '../diagnostics/codes.js';
import type { Built, InferContext, LayerConfig } from '../layers/kind.js';
import { layerKind } from '../layers/registry.js';
import { inexactDims, type Dim, type Shape, type TensorSpec } from '../layers/shape.js';
import type { Graph, GraphNode } from './graph.js';

export interface ConcreteFailure {
  /** The node whose shape rule refused the concrete input (or the first layer fed an empty axis). */
  node: string;
  type: string;
  code: Code;
  message: string;
}

/** Per-sample shapes by input name (no batch axis), as the data holds them. */
export type ConcreteShapes = ReadonlyMap<string, readonly number[]>;

/** The searched sizes stop here: a model that needs more than 2^31 steps is refused without a minimum. */
const MAX_SEARCH = 2 ** 31;

/**
 * Infers every node of a compiled graph again with the inputs' null dimensions set from
 * `shapes`; the first failure, or undefined when every shape rule accepts the data. A size of 0
 * on any axis is a failure at the first layer it feeds (no layer computes on an empty axis).
 */
export function inferConcrete(graph: Graph, shapes: ConcreteShapes): ConcreteFailure | undefined {
  const out = new Map<string, TensorSpec>();
  for (const node of graph.order) {
    if (!node.layer) {
      const declared = node.output;
      const given = shapes.get(node.name);
      if (!declared) return undefined;
      if (!given) {
        out.set(node.name, declared);
        continue;
      }
      const shape: Dim[] = [null, ...declared.shape.slice(1).map((d, i) => d ?? given[i] ?? null)];
      if (shape.slice(1).some((d) => d === 0)) {
        const first = graph.order.find((n) => n.inputs.includes(node.name));
        return { node: first?.name ?? node.name, type: first?.layer?.kind.type ?? 'Input', code: 'NN502', message: `input '${node.name}' has an axis of size 0` };
      }
      out.set(node.name, { shape, dtype: declared.dtype });
      continue;
    }
    const inputs = node.inputs.map((n) => out.get(n));
    if (inputs.some((x) => x === undefined)) return undefined;
    const failure = inferNode(node, inputs as TensorSpec[]);
    if ('failure' in failure) return failure.failure;
    out.set(node.name, failure.spec);
  }
  return undefined;
}

function inferNode(node: GraphNode, inputs: TensorSpec[]): { spec: TensorSpec } | { failure: ConcreteFailure } {
  const layer = node.layer!;
  let first: ConcreteFailure | undefined;
  const ctx = (describe: string): InferContext => ({
    describe,
    inputNames: node.inputs,
    error(code, message) {
      first ??= { node: node.name, type: layer.kind.type, code, message };
      return undefined;
    },
    warning() {},
    inferInner(config: LayerConfig, inner: TensorSpec[]): Built | undefined {
      const kind = layerKind(config.type);
      return kind?.infer(config as never, inner, ctx(`${kind.type} wrapped by '${node.name}'`));
    },
  });
  const built = layer.kind.infer(layer.config as never, inputs, ctx(`${layer.kind.type} '${node.name}'`));
  if (!built || first) return { failure: first ?? { node: node.name, type: layer.kind.type, code: 'NN503', message: `${layer.kind.type} '${node.name}' cannot take its input` } };
  const bad = inexactDims(built.shape)[0] ?? built.shape.slice(1).map((d, axis) => ({ axis: axis + 1, size: d })).find((x) => x.size !== null && x.size <= 0);
  if (bad) return { failure: { node: node.name, type: layer.kind.type, code: 'NN502', message: `${layer.kind.type} '${node.name}' would produce a dimension of ${bad.size} on axis ${bad.axis}` } };
  return { spec: { shape: built.shape, dtype: built.dtype ?? 'float32' } };
}

/**
 * The smallest size of `input`'s per-sample axis `axis` (0-based, no batch axis) at which every
 * shape rule accepts the data, the other sizes as `shapes` gives them; undefined when no size up
 * to 2^31 works (the failure is not about this axis being too short).
 */
export function minimumSize(graph: Graph, shapes: ConcreteShapes, input: string, axis: number): number | undefined {
  const given = shapes.get(input);
  if (!given) return undefined;
  const ok = (n: number) => {
    const at = new Map(shapes);
    at.set(input, given.map((d, i) => (i === axis ? n : d)));
    return inferConcrete(graph, at) === undefined;
  };
  let hi = Math.max(1, given[axis]!);
  while (!ok(hi)) {
    if (hi >= MAX_SEARCH) return undefined;
    hi = Math.min(MAX_SEARCH, hi * 2);
  }
  let lo = 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The axes of an input the spec leaves open (`null`), 0-based without the batch axis. */
export function openAxes(shape: Shape): number[] {
  return shape.slice(1).flatMap((d, i) => (d === null ? [i] : []));
}
