/**
 * Infer: walks the ordered nodes once, giving each its output TensorSpec and each layer its
 * weights, through the layer kinds' shape rules. Nodes downstream of a failure are skipped
 * silently, so one mistake gives one diagnostic.
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Built, InferContext, LayerConfig, WeightSpec } from '../layers/kind.js';
import { layerKind } from '../layers/registry.js';
import { exact, formatShape, formatSize, inexactDims, knownProduct, type TensorSpec } from '../layers/shape.js';
import { keySpan, valueSpan, type SpecDocument } from '../spec/document.js';
import type { Spec } from '../spec/types.js';
import { FIRST_OUTPUT, inputSpec, type GraphNode, type Layer } from './graph.js';

/** No sane model has more parameters than this; past it the count is refused. */
export const MAX_PARAMS = 1e10;

export function infer(spec: Spec, order: GraphNode[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): Layer[] {
  const layers: Layer[] = [];
  for (const node of order) {
    if (node.broken) continue;
    if (!node.layer) {
      const decl = spec.inputs[node.name]!;
      node.output = { shape: [null, ...decl.shape], dtype: decl.dtype ?? 'float32' };
      continue;
    }
    if (node.refs && !tap(node, nodes, doc, sink)) continue;
    const inputs = node.inputs.map((_, i) => inputSpec(node, i, nodes));
    if (inputs.some((x) => x === undefined)) continue;
    const layer = node.layer;
    const ctx = contextFor(node, layer, doc, sink);
    const built = layer.kind.infer(layer.config as never, inputs as TensorSpec[], ctx);
    if (!built || !checkSizes(built, inputs as TensorSpec[], ctx)) continue;
    if (!checkShared(node, layer, built.weights, inputs as TensorSpec[], nodes, doc, sink)) continue;
    if (layer.nodes.length === 0) {
      layers.push(layer);
      setWeights(layer, built.weights, doc, node, sink);
    }
    node.callIndex = layer.nodes.length;
    layer.nodes.push(node);
    node.output = { shape: built.shape, dtype: built.dtype ?? 'float32' };
    if (built.more) node.outputs = [{ name: FIRST_OUTPUT, spec: node.output }, ...built.more.map((o) => ({ name: o.name, spec: { shape: o.shape, dtype: o.dtype ?? 'float32' } }))];
  }
  return layers;
}

/**
 * Turns the node's output references (`encoder:state_h`, `encoder:2`) into output indices, once
 * the nodes they name are inferred; false after reporting one that names no output (or when a
 * named node failed, already reported there).
 */
function tap(node: GraphNode, nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): boolean {
  const taps = node.inputs.map(() => 0);
  for (const [i, ref] of node.refs!.entries()) {
    if (!ref) continue;
    const from = nodes.get(node.inputs[i]!)!;
    if (!from.output) return false;
    const names = from.outputs?.map((o) => o.name) ?? [FIRST_OUTPUT];
    const index = /^\d+$/.test(ref.output) ? Number(ref.output) : names.indexOf(ref.output);
    if (index >= 0 && index < names.length) {
      taps[i] = index;
      continue;
    }
    const what = from.layer ? `${from.layer.kind.type} '${from.name}'` : `model input '${from.name}'`;
    const has = names.length === 1 ? 'has one output' : `has ${names.length} outputs: ${names.map((n, k) => `${n} (${k})`).join(', ')}`;
    const recurrent = from.layer && /^(SimpleRNN|LSTM|GRU|Bidirectional)$/.test(from.layer.kind.type) && names.length === 1;
    const hint = recurrent ? `set return_state: true on '${from.name}' to take its final state${from.layer!.kind.type === 'LSTM' ? 's (state_h, state_c)' : ''}` : names.length === 1 ? `take it as '${from.name}'` : undefined;
    const suggestion = /^\d+$/.test(ref.output) ? '' : didYouMean(ref.output, names);
    sink.error('NN306', `layer '${node.name}' takes '${from.name}:${ref.output}', but ${what} ${has}${suggestion}`, doc.places.get(ref.ptr)?.value ?? keySpan(doc, ref.ptr), hint);
    return false;
  }
  node.taps = taps;
  return true;
}

/**
 * Every size a shape rule computed, checked in one place: the output's dimensions and the weights'
 * must be integers nnspec holds exactly (the rules compute them with shape.ts's exact arithmetic,
 * so a size past 2^53 - 1 arrives here as one, never as a wrong small number).
 */
function checkSizes(built: Built, inputs: TensorSpec[], ctx: InferContext): boolean {
  const from = inputs.map((x, i) => `${ctx.inputNames[i]} ${formatShape(x.shape)}`).join(', ');
  const bad = inexactDims(built.shape)[0];
  if (bad) {
    ctx.error('NN508', `${ctx.describe} would produce a dimension of ${formatSize(bad.size)} on axis ${bad.axis} from input ${from}; sizes beyond 2^53 - 1 cannot be represented exactly`, {
      hint: 'check the sizes: a dimension, factor or repeat count is probably far too large',
    });
    return false;
  }
  for (const w of built.weights) {
    const badWeight = inexactDims(w.shape)[0];
    if (!badWeight) continue;
    ctx.error('NN508', `${ctx.describe} would have a weight '${w.name}' with a dimension of ${formatSize(badWeight.size)} for input ${from}; sizes beyond 2^53 - 1 cannot be represented exactly`, {
      hint: 'check the sizes: a units, filters or vocabulary size is probably far too large',
    });
    return false;
  }
  return true;
}

/** Parameter count: exact products and sum (shape.ts), so a count past 2^53 - 1 is never a wrong small number. */
function count(weights: WeightSpec[], trainable?: boolean): number {
  let n = 0n;
  for (const w of weights) if (trainable === undefined || w.trainable === trainable) n += BigInt(knownProduct(w.shape)!);
  return exact(n);
}

function setWeights(layer: Layer, weights: WeightSpec[], doc: SpecDocument, node: GraphNode, sink: DiagnosticSink): void {
  const frozen = layer.config.trainable === false;
  layer.weights = frozen ? weights.map((w) => ({ ...w, trainable: false })) : weights;
  layer.params = count(layer.weights);
  layer.trainableParams = count(layer.weights, true);
  if (!(layer.params <= MAX_PARAMS)) {
    sink.error('NN505', `${layer.kind.type} '${layer.name}' would have ${layer.params.toExponential(2)} parameters; nnspec refuses more than 10^10`, keySpan(doc, node.ptr), 'check the sizes: a units, filters or vocabulary size is probably far too large');
  }
}

function checkShared(node: GraphNode, layer: Layer, weights: WeightSpec[], inputs: TensorSpec[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): boolean {
  if (layer.nodes.length === 0 || !layer.weights) return true;
  const same = weights.length === layer.weights.length && weights.every((w, i) => w.shape.join(',') === layer.weights![i]!.shape.join(','));
  if (same) return true;
  const firstInputs = layer.nodes[0]!.inputs.map((n) => formatShape(nodes.get(n)!.output!.shape)).join(', ');
  sink.error(
    'NN504',
    `layer '${node.name}' shares '${layer.name}', whose weights were built for input ${firstInputs}, but is called on ${inputs.map((x) => formatShape(x.shape)).join(', ')}`,
    keySpan(doc, node.ptr),
    'a shared layer needs inputs of the same feature size at every call site',
  );
  return false;
}

function contextFor(node: GraphNode, layer: Layer, doc: SpecDocument, sink: DiagnosticSink): InferContext {
  const describe = `${layer.kind.type} '${node.name}'`;
  const at = (param?: string) => (param && doc.places.has(`${node.ptr}/${param}`) ? valueSpan(doc, `${node.ptr}/${param}`) : keySpan(doc, node.ptr));
  const ctx: InferContext = {
    describe,
    inputNames: node.inputs,
    error(code, message, opts) {
      sink.error(code, message, at(opts?.param), opts?.hint);
      return undefined;
    },
    warning(code, message, opts) {
      sink.warning(code, message, at(opts?.param), opts?.hint);
    },
    inferInner(config: LayerConfig, inputs: TensorSpec[]): Built | undefined {
      const kind = layerKind(config.type);
      if (!kind) return ctx.error('NN205', `unknown wrapped layer type '${config.type}'`, { param: 'layer' });
      // The wrapped layer's arguments live under `layer:`; point its diagnostics there.
      const inner = (opts?: { param?: string; hint?: string }) => (opts?.param ? { ...opts, param: `layer/${opts.param}` } : opts);
      return kind.infer(config as never, inputs, {
        ...ctx,
        describe: `${kind.type} wrapped by '${node.name}'`,
        error: (code, message, opts) => ctx.error(code, message, inner(opts)),
        warning: (code, message, opts) => ctx.warning(code, message, inner(opts)),
      });
    },
  };
  return ctx;
}
