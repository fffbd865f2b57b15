/**
 * `nnspec fmt`: a spec in canonical form, comments kept (as Prettier and `terraform fmt` do):
 * keys in the documented order, each input and layer on one aligned line as a flow map when it
 * fits and carries no comments inside, block style otherwise. The result must read back to the
 * same value; if it would not, the file is left alone and that is reported as nnspec's bug.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { BLOCK_ORDER, INPUT_ORDER, layerOrder, rank, TOP_ORDER, TRAINING_ORDER } from './order.js';

/** A layer or input goes on one line up to this width (its name and alignment included). */
export const FLOW_WIDTH = 120;

export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; reason: string; offset: number };

export function formatSpec(source: string): FormatResult {
  const doc = parseDocument(source, { keepSourceTokens: false, uniqueKeys: false, merge: false });
  if (doc.errors.length > 0) return { ok: false, reason: `not readable YAML: ${doc.errors[0]!.message.split('\n')[0]}`, offset: doc.errors[0]!.pos[0] };
  if (!isMap(doc.contents)) return { ok: false, reason: 'the top level is not a mapping', offset: 0 };
  const before = doc.toJS();
  const root = doc.contents;
  sortMap(root, TOP_ORDER);
  for (const pair of root.items) {
    const key = keyOf(pair);
    if ((key === 'inputs' || key === 'layers') && isMap(pair.value)) formatEntries(pair.value, key);
    if (key === 'blocks' && isMap(pair.value)) {
      pair.value.flow = false;
      for (const block of pair.value.items) {
        if (!isMap(block.value)) continue;
        block.value.flow = false;
        sortMap(block.value, BLOCK_ORDER);
        for (const part of block.value.items) {
          if (keyOf(part) === 'layers' && isMap(part.value)) formatEntries(part.value, 'layers');
          if (keyOf(part) === 'params' && isMap(part.value)) formatEntries(part.value, 'params');
          if ((keyOf(part) === 'inputs' || keyOf(part) === 'outputs') && isSeq(part.value) && !hasComments(part.value)) part.value.flow = true;
        }
        if (block.value.items.length === 1 && keyOf(block.value.items[0]!) === 'from') block.value.flow = true;
      }
    }
    if (key === 'outputs' && isSeq(pair.value) && !hasComments(pair.value)) pair.value.flow = true;
    if (key === 'training' && isMap(pair.value)) {
      pair.value.flow = false;
      sortMap(pair.value, TRAINING_ORDER);
      const optimizer = pair.value.get('optimizer', true);
      if (isMap(optimizer)) sortMap(optimizer, ['type', 'learning_rate']);
      for (const item of pair.value.items) if ((isMap(item.value) || isSeq(item.value)) && !hasComments(item.value as Node)) (item.value as YAMLMap).flow = true;
    }
  }
  const text = align(doc.toString({ lineWidth: 0, flowCollectionPadding: false, indent: 2, indentSeq: true }));
  const after = parseDocument(text, { uniqueKeys: false, merge: false });
  if (after.errors.length > 0 || !isDeepStrictEqual(after.toJS(), before)) return { ok: false, reason: 'internal: the formatted text would not read back to the same spec', offset: 0 };
  return { ok: true, text, changed: text !== source };
}

