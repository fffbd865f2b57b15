/**
 * `nnspec init [FILE] [--template NAME] [--force]`: writes a commented starter spec that
 * validates as it stands. Exit 0 written, 2 usage (unknown template, FILE exists without --force).
 * FILE `-` prints the spec instead.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TEMPLATE_FILES, TEMPLATE_NAMES, TEMPLATES, type TemplateName } from '../templates/index.js';
import { EXIT, oneOf, UsageError, type Io } from './io.js';
import { schemaLine } from './schema-ref.js';

export const DEFAULT_SPEC_FILE = 'model.nnspec.yaml';
export const parseTemplate = oneOf('--template', TEMPLATE_NAMES);

export interface InitOptions {
  template: TemplateName;
  force?: boolean;
}

export async function initCommand(file: string | undefined, opts: InitOptions, io: Io): Promise<number> {
  const template = parseTemplate(opts.template);
  const target = file ?? DEFAULT_SPEC_FILE;
  const abs = resolve(io.cwd, target);
  const shown = target === '-' ? 'FILE' : target;
  const text = `# ${schemaLine(target === '-' ? resolve(io.cwd, DEFAULT_SPEC_FILE) : abs)}\n${TEMPLATES[template].replaceAll('FILE', shown)}`;
  if (target === '-') {
    io.stdout.write(text);
    return EXIT.ok;
  }
  if (existsSync(abs) && !opts.force) throw new UsageError(`'${target}' exists; pass --force to overwrite it`);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  // A file the spec takes a block from (`from:`): written beside it, a user's own never replaced.
  for (const [name, companion] of Object.entries(TEMPLATE_FILES[template] ?? {})) {
    const path = join(dirname(abs), name);
    if (!existsSync(path)) writeFileSync(path, companion);
  }
  io.stderr.write(`nnspec: wrote ${target} (${template} template); next: nnspec validate ${target}\n`);
  return EXIT.ok;
}
