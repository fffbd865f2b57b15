import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

// validator.ts falls back to compiling the schema at start-up when the build's precompiled
// validator does not load: correct, but it costs every command ~0.7 s of CPU, silently.
describe('the precompiled schema validator (dist/spec/compiled-schema.js)', () => {
  it('loads as an ES module and validates a spec', async () => {
    const m = (await import(pathToFileURL(join(ROOT, 'dist/spec/compiled-schema.js')).href)) as { default: (v: unknown) => boolean };
    expect(typeof m.default).toBe('function');
    expect(m.default({ nnspec: 1, name: 'x', inputs: { x: { shape: [3] } }, layers: { d: { type: 'Dense', units: 2 } }, outputs: ['d'] })).toBe(true);
    expect(m.default({ nnspec: 1, name: 'x', inputs: {}, layers: { d: { type: 'Dense', unit: 2 } }, outputs: ['d'] })).toBe(false);
  });
});
