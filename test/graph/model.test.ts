/**
 * The diagram taken from the compiled graph (roles, types, shapes, shared layers, statuses,
 * diagnostics per node) and the escaping each format needs for names an invalid spec may hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDot } from '../../src/backends/graph/dot.js';
import { diagramOf } from '../../src/backends/graph/draw.js';
import { IdMaker } from '../../src/backends/graph/ids.js';
import { cells, labelLines, printable } from '../../src/backends/graph/label.js';
import { layout } from '../../src/backends/graph/layout.js';
import { renderMermaid, text } from '../../src/backends/graph/mermaid.js';
import type { DiagramNode } from '../../src/backends/graph/model.js';
import { renderSvg } from '../../src/backends/graph/svg.js';
import { xml } from '../../src/backends/graph/xml.js';
import { compileText, ROOT } from '../helpers.js';

const diagramFile = (path: string) => diagramOf(compileText(readFileSync(join(ROOT, path), 'utf8'), path))!;
const brief = (n: DiagramNode) => ({ name: n.name, role: n.role, type: n.type, shape: n.shape, status: n.status, output: n.output, group: n.group, shares: n.shares });

describe('the diagram of a compiled spec', () => {
  it('siamese_lstm: inputs, the two call sites of one LSTM in one group, the output', () => {
    const d = diagramFile('specs/siamese_lstm.yaml');
    expect(d.name).toBe('siamese_lstm');
    expect(d.nodes.map(brief)).toEqual([
      { name: 'left_input', role: 'input', type: 'InputLayer', shape: '(None, None, 128)', status: 'ok', output: false, group: undefined, shares: undefined },
      { name: 'right_input', role: 'input', type: 'InputLayer', shape: '(None, None, 128)', status: 'ok', output: false, group: undefined, shares: undefined },
      { name: 'left_encoded', role: 'layer', type: 'LSTM', shape: '(None, 32)', status: 'ok', output: false, group: 0, shares: undefined },
      { name: 'right_encoded', role: 'layer', type: 'LSTM', shape: '(None, 32)', status: 'ok', output: false, group: 0, shares: 'left_encoded' },
      { name: 'merged', role: 'layer', type: 'Concatenate', shape: '(None, 64)', status: 'ok', output: false, group: undefined, shares: undefined },
      { name: 'predictions', role: 'layer', type: 'Dense', shape: '(None, 1)', status: 'ok', output: true, group: undefined, shares: undefined },
    ]);
    expect(d.edges).toEqual([
      { from: 'n_left_input', to: 'n_left_encoded', missing: false },
      { from: 'n_right_input', to: 'n_right_encoded', missing: false },
      { from: 'n_left_encoded', to: 'n_merged', missing: false },
      { from: 'n_right_encoded', to: 'n_merged', missing: false },
      { from: 'n_merged', to: 'n_predictions', missing: false },
    ]);
    expect(d.shares).toEqual([{ from: 'n_left_encoded', to: 'n_right_encoded', layer: 'left_encoded' }]);
    expect(d.errors).toBe(0);
    expect(d.notes).toEqual([]);
  });

  it('labels: name, type (with shares and output), shape with a non-float dtype', () => {
    const qa = diagramFile('specs/question_answering.yaml');
    expect(labelLines(qa.nodes[0]!)).toEqual([{ text: 'text', bold: true }, { text: 'InputLayer' }, { text: '(None, None) int32' }]);
    expect(labelLines(qa.nodes.find((n) => n.name === 'answer')!).map((l) => l.text)).toEqual(['answer', 'Dense · output', '(None, 500)']);
    const siamese = diagramFile('specs/siamese_lstm.yaml');
    expect(labelLines(siamese.nodes[3]!).map((l) => l.text)).toEqual(['right_encoded', 'LSTM · shares left_encoded', '(None, 32)']);
  });

  it('a failed layer carries its diagnostic; what depends on it is skipped, not failed', () => {
    const d = diagramFile('test/fixtures/chapter/conv_without_kernel_size.yaml');
    const residual = d.nodes.find((n) => n.name === 'residual')!;
    expect(residual.status).toBe('error');
    expect(residual.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'NN201', message: "Conv2D layer 'residual' is missing required key 'kernel_size'" })]);
    expect(residual.shape).toBeUndefined();
    const added = d.nodes.find((n) => n.name === 'added')!;
    expect(added.status).toBe('skipped');
    expect(added.problems).toEqual([]);
    expect(labelLines(added).map((l) => l.text)).toEqual(['added', 'Add · output', '? (an input failed)']);
    expect(d.nodes.find((n) => n.name === 'pooled')!.status).toBe('ok');
    expect(d.errors).toBe(1);
  });

  it('a warning marks its layer without failing it', () => {
    const d = diagramFile('test/fixtures/invalid/unused_layer.yaml');
    const probe = d.nodes.find((n) => n.name === 'probe')!;
    expect(probe.status).toBe('warning');
    expect(probe.shape).toBe('(None, 4)');
    expect(probe.problems.map((p) => p.code)).toEqual(['NN605']);
    expect(d.errors).toBe(0);
  });

  it('problems of no single node become notes', () => {
    const d = diagramFile('test/fixtures/invalid/duplicate_layer.yaml');
    expect(d.notes).toEqual(["error NN106: layer 'hidden' is defined twice (first on line 7); every layer needs its own name"]);
    expect(d.errors).toBe(1);
  });

  it('every diagnostic goes to the entry it sits in, block or flow style, in any order', () => {
    const layers = Array.from({ length: 30 }, (_, i) => (i % 2 ? `  l${i}: {type: Dense, unit: ${i + 1}, inputs: x}` : `  l${i}:\n    type: Dense\n    inputs: x\n    unit: ${i + 1}`));
    const spec = `nnspec: 1\nname: t\ninputs:\n  x: {shape: [4]}\nlayers:\n${layers.reverse().join('\n')}\noutputs: [l0]\n`;
    const d = diagramOf(compileText(spec))!;
    for (let i = 0; i < 30; i++) {
      const node = d.nodes.find((n) => n.name === `l${i}`)!;
      expect(node.status).toBe('error');
      expect(node.problems.map((p) => p.message)).toContain(`unknown key 'unit' in Dense layer 'l${i}'; did you mean 'units'?`);
      expect(node.problems.every((p) => p.message.includes(`'l${i}'`))).toBe(true);
    }
    expect(d.nodes.find((n) => n.name === 'x')!.problems).toEqual([]);
  });

  it('an undefined input name becomes a node of its own, with a broken edge', () => {
    const d = diagramFile('test/fixtures/chapter/undefined_input.yaml');
    const missing = d.nodes.find((n) => n.role === 'missing')!;
    expect(brief(missing)).toMatchObject({ name: 'input_posts', status: 'error', output: false });
    expect(d.edges.filter((e) => e.missing)).toEqual([{ from: missing.id, to: 'n_embedded_posts', missing: true }]);
  });
});

describe('names an invalid spec can hold', () => {
  const spec = [
    'nnspec: 1',
    'name: "we<ird> & \\"name\\""',
    'inputs:',
    '  "x<1>&\\"#end": {shape: [8]}',
    'layers:',
    '  "end": {type: Dense, units: 8}',
    '  "o-x `b` \\\\n": {type: Dense, units: 8}',
    '  "a\\nb\\u202ec": {type: Dense, units: 8}',
    '  "a b": {type: Dense, units: 8}',
    '  "a_b": {type: Dense, units: 8}',
    'outputs: ["a_b"]',
    '',
  ].join('\n');
  const d = diagramOf(compileText(spec))!;

  it('ids are prefixed, [A-Za-z0-9_] only, and unique', () => {
    expect(d.nodes.map((n) => n.id)).toEqual(['n_x_1____end', 'n_end', 'n_o_x__b___n', 'n_a_b_c', 'n_a_b', 'n_a_b_2']);
    const ids = new IdMaker();
    expect([ids.make('n_', 'a.b'), ids.make('n_', 'a-b'), ids.make('n_', 'a_b')]).toEqual(['n_a_b', 'n_a_b_2', 'n_a_b_3']);
  });

  it('control and bidi characters are shown, not obeyed', () => {
    expect(labelLines(d.nodes[3]!)[0]!.text).toBe('a\\nb\\u202ec');
    expect(printable('a\tb\u0000')).toBe('a\\tb\\u0000');
  });

  it('SVG text and attributes are escaped', () => {
    expect(xml(`<a href="x">&'\u0001`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;'\ufffd");
    expect(xml('\ud800x')).toBe('\ufffdx');
  });

  it('Mermaid labels hold no character Mermaid reads as syntax', () => {
    expect(text('a#b&c"d<e>f`g\\h')).toBe('a#35;b#amp;c#quot;d#lt;e#gt;f#96;g#92;h');
    const m = renderMermaid(d);
    expect(m.startsWith('flowchart TD\n')).toBe(true); // no title: the name is not plain
    for (const line of m.split('\n').filter((l) => /^\s+n_/.test(l) && l.includes('["'))) {
      const label = /\["(.*)"\]/.exec(line)![1]!.replace(/<br\/>/g, '');
      expect(label).not.toMatch(/["<>`\\]|&(?!#)/);
    }
    expect(m).toContain('  n_x_1____end(["x#lt;1#gt;#amp;#quot;#35;end<br/>InputLayer<br/>(None, 8)"]):::error\n');
  });

  it('DOT strings escape quotes and backslashes', () => {
    const dot = renderDot(d);
    expect(dot).toContain('digraph "we<ird> & \\"name\\"" {');
    expect(dot).toContain('"n_o_x__b___n" [label="o-x `b` \\\\n\\nDense\\n(None, 8)"');
    expect(dot.split('\n').every((l) => (l.match(/(?<!\\)"/g)?.length ?? 0) % 2 === 0)).toBe(true);
  });

  it('the SVG escapes every name', async () => {
    const svg = renderSvg(d, await layout(d));
    expect(svg).toContain('data-name="x&lt;1&gt;&amp;&quot;#end"');
    expect(svg).toContain('<title>we&lt;ird&gt; &amp; &quot;name&quot;</title>');
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
  });

  it('wide characters count two cells, combining marks none', () => {
    expect(cells('abc')).toBe(3);
    expect(cells('名前')).toBe(4);
    expect(cells('e\u0301')).toBe(1);
  });
});
