/**
 * Code actions for diagnostics with an obvious fix: the "did you mean" ones (replace the word),
 * and a missing Flatten before a layer fed an input of too high a rank.
 */
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import type { Positions } from './positions.js';

export function codeActions(a: Analysis, pos: Positions, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'nnspec') continue;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    const suggestion = /did you mean '([^']+)'/.exec(message);
    if (suggestion && d.range.start.line === d.range.end.line) {
      const word = a.text.slice(pos.offset(d.range.start), pos.offset(d.range.end)).replace(/^["']|["']$/g, '');
      const fix = suggestion[1]!;
      if (word && word !== fix && /^[\w.-]+$/.test(word)) {
        const start = pos.offset(d.range.start) + a.text.slice(pos.offset(d.range.start), pos.offset(d.range.end)).indexOf(word);
        actions.push({
          title: `Change '${word}' to '${fix}'`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [a.uri]: [{ range: pos.range({ start, end: start + word.length }), newText: fix }] } },
        });
      }
    }
    if (d.code === 'NN501') {
      const flatten = insertFlatten(a, pos, d, message);
      if (flatten) actions.push(flatten);
    }
  }
  return actions;
}

/** `Dense`-like layers that want rank 2 fed a feature map: add `<name>_flatten: {type: Flatten}` and feed it. */
function insertFlatten(a: Analysis, pos: Positions, d: Diagnostic, message: string): CodeAction | undefined {
  if (!/expects input of rank 2\b/.test(message)) return undefined;
  const doc = a.result.doc;
  const graph = a.result.graph;
  if (!doc || !graph) return undefined;
  const offset = pos.offset(d.range.start);
  const node = [...graph.nodes.values()].find((n) => {
    const place = doc.places.get(n.ptr);
    return n.layer && place?.key && place.key.start <= offset && offset <= place.value.end;
  });
  if (!node || node.inputs.length !== 1) return undefined;
  const place = doc.places.get(node.ptr)!;
  const lineStart = a.text.lastIndexOf('\n', place.key!.start - 1) + 1;
  const indent = a.text.slice(lineStart, place.key!.start);
  if (!/^\s*$/.test(indent)) return undefined;
  let name = `${node.name}_flatten`;
  while (graph.nodes.has(name)) name += '_';
  const source = node.inputs[0]!;
  const edits = [{ range: pos.range({ start: lineStart, end: lineStart }), newText: `${indent}${name}: {type: Flatten, inputs: ${source}}\n` }];
  const inputsPlace = doc.places.get(`${node.ptr}/inputs`);
  if (inputsPlace) {
    edits.push({ range: pos.range(inputsPlace.value), newText: name });
  }
  return { title: `Insert a Flatten layer before '${node.name}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [a.uri]: edits } } };
}
