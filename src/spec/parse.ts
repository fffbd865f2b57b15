import { Composer, Lexer, Parser, CST, isAlias, isMap, isScalar, isSeq, type Node, type Document } from 'yaml';
import { DiagnosticSink, type Span } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import { firstInvalidUtf8, MAX_SPEC_BYTES } from './bytes.js';
import { pointer, type Place, type SpecDocument } from './document.js';

/** Deeper flow nesting than this is refused before the YAML parser sees it (it recurses). */
export const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const YAML_ERROR_CODES: Record<string, Code> = {
  TAB_AS_INDENT: 'NN104',
  DUPLICATE_KEY: 'NN106',
  RESOURCE_EXHAUSTION: 'NN109',
  TAG_RESOLVE_FAILED: 'NN108',
  BAD_ALIAS: 'NN107',
};

export interface ParseResult {
  doc?: SpecDocument;
  text: string;
}

/**
 * Bytes → a plain value with the source place of every node. Everything the YAML allows
 * but a spec must not contain (aliases, tags, duplicate keys, NaN, ...) is reported here.
 */
export function parseSpec(input: Uint8Array | string, file: string, sink: DiagnosticSink): ParseResult {
  const at0: Span = { start: 0, end: 0 };
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.length > MAX_SPEC_BYTES) {
      sink.error('NN100', `file is ${input.length} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes (5 MB)`, at0);
      return { text: '' };
    }
    const bad = firstInvalidUtf8(input);
    if (bad >= 0) {
      const prefix = new TextDecoder().decode(input.subarray(0, bad));
      sink.error('NN101', `invalid UTF-8 byte 0x${input[bad]!.toString(16).padStart(2, '0')} at byte ${bad}`, { start: prefix.length, end: prefix.length + 1 }, 'save the file as UTF-8');
      return { text: new TextDecoder().decode(input) };
    }
    text = new TextDecoder().decode(input);
  }
  if (text.length > MAX_SPEC_BYTES) {
    sink.error('NN100', `file is larger than ${MAX_SPEC_BYTES} bytes (5 MB)`, at0);
    return { text: '' };
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    sink.error('NN102', 'the file contains a NUL byte', { start: nul, end: nul + 1 }, 'a spec is a text file; remove the NUL byte');
    return { text };
  }
  if (!checkFlowDepth(text, sink)) return { text };

  const docs = composeDocuments(text, sink);
  if (docs.length === 0 || docs[0]!.contents === null) {
    if (sink.errorCount === 0) sink.error('NN110', 'the file is empty; expected a spec mapping with `nnspec: 1`', at0);
    return { text };
  }
  for (const extra of docs.slice(1)) {
    const start = extra.range[0];
    sink.error('NN105', 'the file holds several YAML documents; a spec is one document', { start, end: start + 3 }, 'put each model in its own file');
  }
  const doc = docs[0]!;
  for (const e of [...doc.errors, ...doc.warnings]) {
    const code = YAML_ERROR_CODES[e.code] ?? 'NN103';
    const start = e.pos[0];
    const end = Math.max(e.pos[1], start + 1);
    sink.error(code, yamlMessage(e.code, e.message), { start, end });
  }
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY' && e.code !== 'TAG_RESOLVE_FAILED')) return { text };

  const places = new Map<string, Place>();
  const root = doc.contents!;
  if (!isMap(root)) {
    const kind = isSeq(root) ? 'a list' : 'a scalar';
    sink.error('NN111', `the top level of a spec must be a mapping, got ${kind}`, rangeSpan(root), 'start with `nnspec: 1` and `name: ...`');
    return { text };
  }
  const value = toValue(root, [], places, sink, 0);
  return { text, doc: { file, text, value, places } };
}

function composeDocuments(text: string, sink: DiagnosticSink): Document.Parsed[] {
  const composer = new Composer({ schema: 'core', version: '1.2', uniqueKeys: false, prettyErrors: false, strict: true, customTags: [] });
  try {
    return [...composer.compose(new Parser().parse(text), true, text.length)];
  } catch (e) {
    sink.error('NN103', `the YAML parser failed: ${(e as Error).message}`, { start: 0, end: 0 });
    return [];
  }
}

