/**
 * The parse pass on its own: places of keys and values, keys as text, the UTF-8 check, the
 * nesting guard, and yaml's syntax errors restated at the token at fault.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../src/diagnostics/diagnostic.js';
import { LineIndex } from '../src/diagnostics/lines.js';
import { firstInvalidUtf8 } from '../src/spec/bytes.js';
import { MAX_DEPTH, readCst } from '../src/spec/cst.js';
import { keySpan, valueSpan } from '../src/spec/document.js';
import { parseSpec, unreadable } from '../src/spec/parse.js';
import { brief } from './helpers.js';

function parse(text: string | Uint8Array) {
  const sink = new DiagnosticSink();
  const result = parseSpec(text, 'spec.yaml', sink);
  return { ...result, sink };
}

const at = (text: string, offset: number) => {
  const p = new LineIndex(text).position(offset);
  return `${p.line}:${p.column}`;
};

describe('values and their places', () => {
  const text = 'nnspec: 1\nname: t\nlayers:\n  d: {type: Dense, units: 2}\n  e:\n    type: Dense\n    units: [1, 2]\n';
  const { doc, sink } = parse(text);

  it('reads plain values', () => {
    expect(sink.items).toEqual([]);
    expect(doc!.value).toEqual({ nnspec: 1, name: 't', layers: { d: { type: 'Dense', units: 2 }, e: { type: 'Dense', units: [1, 2] } } });
  });

  it('records where every key and value is, by JSON pointer', () => {
    expect(at(text, keySpan(doc!, '/layers/d').start)).toBe('4:3');
    expect(at(text, valueSpan(doc!, '/layers/d/units').start)).toBe('4:27');
    expect(at(text, keySpan(doc!, '/layers/e/units').start)).toBe('7:5');
    expect(at(text, valueSpan(doc!, '/layers/e/units/1').start)).toBe('7:16');
  });

  it('falls back to the nearest place that exists', () => {
    expect(at(text, keySpan(doc!, '/layers/d/activation').start)).toBe('4:3');
  });

  it('builds plain objects with own properties only', () => {
    const layers = (doc!.value as { layers: object }).layers;
    expect(Object.getPrototypeOf(layers)).toBe(Object.prototype);
    expect(Object.keys(layers)).toEqual(['d', 'e']);
  });
});

describe('keys', () => {
  it('are compared as written', () => {
    const { doc, sink } = parse('1.0: a\ntrue: b\n0x10: c\n"1": d\n');
    expect(sink.items).toEqual([]);
    // (JavaScript lists integer-like keys first; names in a spec cannot start with a digit.)
    expect(Object.keys(doc!.value as object).sort()).toEqual(['0x10', '1', '1.0', 'true']);
  });

  it.each([
    ['an entry without a key', 'nnspec: 1\n: x\n', ['NN115', '2:1', "an entry has no key before its ':'"]],
    ['a list as a key', 'nnspec: 1\n[a, b]: x\n', ['NN115', '2:1', 'a key must be a plain name, not a list or mapping']],
    ['an anchored key', 'nnspec: 1\n&k name: t\n', ['NN107', '2:1', 'anchors and aliases are not allowed in a spec, on keys or values']],
  ])('refuses %s', (_, text, [code, where, message]) => {
    expect(brief(text)).toContainEqual({ code, at: where, message, severity: 'error' });
  });

  it('keeps the first of two duplicates', () => {
    const { doc } = parse('a: 1\na: 2\n');
    expect(doc!.value).toEqual({ a: 1 });
  });
});

describe('values the parser refuses become null and are remembered', () => {
  it.each([
    ['an alias', 'a: &x 1\nb: *x\n', '/b'],
    ['.nan', 'a: .nan\n', '/a'],
    ['a big integer', 'a: 123456789012345678901\n', '/a'],
    ['a custom tag', 'a: !foo 1\n', '/a'],
  ])('%s', (_, text, ptr) => {
    const { doc } = parse(text);
    expect((doc!.value as Record<string, unknown>)[ptr.slice(1)]).toBeNull();
    expect(unreadable(doc!).has(ptr)).toBe(true);
  });
});

describe('the UTF-8 check', () => {
  it.each([
    ['ASCII', [0x61, 0x62], undefined],
    ['2-, 3- and 4-byte characters', [...Buffer.from('é€😀')], undefined],
    ['U+10FFFF, the last code point', [0xf4, 0x8f, 0xbf, 0xbf], undefined],
    ['a lone continuation byte', [0x61, 0x80], { offset: 1, bytes: '0x80', reason: 'is a continuation byte with no lead byte before it' }],
    ['C0 (always overlong)', [0xc0, 0xaf], { offset: 0, bytes: '0xC0 0xAF', reason: 'is an overlong encoding (a character written with more bytes than it needs)' }],
    ['an overlong 3-byte sequence', [0xe0, 0x80, 0xaf], { offset: 0, bytes: '0xE0 0x80 0xAF', reason: 'is an overlong encoding (a character written with more bytes than it needs)' }],
    ['an overlong 4-byte sequence', [0xf0, 0x80, 0x80, 0xaf], { offset: 0, bytes: '0xF0 0x80 0x80 0xAF', reason: 'is an overlong encoding (a character written with more bytes than it needs)' }],
    ['a high surrogate', [0xed, 0xa0, 0x80], { offset: 0, bytes: '0xED 0xA0 0x80', reason: 'encodes the UTF-16 surrogate U+D800, which UTF-8 forbids' }],
    ['a low surrogate', [0xed, 0xbf, 0xbf], { offset: 0, bytes: '0xED 0xBF 0xBF', reason: 'encodes the UTF-16 surrogate U+DFFF, which UTF-8 forbids' }],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], { offset: 0, bytes: '0xF4 0x90 0x80 0x80', reason: 'encodes a code point beyond U+10FFFF' }],
    ['0xF5', [0xf5, 0x80, 0x80, 0x80], { offset: 0, bytes: '0xF5', reason: 'never appears in UTF-8' }],
    ['a sequence cut short by the end of the file', [0x61, 0xe2, 0x82], { offset: 1, bytes: '0xE2 0x82', reason: 'starts a 3-byte sequence that is cut short' }],
    ['a sequence cut short by ASCII', [0xe2, 0x82, 0x41], { offset: 0, bytes: '0xE2 0x82', reason: 'starts a 3-byte sequence that is cut short' }],
  ])('%s', (_, bytes, expected) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toEqual(expected);
  });

  it('locates the fault in the decoded text, after a byte order mark', () => {
    const { sink } = parse(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('a: "'), 0xff, 0x22, 0x0a]));
    expect(sink.items[0]).toMatchObject({ code: 'NN101', span: { start: 4, end: 5 } });
  });
});

describe('the nesting guard', () => {
  const nestedFlow = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const nestedBlock = (n: number) => `${'- '.repeat(n)}x\n`;

  it(`lets ${MAX_DEPTH} levels through and stops at the next`, () => {
    expect(readCst(nestedFlow(MAX_DEPTH))).toHaveProperty('tokens');
    expect(readCst(nestedFlow(MAX_DEPTH + 1))).toEqual({ tooDeepAt: MAX_DEPTH });
    expect(readCst(nestedBlock(MAX_DEPTH))).toHaveProperty('tokens');
    expect(readCst(nestedBlock(MAX_DEPTH + 1))).toEqual({ tooDeepAt: 2 * MAX_DEPTH });
  });

  it('counts flow and block levels together', () => {
    expect(readCst(`a:\n  ${nestedFlow(MAX_DEPTH - 1)}\n`)).toHaveProperty('tokens');
    expect(readCst(`a:\n  b: ${nestedFlow(MAX_DEPTH - 1)}\n`)).toEqual({ tooDeepAt: 8 + MAX_DEPTH - 2 });
  });

  it('ignores brackets in strings, comments and block scalars', () => {
    expect(readCst(`a: "${'['.repeat(1000)}"\n# ${'['.repeat(1000)}\nb: |\n  ${'['.repeat(1000)}\n`)).toHaveProperty('tokens');
  });

  it('walks a 20,000-deep CST without recursion (a stack overflow would throw here)', () => {
    expect(() => readCst(nestedBlock(20_000))).not.toThrow();
  });
});

describe("yaml's syntax errors, at the token at fault and in the author's terms", () => {
  const e = (where: string, message: string) => ({ code: 'NN103', at: where, message, severity: 'error' });
  it.each([
    ['an unclosed single quote, at the quote (yaml: end of file)', "nnspec: 1\nname: 'abc\ninputs: {}\n", e('2:7', "this '-quoted string is never closed; expected a closing '")],
    ['an unclosed double quote', 'nnspec: 1\nname: "abc\ninputs: {}\n', e('2:7', 'this "-quoted string is never closed; expected a closing "')],
    ['an unclosed `[`, at the bracket (yaml: at the `}`)', 'nnspec: 1\nname: t\ninputs:\n  x: {shape: [4}\nlayers: {}\n', e('4:14', "this '[' is never closed; expected ']'")],
    ['an unclosed `{`, at the brace (yaml: the next line)', 'nnspec: 1\nname: t\ninputs:\n  x: {shape: [4]\nlayers: {}\n', e('4:6', "this '{' is never closed; expected '}'")],
    ['a key out of line, at the key (yaml: column 1)', 'nnspec: 1\nname: t\ninputs:\n  x:\n    shape: [4]\n   dtype: int32\n', e('6:4', 'this key is not lined up with the other keys of its mapping')],
    ['a list item out of line', 'nnspec: 1\noutputs:\n  - a\n - b\n', e('4:2', "this '- ' item is not lined up with the other items of its list")],
    ['a missing colon', 'nnspec: 1\nname t\ninputs: {}\n', e('2:1', "missing ': ' after 'name t', so YAML reads it and the next line as one key")],
    ['a colon without a space', 'nnspec:1\nname: t\n', e('1:1', "missing ': ' after 'nnspec:1', so YAML reads it and the next line as one key")],
    ['a key without a value', 'nnspec: 1\nname\n', e('2:1', "'name' has no ':' and value after it")],
    ['a block item inside brackets', 'nnspec: 1\noutputs: [a, - b]\n', e('2:14', "a '- ' list item cannot appear inside [ ] or { }")],
    ['`key: value` as the value of a key', 'nnspec: 1\nname: a: b\n', e('2:7', 'a `key: value` pair cannot be the value of another key on the same line')],
    ['a reserved character', 'nnspec: 1\nname: @model\n', e('2:7', "a plain value cannot start with '@'")],
    ['a bad escape', 'nnspec: 1\nname: "a\\qb"\n', e('2:9', 'invalid escape sequence in a double-quoted string: \\q')],
    ['a stray `]`', 'nnspec: 1\n]\n', e('2:1', "unexpected ']' with no '[' to close")],
    ['a comment without a space', 'nnspec: 1\nname: "t"# note\n', e('2:10', "a comment needs a space before its '#'")],
    ['a directive without `---`', '%YAML 1.2\nnnspec: 1\n', e('2:1', "a '%' directive line must be followed by a '---' line")],
  ])('%s', (_, text, expected) => {
    expect(brief(text)).toEqual([expected]);
  });

  it('reports only the first syntax error: the rest is guesswork', () => {
    expect(brief('nnspec: 1\nname: t\ninputs:\n  x: {shape: [4}\n  y: {shape: [5}\n')).toHaveLength(1);
  });

  it('an unsupported YAML version is reported, and the spec still read', () => {
    expect(brief('%YAML 1.3\n---\nnnspec: 1\n').map((d) => d.code)).toEqual(['NN103', 'NN201']);
  });
});
