/**
 * compile(source, file) → {graph, diagnostics}: the library entry point every command uses.
 * parse → schema → resolve → order → infer → check; each pass reports into one sink.
 */
import { DiagnosticSink, sortBySource, type LocatedDiagnostic } from '../diagnostics/diagnostic.js';
import { linesOf, locateDiagnostic } from '../diagnostics/locate.js';
import { keySpan, type SpecDocument } from '../spec/document.js';
import { parseSpec } from '../spec/parse.js';
import { checkSchema } from '../spec/schema.js';
import type { Spec } from '../spec/types.js';
import { checkOutputs, checkTraining, checkUsage } from './check.js';
import { isBroken, type Graph } from './graph.js';
import { exact } from '../layers/shape.js';
import { infer, MAX_PARAMS } from './infer.js';
import { order } from './order.js';
import { resolve } from './resolve.js';

export interface CompileResult {
  /** Present when the spec is structurally sound; complete (every node inferred) when `ok`. */
  graph?: Graph;
  diagnostics: LocatedDiagnostic[];
  /** No errors (warnings allowed). */
  ok: boolean;
  /** The decoded source, for renderers that quote it. */
  text: string;
  /** The parsed document (values and their source places), when the YAML could be read. */
  doc?: SpecDocument;
}

/** Structure that must hold before names can be resolved at all. */
function structurallySound(value: unknown): value is Spec {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const isMap = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x);
  return isMap(v.inputs) && isMap(v.layers) && Object.values(v.inputs as object).every(isMap) && Object.values(v.layers as object).every(isMap);
}

export function compile(source: string | Uint8Array, file = '<spec>'): CompileResult {
  const sink = new DiagnosticSink();
  const { doc, text } = parseSpec(source, file, sink);
  let graph: Graph | undefined;
  if (doc) {
    const broken = checkSchema(doc, sink);
    if (structurallySound(doc.value)) {
      const spec = doc.value;
      const resolved = resolve(spec, doc, broken, sink);
      const ordered = order(resolved, doc, sink);
      const layers = infer(spec, ordered, resolved.nodes, doc, sink);
      const outputs = isBroken(broken, '/outputs') ? [] : checkOutputs(spec, resolved.nodes, doc, sink);
      if (!isBroken(broken, '/training') && !isBroken(broken, '/outputs') && spec.training) checkTraining(spec, outputs, resolved.nodes, doc, sink);
      checkUsage(spec, outputs, resolved.nodes, doc, sink);
      const totalParams = exact(layers.reduce((n, l) => n + BigInt(l.params), 0n));
      if (totalParams > MAX_PARAMS && !layers.some((l) => l.params > MAX_PARAMS)) {
        sink.error('NN505', `the model would have ${totalParams.toExponential(2)} parameters; nnspec refuses more than 10^10`, keySpan(doc, '/layers'));
      }
      graph = {
        name: typeof spec.name === 'string' ? spec.name : '',
        ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
        inputs: resolved.inputs,
        nodes: resolved.nodes,
        order: ordered,
        layers,
        outputs,
        ...(spec.training && typeof spec.training === 'object' ? { training: spec.training } : {}),
        totalParams,
        trainableParams: exact(layers.reduce((n, l) => n + BigInt(l.trainableParams), 0n)),
      };
    }
  }
  const diagnostics = locate(sortBySource(sink.items), file, text);
  return { graph, diagnostics, ok: sink.errorCount === 0, text, ...(doc ? { doc } : {}) };
}

/** Offsets to lines and columns, labels included (src/diagnostics/locate.ts). */
export function locate(items: ReturnType<typeof sortBySource>, file: string, text: string): LocatedDiagnostic[] {
  const lines = linesOf(file, text);
  return items.map((d) => locateDiagnostic(lines, d));
}
