/**
 * `nnspec graph` as a command line: every format on every seed spec (golden DOT and Mermaid,
 * structural checks of the SVG against the compiled graph), --out, usage errors (exit 2), and
 * an invalid spec, which exits 1 and is still drawn.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { formatShape } from '../../src/layers/shape.js';
import { ROOT, runCli } from '../helpers.js';

const seeds = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-graph-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The opening and closing tags balance (the text is escaped, so every '<' starts a tag). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, tag, selfClosing] = m;
    if (selfClosing) continue;
    if (!close) stack.push(tag!);
    else if (stack.pop() !== tag) return false;
  }
  return stack.length === 0 && !/&(?!(amp|lt|gt|quot);)/.test(svg);
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** Each box of the SVG: its classes, name and label lines. */
function boxes(svg: string) {
  return [...svg.matchAll(/<g class="(node [^"]*)" id="([^"]+)" data-name="([^"]*)">([\s\S]*?)<\/g>/g)].map((m) => ({
    classes: m[1]!.split(' '),
    id: m[2]!,
    name: unescape(m[3]!),
    lines: [...m[4]!.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((t) => unescape(t[1]!)),
  }));
}

describe('nnspec graph on the seed specs', () => {
  for (const spec of seeds) {
    const base = spec.replace('.yaml', '');
    for (const format of ['dot', 'mermaid'] as const) {
      it(`matches the golden ${format} of ${spec}`, async () => {
        const r = await runCli(['graph', `specs/${spec}`, '--format', format]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        await expect(r.stdout).toMatchFileSnapshot(`../golden/graph/${base}.${format === 'dot' ? 'dot' : 'mmd'}`);
      });
    }

    it(`draws ${spec} as SVG: one box per node with its name, type and shape, one path per connection`, async () => {
      const r = await runCli(['graph', `specs/${spec}`, '--format', 'svg']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const svg = r.stdout;
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
      expect(svg.endsWith('</svg>\n')).toBe(true);
      expect(wellFormed(svg)).toBe(true);
      const [, w, h, vw, vh] = /^<svg [^>]*width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
      expect(Number(w)).toBeGreaterThan(0);
      expect(Number(h)).toBeGreaterThan(0);
      expect([vw, vh]).toEqual([w, h]);

      const { graph } = compile(readFileSync(join(ROOT, 'specs', spec)), spec);
      const drawn = boxes(svg);
      expect(drawn.map((b) => b.name)).toEqual(graph!.order.map((n) => n.name));
      for (const node of graph!.order) {
        const box = drawn.find((b) => b.name === node.name)!;
        const type = node.layer ? node.layer.kind.type : 'InputLayer';
        expect(box.lines[0]).toBe(node.name);
        expect(box.lines[1]!.startsWith(type)).toBe(true);
        expect(box.lines[2]!.startsWith(formatShape(node.output!.shape))).toBe(true);
        expect(box.classes.includes('input')).toBe(graph!.inputs.includes(node));
        expect(box.classes.includes('output')).toBe(graph!.outputs.includes(node.name));
        expect(box.classes).toContain('ok');
      }
      const connections = graph!.order.reduce((n, node) => n + node.inputs.length, 0);
      expect(svg.match(/<path class="edge"/g)?.length ?? 0).toBe(connections);
      expect(svg).not.toContain('class="edge missing"');
    });
  }

  it('shows the shared LSTM of the siamese model as one layer at two sites: same colour, "shares", a dashed link', async () => {
    const svg = (await runCli(['graph', 'specs/siamese_lstm.yaml'])).stdout;
    const [left, right] = ['left_encoded', 'right_encoded'].map((n) => boxes(svg).find((b) => b.name === n)!);
    expect(left!.classes).toContain('shared');
    expect(right!.classes).toContain('shared');
    expect(right!.lines[1]).toBe('LSTM · shares left_encoded');
    const fill = (id: string) => new RegExp(`id="${id}"[^]*?<rect [^>]*fill="([^"]+)" stroke="([^"]+)"`).exec(svg)!.slice(1);
    expect(fill(left!.id)).toEqual(fill(right!.id));
    expect(svg.match(/<path class="share" /g)).toHaveLength(1);
    expect(svg).toContain("'right_encoded' shares the layer 'left_encoded' (one set of weights)");

    const dot = (await runCli(['graph', 'specs/siamese_lstm.yaml', '-f', 'dot'])).stdout;
    expect(dot).toContain('"n_left_encoded" -> "n_right_encoded" [style=dashed, dir=none, constraint=false');
    const mermaid = (await runCli(['graph', 'specs/siamese_lstm.yaml', '-f', 'mermaid'])).stdout;
    expect(mermaid).toMatch(/subgraph shared_0\["LSTM left_encoded: one layer, 2 call sites"\]\n {4}n_left_encoded\[.*\n {4}n_right_encoded\[/);
  });

  it('the README picture docs/images/inception_module.svg is what `nnspec graph` draws now', async () => {
    const r = await runCli(['graph', 'specs/inception_module.yaml']);
    expect(readFileSync(join(ROOT, 'docs/images/inception_module.svg'), 'utf8')).toBe(r.stdout);
  });
});

describe('--out and --format', () => {
  it('--out writes the picture to the file and nothing to stdout', async () => {
    const out = join(dir, 'model.svg');
    const r = await runCli(['graph', 'specs/residual_block.yaml', '--out', out]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(out, 'utf8')).toBe((await runCli(['graph', 'specs/residual_block.yaml'])).stdout);
  });

  it("takes the format from --out's extension unless --format is given", async () => {
    const cases: [string, string[], string][] = [
      ['m.dot', [], 'digraph '],
      ['m.gv', [], 'digraph '],
      ['m.mmd', [], '---\ntitle: residual_block\n---\nflowchart TD\n'],
      ['m.txt', [], '<svg '],
      ['m2.dot', ['--format', 'mermaid'], '---\ntitle: residual_block'],
    ];
    for (const [file, flags, start] of cases) {
      const r = await runCli(['graph', 'specs/residual_block.yaml', '-o', join(dir, file), ...flags]);
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, file), 'utf8').startsWith(start)).toBe(true);
    }
  });

  it('usage errors exit 2 with one line naming the help', async () => {
    const cases: [string[], string][] = [
      [['graph', 'specs/residual_block.yaml', '--format', 'png'], "nnspec: error[NN003]: unknown --format 'png'; expected svg, dot or mermaid (see `nnspec graph --help`)\n"],
      [['graph', 'no/such.yaml'], "nnspec: error[NN004]: cannot read 'no/such.yaml': no such file (see `nnspec graph --help`)\n"],
      [['graph'], "nnspec: error[NN002]: missing required argument 'spec' (see `nnspec graph --help`)\n"],
      [['graph', 'specs/residual_block.yaml', '--colour'], "nnspec: error[NN001]: unknown option '--colour' (see `nnspec graph --help`)\n"],
      [['graph', 'specs/residual_block.yaml', '--out', join(ROOT, 'no/such/dir/x.svg')], `nnspec: error[NN004]: cannot write '${join(ROOT, 'no/such/dir/x.svg')}': no such directory (see \`nnspec graph --help\`)\n`],
      [['graph', 'specs/residual_block.yaml', '--out', 'specs'], "nnspec: error[NN007]: cannot write 'specs': it is a directory (see `nnspec graph --help`)\n"],
      [['graph', 'specs'], "nnspec: error[NN007]: cannot read 'specs': it is a directory (see `nnspec graph --help`)\n"],
    ];
    for (const [argv, stderr] of cases) expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('an invalid spec', () => {
  it('exits 1, prints its diagnostics and still draws what resolved, the undefined input in red', async () => {
    const r = await runCli(['graph', 'test/fixtures/chapter/undefined_input.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[NN300]: layer 'embedded_posts' takes input 'input_posts'");
    const drawn = boxes(r.stdout);
    expect(drawn.map((b) => [b.name, b.classes.slice(1).join(' ')])).toEqual([
      ['posts', 'input ok'],
      ['embedded_posts', 'layer error'],
      ['pooled', 'layer skipped'],
      ['age', 'layer output skipped'],
      ['input_posts', 'missing error'],
    ]);
    expect(drawn.find((b) => b.name === 'input_posts')!.lines).toEqual(['input_posts', 'not defined']);
    expect(drawn.find((b) => b.name === 'embedded_posts')!.lines[2]).toBe('error NN300');
    expect(r.stdout).toContain(`<path class="edge missing" `);
    expect(r.stdout).toContain("<title>'input_posts' is not defined</title>");
    // The diagnostic is the failed box's tooltip.
    expect(r.stdout).toMatch(/<title>embedded_posts\nEmbedding\nerror NN300\nerror NN300: layer 'embedded_posts' takes input 'input_posts', which is not a model input or layer; did you mean 'posts'\?<\/title>/);
    expect(r.stdout).toContain('1 error: red marks what failed; hover a box for its message');
  });

  it('marks the layer whose shape inference failed with its message, in every format', async () => {
    const file = 'test/fixtures/chapter/inception_unpadded.yaml';
    const svg = await runCli(['graph', file]);
    expect(svg.code).toBe(1);
    const output = boxes(svg.stdout).find((b) => b.name === 'output')!;
    expect(output.classes).toEqual(['node', 'layer', 'output', 'error']);
    expect(svg.stdout).toMatch(/<title>output\nConcatenate · output\nerror NN500\nerror NN500: Concatenate 'output' needs matching shapes except on axis -1; got branch_a \(None, 16, 16, 128\) and branch_b \(None, 15, 15, 128\)/);
    expect(svg.stdout).toMatch(/id="n_output"[^]*?<rect [^>]*stroke="#c62828"/);
    // The branches that did resolve keep their shapes.
    expect(boxes(svg.stdout).find((b) => b.name === 'branch_d')!.lines[2]).toBe('(None, 14, 14, 128)');

    const dot = await runCli(['graph', file, '-f', 'dot']);
    expect(dot.code).toBe(1);
    expect(dot.stdout).toMatch(/"n_output" \[label="output\\nConcatenate · output\\nerror NN500", [^\n]*color="#c62828"[^\n]*tooltip="error NN500: Concatenate 'output' needs matching shapes/);
    const mermaid = await runCli(['graph', file, '-f', 'mermaid']);
    expect(mermaid.code).toBe(1);
    expect(mermaid.stdout).toContain('n_output[["output<br/>Concatenate · output<br/>error NN500"]]:::error\n');
    expect(mermaid.stdout).toContain('classDef error fill:#ffebee,stroke:#c62828');
  });

  it('draws undefined names, unknown types, cycles and missing outputs, and --out still writes the file', async () => {
    const spec = [
      'nnspec: 1',
      'name: broken',
      'inputs:',
      '  x: {shape: [8]}',
      'layers:',
      '  a: {type: Dense, units: 8}',
      '  b: {type: Add, inputs: [a, c]}',
      '  c: {type: Dense, units: 8, inputs: b}',
      '  d: {type: Conv3D, filters: 2, inputs: a}',
      '  e: {shares: nope, inputs: a}',
      '  f: {type: Dense, units: 8, inputs: [a, ghost]}',
      'outputs: [c, zz]',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'broken.yaml'), spec);
    const out = join(dir, 'broken.svg');
    const r = await runCli(['graph', 'broken.yaml', '--out', out], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const drawn = boxes(readFileSync(out, 'utf8'));
    const of = (name: string) => drawn.find((b) => b.name === name)!;
    expect(of('a').classes).toContain('ok');
    expect(of('b').classes).toContain('error'); // in the cycle
    expect(of('c').lines).toEqual(['c', 'Dense · output', 'error NN400']);
    expect(of('d').lines).toEqual(['d', 'Conv3D', 'error NN205']);
    expect(of('e').lines).toEqual(['e', '? · shares nope', 'error NN300']);
    expect(of('f').lines).toEqual(['f', 'Dense', 'error NN300']);
    expect(of('ghost').lines).toEqual(['ghost', 'not defined']);
    expect(of('zz').lines).toEqual(['zz', 'not defined (output)']);
    expect(readFileSync(out, 'utf8')).toContain("error NN600: output 'zz' is not a layer");

    const mermaid = await runCli(['graph', 'broken.yaml', '-f', 'mermaid'], { cwd: dir });
    expect(mermaid.stdout).toContain('  missing_ghost -.-> n_f\n');
    expect(mermaid.stdout).toMatch(/ {2}linkStyle \d+ stroke:#c62828,stroke-width:2px\n/);
    const dot = await runCli(['graph', 'broken.yaml', '-f', 'dot'], { cwd: dir });
    expect(dot.stdout).toContain(`"missing_ghost" -> "n_f" [color="#c62828", style=dashed, tooltip="'ghost' is not defined"];`);
  });

  it('exits 1 with nothing on stdout when the file has no graph at all', async () => {
    const r = await runCli(['graph', 'test/fixtures/invalid/unclosed_bracket.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[NN103]');
    expect(r.stderr).toContain("test/fixtures/invalid/unclosed_bracket.yaml: error[NN911]: nothing to draw: the file does not describe inputs and layers\n");
  });
});