/** The entries of `inputs:`, `layers:` (a block's too) or a block's `params:`: sorted, one line each where they fit. */
function formatEntries(map: YAMLMap, key: string): void {
  map.flow = false;
  for (const entry of map.items) {
    if (!isMap(entry.value)) continue;
    if (key === 'inputs') sortMap(entry.value, INPUT_ORDER);
    else if (key === 'params') sortMap(entry.value, ['type', 'default', 'description']);
    else {
      const type = entry.value.get('type');
      const { first, last } = layerOrder(typeof type === 'string' ? type : undefined);
      sortMap(entry.value, first, last);
    }
    entry.value.flow = fitsOnOneLine(entry as Pair<Node, YAMLMap>);
    if (!entry.value.flow) for (const item of entry.value.items) if (item.value && (isMap(item.value) || isSeq(item.value)) && !hasComments(item.value as Node)) (item.value as YAMLMap).flow = true;
  }
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function sortMap(map: YAMLMap, first: readonly string[], last: readonly string[] = []): void {
  const keys = map.items.map((p) => keyOf(p) ?? '');
  const order = rank(keys, first, last);
  const byKey = new Map<string, Pair[]>();
  map.items.forEach((p, i) => byKey.set(keys[i]!, [...(byKey.get(keys[i]!) ?? []), p]));
  const sorted = [...new Set(order)].flatMap((k) => byKey.get(k)!);
  // A comment or blank line above the first entry belongs to the block, not to that entry.
  const head = map.items[0]?.key as Node | undefined;
  const lead = head ? { commentBefore: head.commentBefore, spaceBefore: head.spaceBefore } : undefined;
  if (sorted[0] !== map.items[0] && head && lead) {
    head.commentBefore = undefined;
    head.spaceBefore = undefined;
    const newHead = sorted[0]!.key as Node;
    newHead.commentBefore = [lead.commentBefore, newHead.commentBefore].filter(Boolean).join('\n') || undefined;
    newHead.spaceBefore = lead.spaceBefore || newHead.spaceBefore;
  }
  map.items = sorted;
}

function hasComments(node: Node | null | undefined): boolean {
  if (!node) return false;
  const n = node as Node & { commentBefore?: string | null; comment?: string | null };
  if (n.commentBefore || n.comment) return true;
  if (isMap(node) || isSeq(node)) {
    return (node.items as unknown[]).some((item) => {
      if (isPair(item)) return hasComments(item.key as Node) || hasComments(item.value as Node) || !!(item.value as Node | null)?.spaceBefore;
      return hasComments(item as Node) || !!(item as Node).spaceBefore;
    });
  }
  return false;
}

/** An entry goes on one line when nothing inside it carries a comment and the line is short enough. */
function fitsOnOneLine(entry: Pair<Node, YAMLMap>): boolean {
  const map = entry.value;
  if (!map || hasInnerComments(map)) return false;
  const was = map.flow;
  map.flow = true;
  const line = `  ${String(entry.key)}: ${map.toString()}`;
  map.flow = was;
  return line.length <= FLOW_WIDTH && !line.includes('\n');
}

/** Comments inside a map (its own trailing comment can stay at the end of the line). */
function hasInnerComments(map: YAMLMap): boolean {
  return map.items.some((item) => hasComments(item.key as Node) || hasComments(item.value as Node) || !!(item.key as Node | null)?.spaceBefore);
}

/**
 * Aligns the `{` of consecutive one-line entries under `inputs:` and `layers:`, as the seed specs
 * are written: a group ends at a blank line, a comment line or a block entry.
 */
export function align(text: string): string {
  const lines = text.split('\n');
  const entry = /^( {2})((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{][^:#]*?)):\s+(\{.*)$/;
  let section = '';
  let group: number[] = [];
  const flush = () => {
    const width = Math.max(...group.map((i) => entry.exec(lines[i]!)![2]!.length));
    for (const i of group) {
      const m = entry.exec(lines[i]!)!;
      lines[i] = `${m[1]}${m[2]}:${' '.repeat(width - m[2]!.length + 1)}${m[3]}`;
    }
    group = [];
  };
  lines.forEach((line, i) => {
    const top = /^([A-Za-z_][\w-]*):/.exec(line);
    if (top) {
      if (group.length) flush();
      section = top[1]!;
      return;
    }
    if ((section === 'inputs' || section === 'layers') && entry.test(line)) group.push(i);
    else if (group.length) flush();
  });
  if (group.length) flush();
  return lines.join('\n');
}

export type { Document };
