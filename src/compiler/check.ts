/**
 * Cross-checks on the inferred graph: outputs exist and are layers, the training section's
 * per-output settings match the outputs, every input is used and every layer reaches an output.
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { keySpan, pointer, valueSpan, type SpecDocument } from '../spec/document.js';
import type { LossEntry, Spec } from '../spec/types.js';
import { REQUIRED_METRIC_ARGUMENTS } from '../spec/objective-args.js';
import { LOSS_ALIASES, METRIC_ALIASES, type LossName } from '../spec/vocabulary.js';
import { checkCallbacks } from '../spec/callbacks.js';
import type { GraphNode } from './graph.js';

export function outputNames(spec: Spec): string[] {
  const o = spec.outputs as unknown;
  if (typeof o === 'string') return [o];
  return Array.isArray(o) ? o.filter((x): x is string => typeof x === 'string') : [];
}

export function checkOutputs(spec: Spec, nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): string[] {
  const names = outputNames(spec);
  const seen = new Set<string>();
  const valid: string[] = [];
  const layerNames = Object.keys(spec.layers);
  names.forEach((name, i) => {
    const at = valueSpan(doc, typeof spec.outputs === 'string' ? '/outputs' : `/outputs/${i}`);
    if (seen.has(name)) {
      sink.error('NN601', `output '${name}' is listed twice`, at, 'each output appears once in `outputs`');
      return;
    }
    seen.add(name);
    const node = nodes.get(name);
    if (!node) sink.error('NN600', `output '${name}' is not a layer${didYouMean(name, layerNames)}`, at);
    else if (!node.layer && spec.inputs[name]) sink.error('NN600', `output '${name}' is a model input; outputs are layers`, at, 'name the layer that produces the output');
    else valid.push(name);
  });
  return valid;
}

/** loss, loss_weights and metrics: lists have one entry per output, maps are keyed by output name. */
export function checkTraining(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  const t = spec.training;
  if (!t) return;
  const all = outputNames(spec);
  for (const key of ['loss', 'loss_weights', 'metrics'] as const) {
    const value = t[key] as unknown;
    const ptr = `/training/${key}`;
    // `loss: {type: ..., from_logits: true}` is one loss for every output, not a map by output name.
    if (key === 'loss' && isTypedEntry(value)) continue;
    if (Array.isArray(value) && key !== 'metrics') {
      if (value.length !== all.length) {
        sink.error('NN603', `training.${key} has ${value.length} ${value.length === 1 ? 'entry' : 'entries'} but the model has ${all.length} output${all.length === 1 ? '' : 's'} (${all.join(', ')})`, valueSpan(doc, ptr), `give one per output in \`outputs\` order, or a map keyed by output name`);
      }
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const k of Object.keys(value)) {
        if (!all.includes(k)) sink.error('NN602', `training.${key} names '${k}', which is not an output${didYouMean(k, all)}`, keySpan(doc, `${ptr}/${pointer([k]).slice(1)}`), `outputs are: ${all.join(', ')}`);
      }
      if (key === 'loss') {
        for (const o of all) if (!(o in value)) sink.error('NN602', `training.loss has no loss for output '${o}'`, keySpan(doc, ptr), 'every output needs a loss; add it to the map');
      }
    }
  }
  checkClassWeight(spec, outputs, nodes, doc, sink);
  checkMetricNames(spec, doc, sink);
  checkLossFit(spec, outputs, nodes, doc, sink);
  checkCallbacks(spec, doc, sink);
}

/** A metric Keras cannot build from its name alone (precision_at_recall needs `recall`, ...). */
function checkMetricNames(spec: Spec, doc: SpecDocument, sink: DiagnosticSink): void {
  const metrics = spec.training?.metrics as unknown;
  const at: [unknown, string][] = [];
  const list = (v: unknown, ptr: string) => (Array.isArray(v) ? v.forEach((m, i) => at.push([m, `${ptr}/${i}`])) : at.push([v, ptr]));
  if (Array.isArray(metrics)) list(metrics, '/training/metrics');
  else if (metrics && typeof metrics === 'object') for (const [k, v] of Object.entries(metrics)) list(v, `/training/metrics/${pointer([k]).slice(1)}`);
  for (const [m, ptr] of at) {
    if (typeof m !== 'string') continue;
    const canonical = (METRIC_ALIASES as Record<string, string>)[m];
    const arg = canonical === undefined ? undefined : REQUIRED_METRIC_ARGUMENTS[canonical as keyof typeof REQUIRED_METRIC_ARGUMENTS];
    if (arg) sink.error('NN201', `metric '${m}' needs its \`${arg}\` (Keras has no default for it)`, valueSpan(doc, ptr), `write it as \`{type: ${m}, ${arg}: 0.8}\``);
  }
}

