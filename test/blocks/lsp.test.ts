/** The language server on a format 2 spec: no crash anywhere, hover and inlay shapes for block uses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/lsp/analysis.js';
import { complete } from '../../src/lsp/completion.js';
import { hover } from '../../src/lsp/hover.js';
import { inlayHints } from '../../src/lsp/inlay.js';
import { definition, references } from '../../src/lsp/navigation.js';
import { Positions } from '../../src/lsp/positions.js';
import { ROOT } from '../helpers.js';

const FILE = join(ROOT, 'specs/resnet50.yaml');
const text = readFileSync(FILE, 'utf8');

describe('lsp on specs/resnet50.yaml', () => {
  const a = analyze('file://' + FILE, 1, text, FILE);
  const pos = new Positions(text);
  const lines = text.split('\n');
  const lineOf = (s: string) => lines.findIndex((l) => l.startsWith(s));

  it('puts a shape and parameter count on each use\'s line, none on the blocks\' shared lines', () => {
    const hints = inlayHints(a, pos, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } });
    const at = (s: string) => hints.filter((h) => h.position.line === lineOf(s)).map((h) => h.label);
    expect(at('  conv2_block1:')).toEqual(['→ (None, 56, 56, 256) · 76,928 params']);
    expect(at('  conv4_block2:')).toEqual(['→ (None, 14, 14, 1024) · 5,608,960 params · ×5']);
    expect(at('      1_conv:')).toEqual([]);
    expect(at('  predictions:')).toEqual(['→ (None, 1000) · 2,049,000 params']);
  });

  it('hover on a use names its block, parameters, instances and output', () => {
    const line = lineOf('  conv3_block2:');
    const h = hover(a, pos, pos.offset({ line, character: 4 }));
    expect(JSON.stringify(h)).toContain('**conv3_block2** — block `identity_block`(filters=128, out=512)');
    expect(JSON.stringify(h)).toContain('3 instances: `conv3_block2`, `conv3_block3`, `conv3_block4`');
  });

  it('every offset of the file answers hover, definition, references and completion without throwing', () => {
    for (let offset = 0; offset < text.length; offset += 13) {
      hover(a, pos, offset);
      definition(a, pos, offset);
      references(a, pos, offset, true);
      complete(a, text, offset);
    }
  });
});

describe('completion in a format 2 spec', () => {
  const a = analyze('file://' + FILE, 1, text, FILE);
  it('offers the blocks after block: and the enclosing block\'s parameters after $', () => {
    const use = text.indexOf('{block: conv_block') + '{block: '.length;
    expect(complete(a, text, use).map((c) => c.label)).toEqual(['conv_block', 'identity_block']);
    const ref = text.indexOf('filters: $filters, kernel_size: 3') + 'filters: $'.length;
    expect(complete(a, text, ref).map((c) => c.label)).toEqual(['$filters', '$out', '$stride']);
    const inIdentity = text.indexOf('filters: $out, kernel_size: 1}', text.indexOf('identity_block:')) + 'filters: $'.length;
    expect(complete(a, text, inIdentity).map((c) => c.label)).toEqual(['$filters', '$out']);
  });
});
