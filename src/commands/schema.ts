/**
 * `nnspec schema`: prints the JSON Schema of spec format v1, the file nnspec validates with, for
 * editors (the `# yaml-language-server: $schema=` line) and other tools.
 */
import { readFileSync } from 'node:fs';
import { EXIT, type Io } from './io.js';
import { schemaFile } from './schema-ref.js';

export async function schemaCommand(io: Io): Promise<number> {
  io.stdout.write(readFileSync(schemaFile(), 'utf8'));
  return EXIT.ok;
}
