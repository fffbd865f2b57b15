// Regenerates the README's reference tables (diagnostic codes, layer types) from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { codesTable, fillSection, layersTable, mermaidExample, quickStart } from '../dist/docs.js';

const url = new URL('../README.md', import.meta.url);
let doc = readFileSync(url, 'utf8');
doc = fillSection(doc, 'codes', codesTable());
doc = fillSection(doc, 'layers', layersTable());
doc = fillSection(doc, 'quickstart', quickStart(new URL('..', import.meta.url)));
doc = fillSection(doc, 'mermaid', await mermaidExample(new URL('..', import.meta.url)));
writeFileSync(url, doc);
console.log('README.md tables updated');
