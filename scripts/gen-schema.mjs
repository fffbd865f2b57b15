// Regenerates schemas/nnspec.schema.json from the layer registry (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { buildSchema } from '../dist/spec/schema-build.js';

writeFileSync(new URL('../schemas/nnspec.schema.json', import.meta.url), JSON.stringify(buildSchema(), null, 2) + '\n');
console.log('wrote schemas/nnspec.schema.json');
