/**
 * Warnings for models that are valid but probably not what was meant (compile's last pass; each
 * has a code, a place and a concrete fix):
 * - an output head with no `inputs:`, which therefore reads the layer above it, itself an output
 *   (NN608): in a multi-output spec the second head usually meant to read the shared trunk;
 * - a probability loss (cross-entropies) on an output whose last activation does not produce
 *   probabilities, and `from_logits: true` on one that does (NN606).
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { keySpan, valueSpan, type SpecDocument } from '../spec/document.js';
import type { Spec } from '../spec/types.js';
import { LOSS_ALIASES } from '../spec/vocabulary.js';
import { outputNames } from './check.js';
import type { GraphNode } from './graph.js';

export function lint(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink, opts: { training: boolean }): void {
  implicitOutputFeeds(spec, outputs, nodes, doc, sink);
  if (opts.training && spec.training) lossActivations(spec, outputs, nodes, doc, sink);
}

/** A layer without `inputs:` takes the layer above it; that it is a model output is probably a slip. */
function implicitOutputFeeds(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  if (outputs.length < 2) return;
  for (const [name, entry] of Object.entries(spec.layers)) {
    if (!entry || typeof entry !== 'object' || 'inputs' in entry || 'shares' in entry) continue;
    const node = nodes.get(name);
    const above = node?.inputs[0];
    if (!node?.layer || node.inputs.length !== 1 || !above || !outputs.includes(above) || !outputs.includes(name)) continue;
    const trunk = nodes.get(above)?.inputs[0];
    sink.warning(
      'NN608',
      `output '${name}' has no \`inputs:\`, so it reads the layer above it, '${above}', which is itself an output: '${name}' is computed from '${above}'s prediction`,
      keySpan(doc, node.ptr),
      trunk ? `to read what '${above}' reads, write \`inputs: ${trunk}\`; if '${name}' is meant to read '${above}', write \`inputs: ${above}\` to say so` : `give '${name}' its \`inputs:\``,
    );
  }
}

type Produces = 'probabilities' | 'other' | undefined;

const PROBABILITY_ACTIVATIONS = new Set(['softmax', 'sigmoid', 'hard_sigmoid']);
/** Layers that pass their input's values through unchanged (so its activation is theirs). */
const PASS_THROUGH = new Set(['Dropout', 'Reshape', 'Flatten', 'Permute', 'GaussianNoise', 'Identity', 'ActivityRegularization', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']);
/** The cross-entropies: they take probabilities unless `from_logits: true`. */
const CROSS_ENTROPIES = new Set(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'binary_focal_crossentropy', 'categorical_focal_crossentropy']);

/** Whether a node's values are probabilities by its last activation; undefined where that cannot be told. */
function produces(node: GraphNode | undefined, nodes: Map<string, GraphNode>, depth = 0): { kind: Produces; activation?: string; layer?: string } {
  const layer = node?.layer;
  if (!node || !layer || depth > 50) return { kind: undefined };
  const config = layer.config;
  const type = config.type;
  if (type === 'Softmax') return { kind: 'probabilities', activation: 'softmax', layer: node.name };
  if (PASS_THROUGH.has(type)) return produces(nodes.get(node.inputs[0] ?? ''), nodes, depth + 1);
  const inner = type === 'TimeDistributed' && config.layer && typeof config.layer === 'object' ? (config.layer as Record<string, unknown>) : config;
  if (!('activation' in layer.kind.params) && !(type === 'TimeDistributed' && 'activation' in inner)) return { kind: undefined };
  const activation = typeof inner.activation === 'string' ? inner.activation : 'linear';
  return { kind: PROBABILITY_ACTIVATIONS.has(activation) ? 'probabilities' : 'other', activation, layer: node.name };
}

function lossActivations(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  const loss = spec.training?.loss as unknown;
  if (loss === undefined || loss === null) return;
  const typed = (v: unknown): v is { type: string } & Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string';
  const single = typeof loss === 'string' || typed(loss);
  outputNames(spec).forEach((name, i) => {
    if (!outputs.includes(name)) return;
    const entry = single ? loss : Array.isArray(loss) ? loss[i] : (loss as Record<string, unknown>)[name];
    const ptr = single ? '/training/loss' : Array.isArray(loss) ? `/training/loss/${i}` : `/training/loss/${name}`;
    const lossName = typeof entry === 'string' ? entry : typed(entry) ? entry.type : undefined;
    const canonical = lossName ? (LOSS_ALIASES as Record<string, string>)[lossName] : undefined;
    if (!canonical || !CROSS_ENTROPIES.has(canonical)) return;
    const node = nodes.get(name);
    const shape = node?.output?.shape;
    // categorical_crossentropy on one unit has its own warning (always 0).
    if (canonical === 'categorical_crossentropy' && shape?.[shape.length - 1] === 1) return;
    const fromLogits = typed(entry) && entry.from_logits === true;
    const out = produces(node, nodes);
    if (out.kind === undefined) return;
    const where = out.layer === name ? `output '${name}'` : `output '${name}' (through '${out.layer}')`;
    const want = canonical.startsWith('binary') ? 'sigmoid' : 'softmax';
    if (!fromLogits && out.kind === 'other') {
      sink.warning(
        'NN606',
        `${lossName} takes probabilities, but ${where} ends in activation '${out.activation}', whose values are not probabilities`,
        valueSpan(doc, ptr),
        `add \`activation: ${want}\` to '${out.layer}', or write the loss as \`{type: ${lossName}, from_logits: true}\` to keep the output as logits`,
      );
    } else if (fromLogits && out.kind === 'probabilities') {
      sink.warning(
        'NN606',
        `${lossName} with from_logits: true treats ${where} as logits, but it ends in '${out.activation}': the loss applies ${want} on top of it`,
        valueSpan(doc, ptr),
        `drop from_logits (the output is already probabilities), or make '${out.layer}' linear and keep from_logits: true`,
      );
    }
  });
}
