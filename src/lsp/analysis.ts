/**
 * One compiled view of an open document: the compiler's result plus what the editor features
 * ask of it (where an offset lies in the spec, which nodes feed and consume a node). Built once
 * per document version and shared by diagnostics, hover, completion, references and hints.
 */
import { compile, type CompileResult } from '../compiler/compile.js';
import type { GraphNode } from '../compiler/graph.js';
import type { Span } from '../diagnostics/diagnostic.js';
import type { Place, SpecDocument } from '../spec/document.js';

export interface Analysis {
  uri: string;
  version: number;
  text: string;
  result: CompileResult;
  /** Nodes fed by each node, by name. */
  consumers: Map<string, string[]>;
}

export function analyze(uri: string, version: number, text: string, file = uri): Analysis {
  const result = compile(text, file);
  const consumers = new Map<string, string[]>();
  for (const node of result.graph?.nodes.values() ?? []) {
    for (const input of node.inputs) {
      const list = consumers.get(input) ?? [];
      if (!list.includes(node.name)) list.push(node.name);
      consumers.set(input, list);
    }
  }
  return { uri, version, text, result, consumers };
}

export function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** The JSON pointer of the innermost place (key or value) holding `offset`, with that place. */
export function placeAt(doc: SpecDocument, offset: number): { ptr: string; place: Place; onKey: boolean } | undefined {
  let best: { ptr: string; place: Place; onKey: boolean; size: number } | undefined;
  for (const [ptr, place] of doc.places) {
    for (const [span, onKey] of [[place.key, true], [place.value, false]] as const) {
      if (!span || !contains(span, offset)) continue;
      const size = span.end - span.start;
      if (!best || size < best.size || (size === best.size && ptr.length > best.ptr.length)) best = { ptr, place, onKey, size };
    }
  }
  return best && { ptr: best.ptr, place: best.place, onKey: best.onKey };
}

export function unescapePointerPart(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointerParts(ptr: string): string[] {
  return ptr === '' ? [] : ptr.slice(1).split('/').map(unescapePointerPart);
}

/** A name written where a node name is expected: an `inputs:`/`shares:`/`outputs:` entry or a per-output key in `training`. */
export interface NameRef {
  name: string;
  span: Span;
  /** 'definition' for the key that declares an input or a layer. */
  role: 'definition' | 'reference';
  ptr: string;
}

/** Every place a node name is declared or referred to, in source order. */
export function nameRefs(doc: SpecDocument): NameRef[] {
  const refs: NameRef[] = [];
  const text = doc.text;
  const ref = (ptr: string, span: Span, role: NameRef['role']) => {
    const raw = text.slice(span.start, span.end);
    const name = raw.replace(/^["']|["']$/g, '');
    const quoted = raw.length - name.length;
    refs.push({ name, span: quoted === 2 ? { start: span.start + 1, end: span.end - 1 } : span, role, ptr });
  };
  for (const [ptr, place] of doc.places) {
    const parts = pointerParts(ptr);
    if (parts.length === 2 && (parts[0] === 'inputs' || parts[0] === 'layers') && place.key) ref(ptr, place.key, 'definition');
    else if (parts[0] === 'layers' && parts.length >= 3 && (parts[2] === 'inputs' || parts[2] === 'shares')) {
      const isLeaf = (parts.length === 3 && !hasChildren(doc, ptr)) || (parts.length === 4 && parts[2] === 'inputs');
      if (isLeaf) ref(ptr, place.value, 'reference');
    } else if (parts[0] === 'outputs' && (parts.length === 2 || (parts.length === 1 && !hasChildren(doc, ptr)))) ref(ptr, place.value, 'reference');
    else if (parts[0] === 'training' && parts.length === 3 && ['loss', 'loss_weights', 'metrics'].includes(parts[1]!) && place.key && !/^\d+$/.test(parts[2]!)) ref(ptr, place.key, 'reference');
  }
  return refs.filter((r) => r.name.length > 0).sort((a, b) => a.span.start - b.span.start);
}

function hasChildren(doc: SpecDocument, ptr: string): boolean {
  for (const p of doc.places.keys()) if (p.startsWith(ptr + '/')) return true;
  return false;
}

export function nodeNamed(a: Analysis, name: string): GraphNode | undefined {
  return a.result.graph?.nodes.get(name);
}
