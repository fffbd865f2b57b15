/** `nnspec summary FILE|RUN`: the Keras-style model summary, as a table, JSON or Markdown. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderJson } from '../backends/summary/json.js';
import { renderMarkdown } from '../backends/summary/markdown.js';
import { summarize } from '../backends/summary/rows.js';
import { renderTable } from '../backends/summary/table.js';
import { SPEC_FILE } from '../train/run-info.js';
import { compileReporting } from './files.js';
import { EXIT, UsageError, type Io } from './io.js';

export interface SummaryOptions {
  format: 'table' | 'json' | 'markdown';
  /** Format 2: a row for every expanded layer, not one per block instance. */
  expand?: boolean;
}

export async function summaryCommand(file: string, opts: SummaryOptions, io: Io): Promise<number> {
  const result = compileReporting(specOf(file, io), io);
  if (!result.ok || !result.graph) return EXIT.invalid;
  const summary = summarize(result.graph, { expand: opts.expand === true });
  const render = { table: renderTable, json: renderJson, markdown: renderMarkdown }[opts.format];
  io.stdout.write(render(summary));
  return EXIT.ok;
}

/** A spec file, or a run directory's copy of the spec it was trained on (RUN/spec.yaml). */
function specOf(path: string, io: Io): string {
  if (!statSync(resolve(io.cwd, path), { throwIfNoEntry: false })?.isDirectory()) return path;
  const spec = join(path, SPEC_FILE);
  if (!existsSync(resolve(io.cwd, spec))) throw new UsageError(`${path} is a directory but not a training run: it has no ${SPEC_FILE}; summary takes a spec file or a run directory written by \`nnspec train\``, 'NN900');
  return spec;
}
