/**
 * Bytes → a plain value with the source place of every node. Everything YAML allows but a
 * spec must not contain (aliases, tags, duplicate keys, NaN, ...) is reported here, located.
 *
 * Order matters: the bytes are checked before decoding, nesting depth before yaml's Composer
 * (which recurses), and syntax before values. A value reported here is replaced by null and
 * listed in `unreadable`, so the schema pass does not report it a second time.
 */
import { Composer, CST, isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import { DiagnosticSink, type Span } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/lines.js';
import { firstInvalidUtf8, MAX_SPEC_BYTES, TOO_LARGE_HINT, tooLargeMessage, utf8Hint } from './bytes.js';
import { MAX_DEPTH, readCst } from './cst.js';
import { pointer, type Place, type SpecDocument } from './document.js';
import { describeYamlError } from './syntax.js';

export { MAX_DEPTH } from './cst.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CORE_TAG = /^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/;

export interface ParseResult {
  doc?: SpecDocument;
  text: string;
}

const unreadableByDoc = new WeakMap<SpecDocument, ReadonlySet<string>>();

/** Pointers of values the parser already reported and replaced by null (an alias, `.nan`, a custom tag). */
export function unreadable(doc: SpecDocument): ReadonlySet<string> {
  return unreadableByDoc.get(doc) ?? new Set();
}

export function parseSpec(input: Uint8Array | string, file: string, sink: DiagnosticSink): ParseResult {
  const before = sink.errorCount;
  const text = decode(input, sink);
  if (text === undefined) return { text: '' };
  if (sink.errorCount > before) return { text };
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    sink.error('NN102', 'the file contains a NUL character; a spec is a text file', { start: nul, end: nul + 1 }, 'remove the NUL character (a binary file, or one saved as UTF-16?)');
    return { text };
  }
  const cst = readCst(text);
  if ('tooDeepAt' in cst) {
    sink.error('NN109', `collections are nested more than ${MAX_DEPTH} levels deep`, { start: cst.tooDeepAt, end: cst.tooDeepAt + 1 }, 'a spec needs a handful of levels; check for unbalanced brackets or runaway indentation');
    return { text };
  }
  const docs = compose(cst.tokens, text, sink);
  if (docs === undefined || docs.length === 0) return { text };
  const doc = docs[0]!;
  const readable = reportYamlErrors(doc, text, cst.tokens, sink);
  const starts = cst.tokens.filter((t): t is CST.Document => t.type === 'document');
  docs.slice(1).forEach((extra, i) => {
    const marker = starts[i + 1]?.start.find((s) => s.type === 'doc-start');
    const start = marker?.offset ?? extra.range[0];
    sink.error('NN105', 'the file holds several YAML documents; a spec is exactly one', { start, end: start + (marker ? 3 : 1) }, 'put each model in its own file, and remove the `---` line');
  });
  if (!readable) return { text };
  if (isEmpty(doc)) {
    sink.error('NN110', 'the file holds no spec: it is empty or only comments', { start: 0, end: 0 }, 'a spec is a mapping that starts with `nnspec: 1`');
    return { text };
  }

  const root = doc.contents!;
  if (!isMap(root)) {
    const kind = isSeq(root) ? 'a list' : isAlias(root) ? 'an alias' : 'a single value';
    sink.error('NN111', `the top level of a spec must be a mapping of keys to values, not ${kind}`, rangeSpan(root), 'start the file with `nnspec: 1` and `name: ...` on lines of their own');
    return { text };
  }
  const reader = new ValueReader(text, sink);
  const value = reader.read(root, []);
  const spec: SpecDocument = { file, text, value, places: reader.places };
  unreadableByDoc.set(spec, reader.unreadable);
  return { text, doc: spec };
}

/** Bytes → text, or undefined (reported) when the bytes are not a spec's. */
function decode(input: Uint8Array | string, sink: DiagnosticSink): string | undefined {
  if (typeof input === 'string') {
    const bytes = input.length * 3 > MAX_SPEC_BYTES ? Buffer.byteLength(input, 'utf8') : 0;
    if (bytes > MAX_SPEC_BYTES) {
      sink.error('NN100', tooLargeMessage(bytes), { start: 0, end: 0 }, TOO_LARGE_HINT);
      return undefined;
    }
    return input;
  }
  if (input.length > MAX_SPEC_BYTES) {
    sink.error('NN100', tooLargeMessage(input.length), { start: 0, end: 0 }, TOO_LARGE_HINT);
    return undefined;
  }
  const text = new TextDecoder().decode(input);
  const bad = firstInvalidUtf8(input);
  if (bad) {
    // The decoder strips a BOM and is exact up to the first bad byte, so the prefix's length is the offset.
    const at = new TextDecoder().decode(input.subarray(0, bad.offset)).length;
    sink.error('NN101', `the file is not valid UTF-8: ${bad.bytes} at byte ${bad.offset} ${bad.reason}`, { start: at, end: at + 1 }, utf8Hint(input));
  }
  return text;
}

