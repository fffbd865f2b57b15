/**
 * `nnspec export SPEC --to onnx`: the inference graph as a standalone ONNX model. The forward
 * emitter's graph (./forward.ts) with every weight baked in as an initializer named as tfjs names
 * it (`dense_1/kernel`), inputs and outputs named as in the spec, and a symbolic batch axis.
 *
 * Graphs are built for concrete shapes; the emitters never bake the batch size into the graph, so
 * axis 0 can be written as symbolic. Export checks that promise rather than trusting it: it builds
 * the graph at two batch sizes and the two serialized models must be byte for byte the same.
 * Other unknown (null) dimensions, sequence lengths, are fixed at export (`length`): recurrent
 * layers are unrolled per step, so the graph depends on them.
 */
import type { Graph } from '../../compiler/graph.js';
import { emitForward, type ForwardWeight } from './forward.js';
import { OnnxGraph } from './graph.js';

export interface OnnxExportOptions {
  /** Each weight's values by its tfjs name; every weight of the model must be there, in its shape. */
  weights: ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>;
  /** The length given to the spec's unknown input dimensions other than the batch. */
  length?: number;
  /** For the model's metadata. */
  version: string;
}

/** A reason the model cannot be exported as asked: a missing --length (usage), or weights that do not fit. */
export class OnnxExportError extends Error {
  constructor(
    message: string,
    readonly kind: 'needs-length' | 'weights-mismatch',
  ) {
    super(message);
  }
}

/** Batch sizes the graph is built at to prove it does not depend on the batch. */
const PROBE_BATCHES = [2, 3] as const;

/** The serialized ONNX model (opset of ./graph.ts, IR 8). */
export function toOnnxModel(graph: Graph, opts: OnnxExportOptions): Uint8Array {
  const unknown = graph.inputs.filter((n) => (n.output?.shape ?? []).slice(1).some((d) => d === null));
  if (unknown.length > 0 && opts.length === undefined) {
    const list = unknown.map((n) => `'${n.name}' (${shapeText(n.output!.shape)})`).join(', ');
    throw new OnnxExportError(`input${unknown.length > 1 ? 's' : ''} ${list} ${unknown.length > 1 ? 'have' : 'has'} dimensions of unknown length; an ONNX model is exported for one length: give --length N`, 'needs-length');
  }
  const [first, ...others] = PROBE_BATCHES.map((batch) => build(graph, opts, batch));
  if (others.some((b) => !sameBytes(b!, first!))) {
    throw new Error(`internal: the ONNX graph of '${graph.name}' depends on the batch size, so it cannot be exported with a dynamic batch axis`);
  }
  return first!;
}

function build(graph: Graph, opts: OnnxExportOptions, batch: number): Uint8Array {
  const g = new OnnxGraph(graph.name);
  const inputShapes: Record<string, number[]> = {};
  for (const n of graph.inputs) inputShapes[n.name] = [batch, ...n.output!.shape.slice(1).map((d) => d ?? opts.length!)];
  const fwd = emitForward(graph, { g, training: false, inputShapes, weightValues: (name, w) => weightValues(opts, name, w) });
  for (const name of graph.outputs) g.output(fwd.outputs.get(name)!.value, name);
  return g.toBytes({ dynamic: { 0: 'batch' }, producer: 'nnspec', docString: `${graph.name}${graph.description ? `: ${graph.description}` : ''} (nnspec ${opts.version})` });
}

function weightValues(opts: OnnxExportOptions, name: string, w: ForwardWeight): Float32Array {
  const given = opts.weights.get(name);
  if (!given) throw new OnnxExportError(`the weights have no '${name}'`, 'weights-mismatch');
  if (given.shape.join() !== w.shape.join()) throw new OnnxExportError(`the weight '${name}' has shape ${shapeText(given.shape)}; the spec's is ${shapeText(w.shape)}`, 'weights-mismatch');
  return given.values;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? 'null').join(', ')}]`;
}
