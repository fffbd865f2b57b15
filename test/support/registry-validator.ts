/**
 * A schema validator compiled from the layer registry itself (buildSchema()), for tests of layers
 * that schemas/nnspec.schema.json may not list yet: that file is generated (`npm run schema`, the
 * lead's step) and test/generated.test.ts is what checks it is current. Use as
 * `vi.mock('../../src/spec/validator.js', () => import('../support/registry-validator.js'))`.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from '../../src/spec/ajv-options.js';
import { buildSchema } from '../../src/spec/schema-build.js';

const schema = buildSchema();
let validate: ValidateFunction | undefined;

export function loadSchema(): Record<string, unknown> {
  return schema as Record<string, unknown>;
}

export function getValidator(): ValidateFunction {
  if (!validate) {
    const Ajv = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    validate = new Ajv.default(AJV_OPTIONS).compile(schema);
  }
  return validate;
}
