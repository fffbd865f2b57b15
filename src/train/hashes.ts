/** What a resumed run must find unchanged: the spec's content (not its comments or layout). */
import { createHash } from 'node:crypto';
import { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { parseSpec } from '../spec/parse.js';

export function specHash(source: Uint8Array): string {
  const { doc } = parseSpec(source, '<spec>', new DiagnosticSink());
  // Key order is kept: the order of `layers` is part of the model.
  return createHash('sha256').update(JSON.stringify(doc?.value ?? null)).digest('hex');
}
