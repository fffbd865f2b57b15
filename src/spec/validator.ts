/**
 * The schema validator: the one ajv compiled at build time (dist/spec/compiled-schema.js, see
 * scripts/build-validator.mjs) when present, else ajv compiling schemas/nnspec.schema.json now
 * (as when tests run from src/).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { pathToFileURL } from 'node:url';
import { packageFile } from '../paths.js';
import { AJV_OPTIONS } from './ajv-options.js';

export function loadSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(packageFile('schemas', 'nnspec.schema.json'), 'utf8')) as Record<string, unknown>;
}

const PRECOMPILED = pathToFileURL(packageFile('dist', 'spec', 'compiled-schema.js')).href;
let cached: ValidateFunction | undefined = await import(PRECOMPILED).then(
  (m: { default: ValidateFunction }) => m.default,
  () => undefined,
);

export function getValidator(): ValidateFunction {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv') as typeof import('ajv');
    cached = new Ajv.default(AJV_OPTIONS).compile(loadSchema());
  }
  return cached;
}
