/**
 * Bytes → a plain value with the source place of every node. Everything YAML allows but a
 * spec must not contain (aliases, tags, duplicate keys, NaN, ...) is reported here, located.
 *
 * Order matters: the bytes are checked before decoding, nesting depth before yaml's Composer
 * (which recurses), and syntax before values. A value reported here is replaced by null and
 * listed in `unreadable`, so the schema pass does not report it a second time.
 */
import { Composer, CST, isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { firstInvalidUtf8, MAX_SPEC_BYTES, TOO_LARGE_HINT, tooLargeMessage, utf8Hint } from './bytes.js';
import { MAX_DEPTH, readCst } from './cst.js';
import type { SpecDocument } from './document.js';
import { describeYamlError } from './syntax.js';
import { rangeSpan, ValueReader } from './values.js';

export { MAX_DEPTH } from './cst.js';

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