function compose(tokens: CST.Token[], text: string, sink: DiagnosticSink): Document.Parsed[] | undefined {
  // YAML 1.2 core schema whatever `%YAML` says: `no` stays a string, `0777` a decimal number.
  const composer = new Composer({ schema: 'core', version: '1.2', uniqueKeys: false, prettyErrors: false, strict: true, customTags: [], merge: false });
  try {
    return [...composer.compose(tokens, true, text.length)];
  } catch (e) {
    // The depth check makes this unreachable as far as we know; report rather than crash if not.
    sink.error('NN103', `the YAML could not be read (${(e as Error).message})`, { start: 0, end: 0 });
    return undefined;
  }
}

function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && (c.source === '' || c.source === undefined) && !c.tag && !c.anchor);
}

/**
 * Reports yaml's errors and warnings on the spec's document. A syntax error makes the rest
 * guesswork, so only the first is reported and reading stops (returns false); bad tags are
 * independent of each other and of the structure, so each is reported and reading goes on.
 */
function reportYamlErrors(doc: Document.Parsed, text: string, tokens: readonly CST.Token[], sink: DiagnosticSink): boolean {
  const all = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  const tags = all.filter((e) => e.code === 'TAG_RESOLVE_FAILED');
  const syntax = all.filter((e) => e.code !== 'TAG_RESOLVE_FAILED');
  for (const e of tags) {
    const p = describeYamlError(e, text, tokens);
    sink.error(p.code, p.message, p.span, p.hint);
  }
  if (syntax.length === 0) return true;
  const p = describeYamlError(syntax[0]!, text, tokens);
  sink.error(p.code, p.message, p.span, p.hint);
  return !syntax.some((e) => e.name === 'YAMLParseError');
}

function rangeSpan(node: Node): Span {
  const r = node.range ?? [0, 0, 0];
  return { start: r[0], end: Math.max(r[1], r[0]) };
}

/** Walks the composed document into plain values, recording places and refusing what a spec must not hold. */
class ValueReader {
  readonly places = new Map<string, Place>();
  readonly unreadable = new Set<string>();
  private readonly aliasesSeen = new Map<string, number>();
  private lines: LineIndex | undefined;

  constructor(
    private readonly text: string,
    private readonly sink: DiagnosticSink,
  ) {}

  read(node: Node | null, path: (string | number)[]): unknown {
    const ptr = pointer(path);
    if (node === null) return null;
    const span = rangeSpan(node);
    const prev = this.places.get(ptr);
    this.places.set(ptr, prev ? { ...prev, value: span } : { value: span });
    if (isAlias(node)) return this.refuseAlias(node.source, span, ptr);
    if (node.anchor) this.refuseAnchor(node.anchor, span);
    if (node.tag && node.tag !== '!' && !fitsTag(node)) return this.refuseTag(node.tag, span, ptr);
    if (isMap(node)) return this.readMap(node, path);
    if (isSeq(node)) return node.items.map((item, i) => this.read(item as Node | null, [...path, i]));
    if (isScalar(node)) return this.readScalar(node, span, ptr);
    this.sink.error('NN103', 'this YAML node is not supported in a spec', span);
    return this.drop(ptr);
  }

  private readMap(node: Node & { items: { key: unknown; value: unknown }[] }, path: (string | number)[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, Span>();
    const mapSpan = rangeSpan(node);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = this.keyText(keyNode, mapSpan);
      if (key === undefined) continue;
      const kSpan = keyNode === null ? mapSpan : rangeSpan(keyNode);
      if (FORBIDDEN_KEYS.has(key)) {
        this.sink.error('NN114', `'${key}' cannot be used as a key in a spec`, kSpan, `it names a built-in of JavaScript objects; rename the key`);
        this.unreadable.add(pointer(path)); // the mapping lost an entry: "inputs is empty" would be noise
        continue;
      }
      const first = seen.get(key);
      if (first) {
        this.sink.error('NN106', duplicateMessage(key, path, this.lineOf(first.start)), kSpan, 'remove one of the two entries, or rename one');
        continue;
      }
      seen.set(key, kSpan);
      const childPath = [...path, key];
      this.places.set(pointer(childPath), { key: kSpan, value: kSpan });
      const v = this.read(pair.value as Node | null, childPath);
      // defineProperty, not assignment: no key can reach a prototype, whatever it is named.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      if (pair.value === null) this.places.set(pointer(childPath), { key: kSpan, value: { start: kSpan.end, end: kSpan.end } });
    }
    return out;
  }

