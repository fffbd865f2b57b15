/** Files generated from the code must be committed up to date. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { codesTable, fillSection, layersTable, mermaidExample, quickStart } from '../src/docs.js';
import { buildSchema } from '../src/spec/schema-build.js';
import { ROOT } from './helpers.js';

describe('generated files', () => {
  it('schemas/nnspec.schema.json is buildSchema() (run `npm run schema`)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schemas/nnspec.schema.json'), 'utf8'));
    expect(committed).toEqual(buildSchema());
  });

  it("the README's reference tables match the code (run `npm run docs`)", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    let regenerated = fillSection(fillSection(readme, 'codes', codesTable()), 'layers', layersTable());
    regenerated = fillSection(regenerated, 'quickstart', quickStart(pathToFileURL(ROOT)));
    regenerated = fillSection(regenerated, 'mermaid', await mermaidExample(pathToFileURL(ROOT)));
    expect(readme).toBe(regenerated);
  });
});
