/** `nnspec summary FILE`: the Keras-style model summary, as a table, JSON or Markdown. */
import { renderJson } from '../backends/summary/json.js';
import { renderMarkdown } from '../backends/summary/markdown.js';
import { summarize } from '../backends/summary/rows.js';
import { renderTable } from '../backends/summary/table.js';
import { compileReporting } from './files.js';
import { EXIT, type Io } from './io.js';

export interface SummaryOptions {
  format: 'table' | 'json' | 'markdown';
  /** Format 2: a row for every expanded layer, not one per block instance. */
  expand?: boolean;
}

export async function summaryCommand(file: string, opts: SummaryOptions, io: Io): Promise<number> {
  const result = compileReporting(file, io);
  if (!result.ok || !result.graph) return EXIT.invalid;
  const summary = summarize(result.graph, { expand: opts.expand === true });
  const render = { table: renderTable, json: renderJson, markdown: renderMarkdown }[opts.format];
  io.stdout.write(render(summary));
  return EXIT.ok;
}
