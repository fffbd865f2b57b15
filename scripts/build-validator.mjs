// Compiles schemas/nnspec.schema.json with ajv at build time into dist/spec/compiled-schema.js
// (ajv standalone code), so `nnspec validate` does not spend ~200 ms compiling the schema
// at every start. src/spec/validator.ts falls back to compiling at run time when it is absent.
import { readFileSync, writeFileSync } from 'node:fs';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from '../dist/spec/ajv-options.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/nnspec.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv.default({ ...AJV_OPTIONS, code: { source: true, esm: true } });
const validate = ajv.compile(schema);
// ajv's ESM output still require()s its runtime helpers (ucs2length for minLength/maxLength), and
// an ES module has no require: without this line the import fails and every command compiles the
// schema at start-up (~0.8 s of CPU) through validator.ts's silent fallback.
const prelude = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n";
writeFileSync(new URL('../dist/spec/compiled-schema.js', import.meta.url), prelude + standaloneCode.default(ajv, validate));