/** class_weight: keyed by output name; each class id one the output has (0 and 1 for a single unit). */
function checkClassWeight(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  const cw = spec.training?.class_weight;
  if (!cw || typeof cw !== 'object') return;
  const all = outputNames(spec);
  for (const [name, weights] of Object.entries(cw)) {
    const ptr = `/training/class_weight/${pointer([name]).slice(1)}`;
    if (!all.includes(name)) {
      sink.error('NN602', `training.class_weight names '${name}', which is not an output${didYouMean(name, all)}`, keySpan(doc, ptr), `outputs are: ${all.join(', ')}`);
      continue;
    }
    const shape = outputs.includes(name) ? nodes.get(name)?.output?.shape : undefined;
    const last = shape?.[shape.length - 1];
    if (!weights || typeof weights !== 'object') continue;
    const classes = typeof last === 'number' ? Math.max(last, 2) : Infinity;
    for (const [id, w] of Object.entries(weights as Record<string, unknown>)) {
      const at = keySpan(doc, `${ptr}/${pointer([id]).slice(1)}`);
      if (typeof w === 'number' && w < 0) sink.error('NN607', `training.class_weight gives class ${id} of output '${name}' the weight ${w}; a weight is 0 or more`, valueSpan(doc, `${ptr}/${pointer([id]).slice(1)}`), 'weight 0 leaves the class out of the loss');
      if (/^\d+$/.test(id) && Number(id) >= classes) {
        sink.error('NN607', `training.class_weight gives class ${id} of output '${name}', which has ${last === 1 ? 'classes 0 and 1 (one sigmoid unit)' : `${classes} classes (0 to ${classes - 1})`}`, at, `class ids count from 0; remove class ${id} or check the output's units`);
      }
    }
  }
}

/** A loss or metric written as `{type: name, ...}`. */
function isTypedEntry(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'type' in v;
}

/** Warns where a loss cannot be right for its output's shape. */
function checkLossFit(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  const loss = spec.training?.loss;
  if (loss === undefined) return;
  const all = outputNames(spec);
  all.forEach((name, i) => {
    if (!outputs.includes(name)) return;
    const single = typeof loss === 'string' || isTypedEntry(loss);
    const entry = single ? loss : Array.isArray(loss) ? loss[i] : (loss as Record<string, LossEntry>)[name];
    const ptr = single ? '/training/loss' : Array.isArray(loss) ? `/training/loss/${i}` : `/training/loss/${name}`;
    const shape = nodes.get(name)?.output?.shape;
    if (!entry || !shape) return;
    const canonical = LOSS_ALIASES[typeof entry === 'string' ? entry : (entry as { type: LossName }).type];
    const last = shape[shape.length - 1];
    if (canonical === 'categorical_crossentropy' && last === 1) {
      sink.warning('NN606', `categorical_crossentropy on output '${name}' of shape (None, 1) is always 0: a single class`, valueSpan(doc, ptr), 'for a yes/no target use binary_crossentropy with a sigmoid output');
    }
  });
}

/** Inputs that feed nothing are errors; layers that reach no output are warnings. */
export function checkUsage(spec: Spec, outputs: string[], nodes: Map<string, GraphNode>, doc: SpecDocument, sink: DiagnosticSink): void {
  const consumed = new Set<string>();
  for (const node of nodes.values()) for (const i of node.inputs) consumed.add(i);
  // After a connection error (an undefined name usually meant an input), "unused" would be noise.
  const misnamed = sink.items.some((d) => ['NN300', 'NN301', 'NN302', 'NN303', 'NN304'].includes(d.code));
  for (const name of Object.keys(spec.inputs)) {
    if (misnamed) break;
    if (!consumed.has(name)) sink.error('NN604', `model input '${name}' feeds no layer`, keySpan(doc, `/inputs/${name}`), 'connect it with `inputs:` on a layer, or remove it');
  }
  if (outputs.length === 0 || misnamed) return;
  const reached = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (reached.has(n)) continue;
    reached.add(n);
    for (const i of nodes.get(n)?.inputs ?? []) stack.push(i);
  }
  for (const name of Object.keys(spec.layers)) {
    const node = nodes.get(name);
    if (node && node.layer && !reached.has(name)) {
      sink.warning('NN605', `layer '${name}' does not reach any output`, keySpan(doc, node.ptr), 'list it in `outputs`, connect it to a layer that does, or remove it');
    }
  }
}
