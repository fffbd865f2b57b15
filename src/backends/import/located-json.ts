/**
 * JSON with the place of every object and key, so an import problem can point at the layer that
 * caused it. Values come from JSON.parse (JSON's own rules); places from the `yaml` package, which
 * reads JSON as the flow subset of YAML with source ranges. The two walks meet object by object.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

interface Places {
  start: number;
  keys: Map<string, number>;
}

export interface LocatedJson {
  value: unknown;
  /** Offset of an object or array from the parsed value (0 when unknown). */
  at(obj: unknown): number;
  /** Offset of a key of an object (the object's own place when it has no such key). */
  keyAt(obj: unknown, key: string): number;
}

export type ParsedJson = { ok: true; json: LocatedJson } | { ok: false; message: string; offset: number };

export function parseLocatedJson(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message);
    return { ok: false, message: message.replace(/ in JSON at position \d+.*$/, ''), offset: position ? Number(position[1]) : 0 };
  }
  const places = new WeakMap<object, Places>();
  const doc = parseDocument(text, { uniqueKeys: false, strict: false });
  if (doc.errors.length === 0 && doc.contents) record(doc.contents as Node, value, places);
  const json: LocatedJson = {
    value,
    at: (obj) => (obj !== null && typeof obj === 'object' ? (places.get(obj)?.start ?? 0) : 0),
    keyAt: (obj, key) => {
      if (obj === null || typeof obj !== 'object') return 0;
      const p = places.get(obj);
      return p?.keys.get(key) ?? p?.start ?? 0;
    },
  };
  return { ok: true, json };
}

/** Walks the YAML node and the parsed value together, noting where each object and key starts. */
function record(node: Node, value: unknown, places: WeakMap<object, Places>): void {
  if (value === null || typeof value !== 'object') return;
  const p: Places = { start: node.range?.[0] ?? 0, keys: new Map() };
  places.set(value, p);
  if (isSeq(node) && Array.isArray(value)) {
    node.items.forEach((item, i) => record(item as Node, value[i], places));
  } else if (isMap(node) && !Array.isArray(value)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      // JSON.parse keeps the last of repeated keys; so does this.
      p.keys.set(key, pair.key.range?.[0] ?? p.start);
      if (pair.value) record(pair.value as Node, (value as Record<string, unknown>)[key], places);
    }
  }
}
