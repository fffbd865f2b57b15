/**
 * Completion from the line being typed (the document is often invalid YAML mid-edit, so the
 * context comes from the text before the cursor, and the names from the last good analysis):
 * layer types after `type:`, node names in `inputs:`/`shares:`/`outputs:`, enum values of an
 * argument, and argument names inside a layer.
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { LAYER_KINDS } from '../layers/registry.js';
import { COMMON_PARAMS, type ParamMap } from '../layers/params.js';
import { LOSSES, METRICS, OPTIMIZERS } from '../spec/vocabulary.js';
import type { Analysis } from './analysis.js';

const TOP_KEYS = ['nnspec', 'name', 'description', 'blocks', 'inputs', 'layers', 'outputs', 'training'];
const TRAINING_KEYS = ['optimizer', 'loss', 'loss_weights', 'metrics', 'batch_size', 'epochs', 'validation_split', 'shuffle', 'seed'];

interface Context {
  /** The line's text up to the cursor. */
  before: string;
  /** The top-level section the cursor is in. */
  section?: string;
  /** The layer whose entry holds the cursor. */
  layer?: string;
}

function contextAt(text: string, offset: number): Context {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  let section: string | undefined;
  let layer: string | undefined;
  const lines = text.slice(0, lineStart).split('\n');
  const here = /^(\s*)/.exec(before)![1]!.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\s*)([A-Za-z_][\w.-]*)\s*:/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    if (indent === 0) {
      section = m[2];
      break;
    }
    if (layer === undefined && indent > 0 && indent < Math.max(here, 1) + (before.trim().startsWith('{') ? 1 : 0)) layer = m[2];
  }
  // A flow-style layer written on this line: `  name: {type: Dense, uni`
  const flow = /^\s+([A-Za-z_][\w.-]*)\s*:\s*\{/.exec(before);
  if (flow) layer = flow[1];
  if (section === undefined && /^[A-Za-z_]*$/.test(before)) section = undefined;
  return { before, section, layer: section === 'layers' ? layer : undefined };
}

function layerTypeOf(a: Analysis | undefined, text: string, layer: string): string | undefined {
  const fromDoc = (a?.result.doc?.value as { layers?: Record<string, { type?: unknown }> } | undefined)?.layers?.[layer]?.type;
  if (typeof fromDoc === 'string') return fromDoc;
  const m = new RegExp(`^\\s+${layer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:[^\\n]*?\\btype:\\s*([A-Za-z0-9_]+)`, 'm').exec(text);
  if (m) return m[1];
  const block = new RegExp(`^(\\s+)${layer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:\\s*\\n((?:\\1\\s+.*\\n?)*)`, 'm').exec(text);
  return block ? /\btype:\s*([A-Za-z0-9_]+)/.exec(block[2]!)?.[1] : undefined;
}

function names(a: Analysis | undefined, except?: string): CompletionItem[] {
  const graph = a?.result.graph;
  const doc = a?.result.doc?.value as { inputs?: object; layers?: object } | undefined;
  const all = graph ? [...graph.nodes.keys()] : [...Object.keys(doc?.inputs ?? {}), ...Object.keys(doc?.layers ?? {})];
  return all
    .filter((n) => n !== except)
    .map((n) => {
      const node = graph?.nodes.get(n);
      const detail = node ? `${node.layer ? node.layer.config.type : 'Input'} ${node.output ? '(' + node.output.shape.map((d) => d ?? 'None').join(', ') + ')' : ''}` : undefined;
      return { label: n, kind: node?.layer ? CompletionItemKind.Function : CompletionItemKind.Variable, ...(detail ? { detail } : {}) };
    });
}

/** The blocks as written (before expansion), by name. */
function blocksOf(a: Analysis | undefined): Record<string, { description?: unknown; params?: unknown } | undefined> {
  const value = (a?.result.source ?? a?.result.doc)?.value as { blocks?: unknown } | undefined;
  return value?.blocks && typeof value.blocks === 'object' ? (value.blocks as Record<string, { description?: unknown; params?: unknown }>) : {};
}

