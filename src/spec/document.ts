import type { Span } from '../diagnostics/diagnostic.js';

/** Where one value sits in the source: the key that names it (for map entries) and the value itself. */
export interface Place {
  key?: Span;
  value: Span;
}

/**
 * A parsed spec: the plain value (JSON-like, as ajv sees it) and the source place of every
 * value, keyed by JSON pointer ("/layers/dense_1/units"). Passes locate diagnostics through it.
 */
export interface SpecDocument {
  file: string;
  text: string;
  value: unknown;
  places: Map<string, Place>;
}

export function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The span of the key naming `ptr` if it has one, else of its value; falls back to the nearest ancestor. */
export function keySpan(doc: SpecDocument, ptr: string): Span {
  const place = nearestPlace(doc, ptr);
  return place.key ?? place.value;
}

export function valueSpan(doc: SpecDocument, ptr: string): Span {
  return nearestPlace(doc, ptr).value;
}

function nearestPlace(doc: SpecDocument, ptr: string): Place {
  let p = ptr;
  for (;;) {
    const place = doc.places.get(p);
    if (place) return place;
    if (p === '') return { value: { start: 0, end: 0 } };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
