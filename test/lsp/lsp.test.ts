import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './client.js';

const root = join(import.meta.dirname, '../..');
const qa = readFileSync(join(root, 'specs/question_answering.yaml'), 'utf8');
const uri = 'file:///work/model.yaml';
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('nnspec lsp, driven by a real LSP client over stdio', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = new LspClient();
    await client.init;
  });
  afterAll(async () => {
    expect(await client.close()).toBe(0);
  });

  it('publishes no diagnostics for a valid spec, then the mistake the user types at its range', async () => {
    client.open(uri, qa, 1);
    expect((await client.diagnostics(uri, 1)).diagnostics).toEqual([]);
    const typo = qa.replace('inputs: [encoded_text, encoded_question]', 'inputs: [encoded_txt, encoded_question]');
    client.change(uri, 2, typo);
    const [d, ...rest] = (await client.diagnostics(uri, 2)).diagnostics;
    expect(rest).toEqual([]);
    const line = lineOf(typo, 'encoded_txt');
    const col = typo.split('\n')[line]!.indexOf('encoded_txt');
    expect(d).toMatchObject({ code: 'NN300', severity: 1, source: 'nnspec', range: { start: { line, character: col }, end: { line, character: col + 'encoded_txt'.length } } });
    expect(d!.message).toMatch(/encoded_txt.*did you mean 'encoded_text'/);
  });

  it('hover on a layer shows its inferred shape, parameters and connections', async () => {
    const u = 'file:///work/hover.yaml';
    client.open(u, qa, 1);
    await client.diagnostics(u, 1);
    const line = lineOf(qa, 'encoded_text:');
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: u }, position: { line, character: 4 } });
    expect(h.contents.value).toContain('**encoded_text** · LSTM');
    expect(h.contents.value).toContain('Output shape: `(None, 32)`');
    expect(h.contents.value).toContain('Params: 12,416');
    expect(h.contents.value).toContain('Inputs: embedded_text `(None, None, 64)`');
    expect(h.contents.value).toContain('Feeds: concatenated');
    const unitsLine = lineOf(qa, 'answer:');
    const unitsCol = qa.split('\n')[unitsLine]!.indexOf('units');
    const p = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: u }, position: { line: unitsLine, character: unitsCol + 1 } });
    expect(p.contents.value).toContain('**units** · argument of Dense');
    expect(p.contents.value).toContain('Dimensionality of the output space');
  });

  it('completes layer types, argument names, enum values and node names', async () => {
    const u = 'file:///work/complete.yaml';
    client.open(u, qa, 1);
    await client.diagnostics(u, 1);
    const edited = qa.replace('  answer:            {type: Dense, units: 500, activation: softmax}', '  answer:            {type: Dense, units: 500, activation: softmax}\n  extra: {type: ');
    client.change(u, 2, edited);
    await client.diagnostics(u, 2);
    const line = lineOf(edited, 'extra: {type: ');
    const items = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: u }, position: { line, character: edited.split('\n')[line]!.length } });
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['Dense', 'LSTM', 'Conv2D', 'Concatenate']));

    const args = edited.replace('extra: {type: ', 'extra: {type: Dense, ');
    client.change(u, 3, args);
    await client.diagnostics(u, 3);
    const argItems = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: u }, position: { line, character: args.split('\n')[line]!.length } });
    expect(argItems.map((i) => i.label)).toEqual(expect.arrayContaining(['units', 'activation', 'use_bias', 'kernel_initializer', 'inputs']));

    const act = args.replace('extra: {type: Dense, ', 'extra: {type: Dense, activation: ');
    client.change(u, 4, act);
    await client.diagnostics(u, 4);
    const acts = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: u }, position: { line, character: act.split('\n')[line]!.length } });
    expect(acts.map((i) => i.label)).toEqual(expect.arrayContaining(['relu', 'softmax', 'tanh']));

    const inp = args.replace('extra: {type: Dense, ', 'extra: {type: Dense, units: 2, inputs: ');
    client.change(u, 5, inp);
    await client.diagnostics(u, 5);
    const names = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: u }, position: { line, character: inp.split('\n')[line]!.length } });
    expect(names.map((i) => i.label)).toEqual(expect.arrayContaining(['text', 'question', 'encoded_text', 'answer']));
  });

  it('goes to a definition, finds references and renames a layer everywhere', async () => {
    const u = 'file:///work/rename.yaml';
    client.open(u, qa, 1);
    await client.diagnostics(u, 1);
    const useLine = lineOf(qa, 'concatenated:');
    const useCol = qa.split('\n')[useLine]!.indexOf('encoded_text');
    const def = await client.request<{ range: { start: { line: number } } }>('textDocument/definition', { textDocument: { uri: u }, position: { line: useLine, character: useCol + 2 } });
    expect(def.range.start.line).toBe(lineOf(qa, 'encoded_text:'));
    const refs = await client.request<unknown[]>('textDocument/references', { textDocument: { uri: u }, position: { line: useLine, character: useCol + 2 }, context: { includeDeclaration: true } });
    expect(refs).toHaveLength(2);
    const edit = await client.request<{ changes: Record<string, { newText: string }[]> }>('textDocument/rename', { textDocument: { uri: u }, position: { line: useLine, character: useCol + 2 }, newName: 'text_code' });
    expect(edit.changes[u]!.map((e) => e.newText)).toEqual(['text_code', 'text_code']);
    await expect(client.request('textDocument/rename', { textDocument: { uri: u }, position: { line: useLine, character: useCol + 2 }, newName: 'answer' })).rejects.toThrow(/already the name/);
  });

  it('shows each layer\'s output shape as an inlay hint at the end of its line', async () => {
    const u = 'file:///work/inlay.yaml';
    client.open(u, qa, 1);
    await client.diagnostics(u, 1);
    const hints = await client.request<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    const answer = hints.find((h) => h.position.line === lineOf(qa, 'answer:'));
    expect(answer?.label).toBe('→ (None, 500) · 24,500 params');
    expect(hints).toHaveLength(8);
  });

  it('offers a quick fix for a "did you mean" diagnostic', async () => {
    const u = 'file:///work/fix.yaml';
    const typo = qa.replace('outputs: [answer]', 'outputs: [anser]');
    client.open(u, typo, 1);
    const { diagnostics } = await client.diagnostics(u, 1);
    expect(diagnostics.map((d) => d.code)).toEqual(['NN600']);
    const actions = await client.request<{ title: string; edit: { changes: Record<string, { newText: string; range: { start: { line: number } } }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri: u },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    expect(actions[0]!.title).toBe("Change 'anser' to 'answer'");
    expect(actions[0]!.edit.changes[u]![0]).toMatchObject({ newText: 'answer', range: { start: { line: lineOf(typo, 'outputs:') } } });
  });

  it('offers to insert a Flatten before a layer fed a feature map where it needs rank 2, and the fix validates', async () => {
    const u = 'file:///work/flatten.yaml';
    const spec = `nnspec: 1
name: f
inputs:
  image: {shape: [8, 8, 3]}
layers:
  conv: {type: Conv2D, filters: 4, kernel_size: 3, inputs: image}
  repeated: {type: RepeatVector, n: 3}
outputs: [repeated]
`;
    client.open(u, spec, 1);
    const { diagnostics } = await client.diagnostics(u, 1);
    expect(diagnostics.map((d) => d.code)).toEqual(['NN501']);
    type Edit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    const actions = await client.request<{ title: string; edit: { changes: Record<string, Edit[]> } }[]>('textDocument/codeAction', { textDocument: { uri: u }, range: diagnostics[0]!.range, context: { diagnostics } });
    expect(actions.map((a) => a.title)).toEqual(["Insert a Flatten layer before 'repeated'"]);
    const lines = spec.split('\n');
    for (const e of [...actions[0]!.edit.changes[u]!].reverse()) {
      const line = lines[e.range.start.line]!;
      lines[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
    }
    const fixed = lines.join('\n');
    expect(fixed).toContain('  repeated_flatten: {type: Flatten, inputs: conv}\n  repeated: {type: RepeatVector, n: 3}');
    client.change(u, 2, fixed);
    expect((await client.diagnostics(u, 2)).diagnostics).toEqual([]);
  });
});

describe('nnspec lsp with inlay hints turned off', () => {
  it('answers no inlay hints when the client asks for none', async () => {
    const client = new LspClient({ inlayHints: false });
    await client.init;
    const u = 'file:///work/off.yaml';
    client.open(u, qa, 1);
    await client.diagnostics(u, 1);
    const hints = await client.request<unknown[]>('textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    expect(hints).toEqual([]);
    expect(await client.close()).toBe(0);
  });
});
