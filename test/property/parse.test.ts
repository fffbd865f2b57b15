/**
 * Properties of the parser (src/spec/parse.ts) over generated input, with fast-check: any YAML
 * mapping, written in any of yaml's styles, parses without a throw, back to the same value, with
 * every recorded place inside the text; arbitrary text never throws and every diagnostic's span
 * lies inside the text. A failure prints the shrunk counterexample and the seed to replay it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { parse as yamlParse, stringify } from 'yaml';
import { DiagnosticSink, type Span } from '../../src/diagnostics/diagnostic.js';
import { parseSpec } from '../../src/spec/parse.js';
import { compile } from '../../src/compiler/compile.js';

const inside = (span: Span, text: string) => span.start >= 0 && span.start <= span.end && span.end <= text.length;

// A spec refuses these keys (NN114), whatever they hold.
const key = fc.string({ maxLength: 12 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));

/** JSON-like values: what a spec is made of (YAML's core schema has no NaN in a spec, no -0 distinction that matters). */
const value = fc.letrec((tie) => ({
  scalar: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    // Numbers a spec can hold: the parser refuses integers beyond 2^53 (NN113).
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }).filter((d) => !Object.is(d, -0)),
    fc.string(),
    fc.constantFrom('yes', 'no', 'on', '~', 'null', 'true', '0x1F', '0o17', '1e3', '.inf', '-', '- a', 'a: b', '#x', '"', "'", '{', '[', '&a', '*a', '!t', '%', '@', '`'),
  ),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
}));
const mapping = fc.dictionary(key, value.node, { minKeys: 1, maxKeys: 6 });

/** yaml's writer options that change the text but not the value. */
const style = fc.record({
  indent: fc.integer({ min: 1, max: 6 }),
  flow: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  crlf: fc.boolean(),
});

describe('the parser on any YAML mapping', () => {
  it('never throws, reads the same value back, and places every value inside the text', () => {
    fc.assert(
      fc.property(mapping, style, (v, s) => {
        let text = stringify(v, { indent: s.indent, lineWidth: s.lineWidth, defaultStringType: s.defaultStringType as never, defaultKeyType: s.defaultKeyType as never, collectionStyle: s.flow ? 'flow' : 'any' });
        if (s.crlf) text = text.replace(/\n/g, '\r\n');
        // yaml's writer loses a whitespace-only string in a block scalar; such texts say something else.
        fc.pre(isDeepStrictEqual(yamlParse(text), v));
        const sink = new DiagnosticSink();
        const { doc } = parseSpec(text, 'spec.yaml', sink);
        for (const d of sink.items) expect(inside(d.span, text), `${d.code} ${d.message}`).toBe(true);
        // A crlf-converted block scalar keeps its line breaks as \n, as YAML says; the rest is exact.
        if (s.crlf) return;
        expect(sink.items).toEqual([]);
        expect(doc!.value).toEqual(v);
        for (const [ptr, place] of doc!.places) {
          expect(inside(place.value, text), ptr).toBe(true);
          if (place.key) expect(inside(place.key, text), ptr).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the parser on any text', () => {
  it('never throws, and every diagnostic points inside the text', () => {
    const yamlish = fc.array(fc.constantFrom('a', ':', ' ', '\n', '-', '[', ']', '{', '}', ',', '"', "'", '#', '&a', '*a', '!', '|', '>', '?', '%', '@', '\t', '\r', '\0', '\u00e9', '\ufeff', '---', '...', 'nnspec: 1\n'), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), yamlish), (text) => {
        const sink = new DiagnosticSink();
        const { text: read } = parseSpec(text, 'spec.yaml', sink);
        for (const d of sink.items) expect(inside(d.span, read), `${d.code} ${d.message}`).toBe(true);
      }),
      { numRuns: 1000, examples: [['nnspec: 1\n&a']] },
    );
  });

  it('places an error yaml reports at the very end of the input at the end, not past it', () => {
    const sink = new DiagnosticSink();
    parseSpec('a: 1\n&b', 'spec.yaml', sink);
    expect(sink.items.map((d) => [d.code, d.span])).toEqual([['NN103', { start: 7, end: 7 }]]);
  });

  it('any bytes: compile never throws, and every diagnostic has a line and column inside the text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const result = compile(bytes, 'spec.yaml');
        const lines = result.text.split(/\r\n|\r|\n/);
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