/** The name of the block (a key indented once under `blocks:`) whose lines hold `offset`. */
function enclosingBlock(text: string, offset: number): string | undefined {
  const lines = text.slice(0, offset).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^ {2}([A-Za-z_][\w.-]*)\s*:/.exec(lines[i]!);
    if (m) return m[1];
    if (/^\S/.test(lines[i]!)) return undefined;
  }
  return undefined;
}

const values = (list: readonly string[], kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem[] => list.map((label) => ({ label, kind }));

export function complete(a: Analysis | undefined, text: string, offset: number): CompletionItem[] {
  const ctx = contextAt(text, offset);
  const { before } = ctx;
  const blocks = blocksOf(a);
  // Format 2: block names after `block:`, the enclosing block's parameters after `$`.
  if (/(^|[{,\s])block:\s*[\w.-]*$/.test(before)) {
    return Object.entries(blocks).map(([name, b]) => ({ label: name, kind: CompletionItemKind.Module, ...(typeof b?.description === 'string' ? { documentation: b.description } : {}) }));
  }
  if (ctx.section === 'blocks' && /\$\w*$/.test(before)) {
    const params = blocks[enclosingBlock(text, offset) ?? '']?.params;
    return Object.keys(params && typeof params === 'object' ? params : {}).map((p) => ({ label: `$${p}`, kind: CompletionItemKind.Variable, insertText: p }));
  }
  if (/(^|[{,\s])type:\s*[\w]*$/.test(before) && ctx.section === 'layers') {
    return [...LAYER_KINDS.values()].map((k) => ({ label: k.type, kind: CompletionItemKind.Class, documentation: k.description }));
  }
  if (/(^|[{,\s])(inputs|shares):\s*(\[[^\]]*)?[\w.-]*$/.test(before) || (ctx.section === 'outputs' && /(:|-|\[|,)\s*[\w.-]*$/.test(before))) {
    return names(a, ctx.layer);
  }
  if (/^\s*-\s*[\w.-]*$/.test(before) && ctx.section === 'layers') return names(a, ctx.layer);
  if (ctx.section === 'training') {
    if (/(^|[{,\s])optimizer:\s*\w*$/.test(before)) return values(Object.keys(OPTIMIZERS));
    if (/(^|[{,\s])loss:\s*\w*$/.test(before) || /(^|[{,\s])loss:.*[:,\[]\s*\w*$/.test(before)) return values(LOSSES);
    if (/(^|[{,\s])metrics:.*[\[,:-]\s*\w*$/.test(before)) return values(METRICS);
    if (/^\s+\w*$/.test(before)) return values(TRAINING_KEYS, CompletionItemKind.Property);
  }
  if (/^\w*$/.test(before)) return values(TOP_KEYS, CompletionItemKind.Property);
  if (ctx.section !== 'layers' || !ctx.layer) return [];
  const type = layerTypeOf(a, text, ctx.layer);
  const kind = type ? LAYER_KINDS.get(type) : undefined;
  if (!kind) return /^\s+\w*$|[{,]\s*\w*$/.test(before) ? values(['type', 'inputs', 'shares'], CompletionItemKind.Property) : [];
  const params = { ...kind.params, ...COMMON_PARAMS } as ParamMap;
  const valueOf = /([A-Za-z_]\w*):\s*[\w]*$/.exec(before);
  if (valueOf && params[valueOf[1]!]) {
    const schema = params[valueOf[1]!]!.schema as { enum?: string[]; anyOf?: { enum?: string[] }[]; type?: string };
    const list = schema.enum ?? schema.anyOf?.find((s) => s.enum)?.enum;
    if (list) return values(list);
    if (schema.type === 'boolean') return values(['true', 'false'], CompletionItemKind.Keyword);
    return [];
  }
  if (/^\s+\w*$|[{,]\s*\w*$/.test(before)) {
    return Object.entries(params).map(([name, param]): CompletionItem => {
      const schema = param.schema as { description?: string };
      return {
        label: name,
        kind: CompletionItemKind.Property,
        detail: param.required ? 'required' : `default ${JSON.stringify(param.default)}`,
        documentation: schema.description ?? '',
        insertText: `${name}: `,
      };
    }).concat(values(['inputs', 'shares'], CompletionItemKind.Property));
  }
  return [];
}
