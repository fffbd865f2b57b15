/**
 * compile(source, file) → {graph, diagnostics}: the library entry point every command uses.
 * parse → schema → expand (format 2 blocks) → resolve → order → infer → check → lint; each pass reports into one sink.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSink, sortBySource, type Diagnostic, type Label, type LocatedDiagnostic, type Span } from '../diagnostics/diagnostic.js';
import { linesOf, locateDiagnostic } from '../diagnostics/locate.js';
import { keySpan, type SpecDocument } from '../spec/document.js';
import { parseSpec } from '../spec/parse.js';
import { checkSchema } from '../spec/schema.js';
import type { Spec } from '../spec/types.js';
import { checkOutputs, checkTraining, checkUsage, outputNames } from './check.js';
import { lint } from './lint.js';
import { expand, type LoadedModel } from './expand.js';
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
  /**
   * The parsed document (values and their source places), when the YAML could be read. For a
   * spec with blocks, the expanded one: its layers are the expanded layers, their places the
   * block lines they came from (the block definitions' own places are kept too).
   */
  doc?: SpecDocument;
  /** The document as written, before blocks were expanded (the same as `doc` without blocks). */
  source?: SpecDocument;
}

export interface CompileOptions {
  /** Reads a `from:` spec file (default: the file system). */
  readFile?: (path: string) => Uint8Array | string;
  /** Absolute paths of the files whose compilation led here (for cycles between `from:` files). */
  stack?: string[];
  /** The directory a relative `file` is relative to (default: the process's). */
  cwd?: string;
}

/** The spec file's absolute path (a `file:` URL from an editor, or relative to `cwd`). */
function absolute(file: string, cwd?: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : resolvePath(cwd ?? process.cwd(), file);
}

/** Structure that must hold before names can be resolved at all. */
function structurallySound(value: unknown): value is Spec {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const isMap = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x);
  return isMap(v.inputs) && isMap(v.layers) && Object.values(v.inputs as object).every(isMap) && Object.values(v.layers as object).every(isMap);
}

export function compile(source: string | Uint8Array, file = '<spec>', options: CompileOptions = {}): CompileResult {
  const sink = new DiagnosticSink();
  const { doc: written, text } = parseSpec(source, file, sink);
  let graph: Graph | undefined;
  let doc = written;
  let provenance: { labels: WeakMap<Span, Label[]>; reported: Set<string>; from: number; to: number } | undefined;
  if (written) {
    const broken = checkSchema(written, sink);
    const from = sink.items.length;
    const expanded = expand(written, sink, { dir: dirname(absolute(file, options.cwd)), loadModel: (path) => loadModel(path, file, options) });
    if (expanded.doc !== written) {
      provenance = { labels: expanded.labels, reported: expanded.reported, from, to: sink.items.length };
      doc = expanded.doc;
      for (const b of checkSchema(doc, sink)) broken.add(b);
      for (const b of expanded.broken) broken.add(b);
    }
    if (doc && structurallySound(doc.value)) {
      const spec = doc.value;
      const resolved = resolve(spec, doc, broken, sink);
      const ordered = order(resolved, doc, sink);
      const layers = infer(spec, ordered, resolved.nodes, doc, sink);
      const outputs = isBroken(broken, '/outputs') ? [] : checkOutputs(spec, resolved.nodes, doc, sink);
      if (!isBroken(broken, '/training') && !isBroken(broken, '/outputs') && spec.training) checkTraining(spec, outputs, resolved.nodes, doc, sink);
      checkUsage(spec, outputs, resolved.nodes, doc, sink);
      lint(spec, outputs, resolved.nodes, doc, sink, { training: !isBroken(broken, '/training') && !isBroken(broken, '/outputs') });
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
        ...(expanded.instances.length ? { instances: expanded.instances } : {}),
      };
    }
  }
  const items = provenance ? withProvenance(sink.items, provenance) : sink.items;
  const diagnostics = locate(sortBySource(items), file, text);
  return { graph, diagnostics, ok: sink.errorCount === 0, text, ...(doc ? { doc } : {}), ...(written && written !== doc ? { source: written } : {}) };
}

/**
 * A diagnostic at an expanded place gets the use sites as labels; a problem in a block is found
 * once per instance (and by both schema passes), so it is kept once: the first with use sites.
 * A later pass's report at a place expand already reported is expand's problem seen again.
 */
function withProvenance(items: readonly Diagnostic[], p: { labels: WeakMap<Span, Label[]>; reported: Set<string>; from: number; to: number }): Diagnostic[] {
  const out: { item: Diagnostic; fromExpand: boolean }[] = [];
  const at = new Map<string, number>();
  items.forEach((d, i) => {
    const extra = p.labels.get(d.span);
    const item = extra ? { ...d, labels: [...(d.labels ?? []), ...extra] } : d;
    const place = `${d.span.start}:${d.span.end}`;
    const key = `${d.code}@${place}`;
    const fromExpand = i >= p.from && i < p.to;
    if (!fromExpand && i >= p.to && p.reported.has(place) && !p.reported.has(key)) return;
    const seen = at.get(key);
    if (seen !== undefined) {
      if (!out[seen]!.item.labels && item.labels && !out[seen]!.fromExpand) out[seen] = { item, fromExpand };
      return;
    }
    at.set(key, out.length);
    out.push({ item, fromExpand });
  });
  return out.map((o) => o.item);
}

/** A `from:` file compiled on its own, as a block: its inputs, layers (expanded) and outputs. */
function loadModel(path: string, file: string, options: CompileOptions): LoadedModel {
  const stack = options.stack ?? [absolute(file, options.cwd)];
  if (stack.includes(path)) return { ok: false, code: 'NN314', message: `the files use each other (${[...stack, path].map((f) => basename(f)).join(' → ')})` };
  let bytes: Uint8Array | string;
  try {
    bytes = (options.readFile ?? readFileSync)(path);
  } catch {
    return { ok: false, code: 'NN315', message: `${path} does not exist or cannot be read` };
  }
  const result = compile(bytes, path, { ...options, stack: [...stack, path] });
  const value = result.doc?.value as { inputs?: object; layers?: Record<string, Record<string, unknown>>; outputs?: unknown } | undefined;
  const first = result.diagnostics.find((d) => d.severity === 'error');
  if (!result.ok || !value?.inputs || !value.layers || first) {
    const count = result.diagnostics.filter((d) => d.severity === 'error').length;
    const cycle = result.diagnostics.find((d) => d.code === 'NN314');
    if (cycle) return { ok: false, code: 'NN314', message: cycle.message.replace(/^block '[^']*' comes from '[^']*': /, '') };
    return { ok: false, code: 'NN315', message: `it is not a valid spec (${count} error${count === 1 ? '' : 's'}; the first: ${first ? `${basename(first.file)}:${first.line}:${first.column}: ${first.code} ${first.message}` : 'unknown'})` };
  }
  return { ok: true, inputs: Object.keys(value.inputs), layers: value.layers, outputs: outputNames(value as Spec) };
}

/** Offsets to lines and columns, labels included (src/diagnostics/locate.ts). */
export function locate(items: ReturnType<typeof sortBySource>, file: string, text: string): LocatedDiagnostic[] {
  const lines = linesOf(file, text);
  return items.map((d) => locateDiagnostic(lines, d));
}
