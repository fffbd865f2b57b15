/** Go to definition, find references and rename, over every place a node name is declared or used. */
import { ResponseError, type Location, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { contains, nameRefs, type Analysis, type NameRef } from './analysis.js';
import type { Positions } from './positions.js';

function refsAt(a: Analysis, offset: number): { at: NameRef; all: NameRef[] } | undefined {
  const doc = a.result.doc;
  if (!doc) return undefined;
  const refs = nameRefs(doc);
  const at = refs.find((r) => contains(r.span, offset));
  return at && { at, all: refs.filter((r) => r.name === at.name) };
}

export function definition(a: Analysis, pos: Positions, offset: number): Location | null {
  const found = refsAt(a, offset);
  const def = found?.all.find((r) => r.role === 'definition');
  return def ? { uri: a.uri, range: pos.range(def.span) } : null;
}

export function references(a: Analysis, pos: Positions, offset: number, includeDeclaration: boolean): Location[] {
  const found = refsAt(a, offset);
  if (!found) return [];
  return found.all.filter((r) => includeDeclaration || r.role !== 'definition').map((r) => ({ uri: a.uri, range: pos.range(r.span) }));
}

export function prepareRename(a: Analysis, pos: Positions, offset: number) {
  const found = refsAt(a, offset);
  return found ? { range: pos.range(found.at.span), placeholder: found.at.name } : null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function rename(a: Analysis, pos: Positions, offset: number, newName: string): WorkspaceEdit | null {
  const found = refsAt(a, offset);
  if (!found) return null;
  if (!NAME.test(newName)) throw new ResponseError(-32602, `'${newName}' is not a valid layer name (letters, digits, _ . -; not starting with a digit)`);
  const taken = nameRefs(a.result.doc!).some((r) => r.role === 'definition' && r.name === newName);
  if (taken && newName !== found.at.name) throw new ResponseError(-32602, `'${newName}' is already the name of an input or layer`);
  const edits: TextEdit[] = found.all.map((r) => ({ range: pos.range(r.span), newText: newName }));
  return { changes: { [a.uri]: edits } };
}
