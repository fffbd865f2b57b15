/** The `# yaml-language-server: $schema=` line for a spec written by nnspec: the schema nnspec ships, relative to the spec. */
import { dirname, relative, sep } from 'node:path';
import { packageFile } from '../paths.js';

export function schemaFile(): string {
  return packageFile('schemas', 'nnspec.schema.json');
}

/** Relative to the directory the spec is written to, so editors on this machine find the schema that validates it. */
export function schemaLine(specPath: string): string {
  const rel = relative(dirname(specPath), schemaFile()).split(sep).join('/');
  return `yaml-language-server: $schema=${rel}`;
}
