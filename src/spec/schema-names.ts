/**
 * How schema messages name things: the place of a value as the spec's author wrote it
 * ("'units' in Dense layer 'd'", "item 2 of 'shape' in input 'x'", "'training.loss'"),
 * a value ("the string '2'"), a JSON type ("an integer") and a vocabulary ("an activation name").
 */
import type { SpecDocument } from './document.js';
import { ACTIVATIONS, CONSTRAINTS, INITIALIZERS, REGULARIZERS } from '../layers/vocabulary.js';
import { LOSSES, METRICS, OPTIMIZERS } from './vocabulary.js';

export function segments(ptr: string): string[] {
  return ptr === '' ? [] : ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** "Dense layer 'answer'", "LSTM layer wrapped by 'r'", "input 'text'", or undefined outside those; and the rest of the path. */
export function ownerOf(doc: SpecDocument, parts: string[]): { owner?: string; rest: string[] } {
  const root = doc.value as Record<string, Record<string, Record<string, unknown>> | undefined>;
  if (parts[0] === 'layers' && parts.length >= 2) {
    const node = root.layers?.[parts[1]!];
    const typed = (o: unknown) => (o && typeof o === 'object' && typeof (o as { type?: unknown }).type === 'string' ? `${(o as { type: string }).type} ` : '');
    if (parts[2] === 'layer' && node && typeof node.layer === 'object' && node.layer !== null) {
      return { owner: `${typed(node.layer)}layer wrapped by '${parts[1]}'`, rest: parts.slice(3) };
    }
    return { owner: `${typed(node)}layer '${parts[1]}'`, rest: parts.slice(2) };
  }
  if (parts[0] === 'inputs' && parts.length >= 2) return { owner: `input '${parts[1]}'`, rest: parts.slice(2) };
  return { rest: parts };
}

/** How a message names the value at `ptr`: "'units' in Dense layer 'd'", "item 2 of 'shape' in input 'x'", "'training.loss'". */
export function subject(doc: SpecDocument, ptr: string, joiner = 'in'): string {
  const { owner, rest } = ownerOf(doc, segments(ptr));
  let items = '';
  let path = rest;
  // Only the last index becomes "item N of"; an inner index stays in the dotted path.
  if (path.length > 0 && /^\d+$/.test(path[path.length - 1]!)) {
    items = `item ${Number(path[path.length - 1]) + 1} of `;
    path = path.slice(0, -1);
  }
  if (path.length === 0) return items ? `${items}${owner ?? 'the spec'}` : (owner ?? 'the spec');
  return `${items}'${path.join('.')}'${owner ? ` ${joiner} ${owner}` : ''}`;
}

export function describe(v: unknown): string {
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return String(v);
}

const TYPE_NAMES: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };

export function typeNames(types: unknown): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return list.length <= 1 ? (list[0] ?? 'valid') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

/** Which vocabulary an enum is, so a message can say "unknown activation" rather than "invalid value". */
export function vocabulary(values: readonly unknown[]): string | undefined {
  const lists: [string, readonly string[]][] = [
    ['activation', ACTIVATIONS],
    ['initializer', INITIALIZERS],
    ['regularizer', REGULARIZERS],
    ['constraint', CONSTRAINTS],
    ['loss', LOSSES],
    ['metric', METRICS],
    ['optimizer', Object.keys(OPTIMIZERS)],
  ];
  const same = (a: readonly unknown[], b: readonly string[]) => a.length === b.length && b.every((x) => a.includes(x));
  return lists.find(([, list]) => same(values, list))?.[0];
}

/** The accepted forms of an `anyOf`, as a phrase: "an activation name or null", "a name or a list". */
export function alternatives(schema: unknown): string {
  const variants = ((schema as { anyOf?: Record<string, unknown>[] } | undefined)?.anyOf ?? []).map((v) => {
    if (Array.isArray(v.enum)) {
      const kind = vocabulary(v.enum);
      return kind ? `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} name` : `one of ${v.enum.slice(0, 6).join(', ')}${v.enum.length > 6 ? ', ...' : ''}`;
    }
    if (typeof v.$ref === 'string') {
      const def = v.$ref.replace(/^.*\//, '').toLowerCase();
      return `${/^[aeiou]/.test(def) ? 'an' : 'a'} ${def}`;
    }
    if (v.type === 'string' && v.pattern) return 'a name';
    if (v.type === 'array') return 'a list';
    return typeNames(v.type ?? 'object');
  });
  const unique = [...new Set(variants)];
  return unique.length <= 1 ? (unique[0] ?? 'valid') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}