/** Counts flow-collection nesting with the lexer, which does not recurse. */
function checkFlowDepth(text: string, sink: DiagnosticSink): boolean {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      depth++;
      if (depth > MAX_DEPTH) {
        sink.error('NN109', `collections are nested more than ${MAX_DEPTH} levels deep`, { start: offset, end: offset + 1 }, 'a spec never needs this depth; check for unbalanced brackets');
        return false;
      }
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') {
      depth = Math.max(0, depth - 1);
    }
    // doc-mode, flow-error-end and scalar are zero-width markers the lexer inserts.
    if (type !== 'doc-mode' && type !== 'flow-error-end' && type !== 'scalar') offset += token.length;
  }
  return true;
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; indent with spaces';
    case 'DUPLICATE_KEY':
      return 'duplicate key';
    case 'TAG_RESOLVE_FAILED':
      return `custom YAML tags are not allowed: ${message.replace(/^Unresolved tag: /, '')}`;
    default:
      return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  }
}

function rangeSpan(node: Node): Span {
  const r = node.range ?? [0, 0, 0];
  return { start: r[0], end: Math.max(r[1], r[0]) };
}

function toValue(node: Node | null, path: (string | number)[], places: Map<string, Place>, sink: DiagnosticSink, depth: number): unknown {
  if (node === null) return null;
  const span = rangeSpan(node);
  if (isAlias(node)) {
    sink.error('NN107', `aliases are not allowed in a spec (*${node.source})`, span, 'write the value out in full');
    return null;
  }
  if (node.anchor) {
    sink.error('NN107', `anchors are not allowed in a spec (&${node.anchor})`, { start: span.start, end: span.start + 1 }, 'remove the anchor and write every value out in full');
  }
  if (depth > MAX_DEPTH) {
    sink.error('NN109', `collections are nested more than ${MAX_DEPTH} levels deep`, span);
    return null;
  }
  const ptr = pointer(path);
  const prev = places.get(ptr);
  places.set(ptr, prev ? { ...prev, value: span } : { value: span });

  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, Span>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (keyNode !== null && !isScalar(keyNode)) {
        sink.error('NN115', 'mapping keys must be plain names', rangeSpan(keyNode));
        continue;
      }
      if (keyNode !== null && (isAlias(keyNode) || keyNode.anchor)) {
        sink.error('NN107', 'anchors and aliases are not allowed in a spec', rangeSpan(keyNode));
        continue;
      }
      const key = keyNode === null ? '' : String(keyNode.value);
      const kSpan = keyNode === null ? span : rangeSpan(keyNode);
      if (FORBIDDEN_KEYS.has(key)) {
        sink.error('NN114', `'${key}' is not allowed as a key`, kSpan, 'rename the key');
        continue;
      }
      const first = seen.get(key);
      if (first) {
        sink.error('NN106', `duplicate key '${key}' (keys are compared as text)`, kSpan, 'remove one of the two entries');
        continue;
      }
      seen.set(key, kSpan);
      const childPath = [...path, key];
      places.set(pointer(childPath), { key: kSpan, value: kSpan });
      const v = toValue(pair.value as Node | null, childPath, places, sink, depth + 1);
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      if (pair.value === null) places.set(pointer(childPath), { key: kSpan, value: { start: kSpan.end, end: kSpan.end } });
    }
    return out;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => toValue(item as Node | null, [...path, i], places, sink, depth + 1));
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        sink.error('NN112', `${node.source ?? String(v)} is not a finite number`, span, 'use a finite number');
        return null;
      }
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
        sink.error('NN113', `${node.source ?? String(v)} is beyond 2^53 and cannot be represented exactly`, span);
        return null;
      }
    }
    if (typeof v === 'bigint') {
      sink.error('NN113', `${String(v)} is beyond 2^53 and cannot be represented exactly`, span);
      return null;
    }
    return v;
  }
  sink.error('NN103', 'unsupported YAML node', span);
  return null;
}
