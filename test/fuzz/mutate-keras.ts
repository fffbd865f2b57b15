/** Mutations of Keras model JSON (what `import` reads): type-blind edits of the document, then sometimes bytes. */
import { bytewise, genericEdit, type Json } from './mutate-spec.js';
import type { Random } from './random.js';

export function mutateKeras(r: Random, seed: string): { bytes: Uint8Array; labels: string[] } {
  const labels: string[] = [];
  let text = seed;
  if (r.int(10) < 8) {
    const doc = JSON.parse(seed) as Json;
    for (let n = 1 + r.int(4); n > 0; n--) labels.push(genericEdit(r, doc));
    text = JSON.stringify(doc, null, r.chance(0.5) ? 1 : undefined);
  }
  let bytes: Uint8Array = Buffer.from(text, 'utf8');
  if (labels.length === 0 || r.chance(0.1)) {
    const b = bytewise(r, bytes);
    bytes = b.bytes;
    labels.push(b.label);
  }
  return { bytes, labels };
}
