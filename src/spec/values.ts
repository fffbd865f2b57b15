/**
 * yaml's composed nodes → plain JSON-like values, with the source place of every key and
 * value. What YAML allows but a spec must not hold (aliases, anchors, tags, duplicate and
 * prototype keys, NaN, integers beyond 2^53) is reported here, and the value replaced by null.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { DiagnosticSink, Span } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/lines.js';
import { pointer, type Place } from './document.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CORE_TAG = /^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/;

export function rangeSpan(node: Node): Span {
  const r = node.range ?? [0, 0, 0];
  return { start: r[0], end: Math.max(r[1], r[0]) };
}

/** Walks the composed document into plain values, recording places and refusing what a spec must not hold. */
export class ValueReader {
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
        this.sink.error('NN106', duplicateMessage(key, path, this.lineOf(first.start)), kSpan, 'remove one of the two entries, or rename one', [{ span: first, message: 'first defined here' }]);
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
      this.sink.error('NN115', "an entry has no key before its ':'", { start: at.start, end: Math.min(at.start + 1, this.text.length) }, 'write `key: value`');
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