  /** The key as text, compared as written (so `1:` and `"1":` collide); undefined when refused. */
  private keyText(keyNode: Node | null, mapSpan: Span): string | undefined {
    if (keyNode === null || (isScalar(keyNode) && keyNode.value === null && !keyNode.source)) {
      const at = keyNode ? rangeSpan(keyNode) : mapSpan;
      this.sink.error('NN115', "an entry has no key before its ':'", { start: at.start, end: at.start + 1 }, 'write `key: value`');
      return undefined;
    }
    if (isAlias(keyNode) || keyNode.anchor) {
      this.sink.error('NN107', 'anchors and aliases are not allowed in a spec, on keys or values', this.propSpan(isAlias(keyNode) ? `*${keyNode.source}` : `&${keyNode.anchor}`, rangeSpan(keyNode)), 'write every key out in full');
      return undefined;
    }
    if (!isScalar(keyNode)) {
      this.sink.error('NN115', 'a key must be a plain name, not a list or mapping', rangeSpan(keyNode), 'write `name: value`');
      return undefined;
    }
    if (keyNode.type === Scalar.PLAIN && typeof keyNode.source === 'string') return keyNode.source;
    return String(keyNode.value);
  }

  private readScalar(node: Scalar, span: Span, ptr: string): unknown {
    const v = node.value;
    const written = node.source ?? String(v);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      this.sink.error('NN112', `${written} is not a finite number; a spec's numbers must be finite`, span, Number.isNaN(v) ? 'write the number you mean' : 'write the number you mean; 1e999 and .inf are infinite');
      return this.drop(ptr);
    }
    if ((typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) || typeof v === 'bigint') {
      this.sink.error('NN113', `${written} is larger than 2^53 (9007199254740992) and cannot be represented exactly`, span, 'no size or count in a spec is this large; check the number');
      return this.drop(ptr);
    }
    return v;
  }

  private refuseAlias(name: string, span: Span, ptr: string): null {
    // A billion-laughs file has thousands of aliases to a few anchors: one report per name.
    const count = (this.aliasesSeen.get(name) ?? 0) + 1;
    this.aliasesSeen.set(name, count);
    if (count === 1) this.sink.error('NN107', `aliases are not allowed in a spec (*${name})`, span, 'write the value out in full where the alias is');
    return this.drop(ptr);
  }

  /** yaml reports most bad tags itself (see reportYamlErrors); `!!set`, `!!binary` and the like it lets through. */
  private refuseTag(tag: string, nodeSpan: Span, ptr: string): null {
    let bang = this.text.lastIndexOf('!', nodeSpan.start);
    while (bang > 0 && !/[\s,[{]/.test(this.text[bang - 1]!)) bang--; // to the start of `!!set` or `!e!foo`
    const reported = this.sink.items.some((d) => d.code === 'NN108' && d.span.start === bang);
    if (!reported) {
      const source = bang >= 0 ? /^!\S*/.exec(this.text.slice(bang, bang + 200))![0] : tag;
      const at = bang >= 0 ? { start: bang, end: bang + source.length } : nodeSpan;
      this.sink.error('NN108', `YAML tags such as '${source}' are not allowed in a spec`, at, 'write the plain value without a tag');
    }
    return this.drop(ptr);
  }

  private refuseAnchor(name: string, nodeSpan: Span): void {
    this.sink.error('NN107', `anchors are not allowed in a spec (&${name})`, this.propSpan(`&${name}`, nodeSpan), 'remove the anchor; a spec reads the same as it is written');
  }

  /** A node's range starts after its anchor or tag; the property itself is just before it. */
  private propSpan(prop: string, nodeSpan: Span): Span {
    const at = this.text.lastIndexOf(prop, nodeSpan.start);
    return at >= 0 ? { start: at, end: at + prop.length } : { start: nodeSpan.start, end: nodeSpan.start + 1 };
  }

  private drop(ptr: string): null {
    this.unreadable.add(ptr);
    return null;
  }

  private lineOf(offset: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.position(offset).line;
  }
}

/** A node carrying a core tag must hold that kind of value (`!!int abc` does not). */
function fitsTag(node: Node): boolean {
  const m = CORE_TAG.exec(node.tag ?? '');
  if (!m) return false;
  const v = isScalar(node) ? node.value : undefined;
  switch (m[1]) {
    case 'str':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'null':
      return v === null && isScalar(node);
    case 'map':
      return isMap(node);
    default:
      return isSeq(node);
  }
}

function duplicateMessage(key: string, path: readonly (string | number)[], firstLine: number): string {
  if (path.length === 1 && path[0] === 'layers') return `layer '${key}' is defined twice (first on line ${firstLine}); every layer needs its own name`;
  if (path.length === 1 && path[0] === 'inputs') return `input '${key}' is declared twice (first on line ${firstLine}); every input needs its own name`;
  return `duplicate key '${key}' (first on line ${firstLine}); keys are compared as written, so 1 and "1" are the same key`;
}
