/**
 * `nnspec plot RUN [--out FILE.svg|FILE.html]`: the run's curves from its history (each loss and
 * metric, training and validation, the learning rate when recorded) as an SVG, or an HTML report
 * with the curves, the model graph and the summary side by side.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { draw, svgTooLarge } from '../backends/graph/draw.js';
import { renderReport } from '../backends/plot/html.js';
import { epochsOf, historyFromCsv, isHistory, panelsOf, type History } from '../backends/plot/panels.js';
import { renderChartSvg } from '../backends/plot/svg.js';
import { summarize } from '../backends/summary/rows.js';
import { HISTORY_CSV, HISTORY_JSON } from '../train/history.js';
import { RUN_FILE, SPEC_FILE } from '../train/run-info.js';
import { compileFile } from './files.js';
import { EXIT, reportProblem, UsageError, type Io } from './io.js';

export const PLOT_FORMATS = ['svg', 'html'] as const;
export type PlotFormat = (typeof PLOT_FORMATS)[number];

export interface PlotOptions {
  /** Undefined: from --out's extension (.html/.htm), else svg. */
  format?: PlotFormat;
  out?: string;
}

/** What run.json says, as far as the plot uses it (every field may be absent in an older or interrupted run). */
interface RunFacts {
  status?: string;
  epochs_completed?: number;
  samples?: { train?: number; validation?: number };
  backend_detail?: string;
  wall_seconds?: number;
  train_seconds?: number;
  message?: string;
}

export async function plotCommand(run: string, opts: PlotOptions, io: Io): Promise<number> {
  const format = opts.format ?? (opts.out && /^\.html?$/i.test(extname(opts.out)) ? 'html' : 'svg');
  const dir = resolve(io.cwd, run);
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`cannot read '${run}': no such file or directory`);
  if (!stat.isDirectory()) throw new UsageError(`'${run}' is not a directory; plot takes a run directory written by \`nnspec train\``);
  const history = readHistory(run, dir, io);
  if (!history) return EXIT.invalid;
  const facts = readFacts(dir);
  const epochs = epochsOf(history);
  const panels = panelsOf(history);
  const spec = existsSync(join(dir, SPEC_FILE)) ? compileFile(join(run, SPEC_FILE), io.cwd) : undefined;
  const name = spec?.graph?.name || basename(dir);
  const subtitle = factsLine(facts, epochs);
  const curves = renderChartSvg(panels, { title: `${name}: training curves`, subtitle, epochs });
  let picture = curves;
  if (format === 'html') {
    const tooLarge = spec ? svgTooLarge(spec) : undefined;
    const svg = spec && !tooLarge ? await draw(spec, 'svg') : undefined;
    const graph = svg ? { svg } : { missing: tooLarge ? `the model is too large to draw here (${tooLarge}); \`nnspec graph --format dot\` draws it` : `no model graph: the run has no readable ${SPEC_FILE}` };
    picture = renderReport({
      title: `${name} — run ${run}`,
      facts: factList(facts, epochs, run),
      curves,
      graph,
      ...(spec?.graph && spec.ok ? { summary: summarize(spec.graph) } : {}),
    });
  }
  if (opts.out === undefined) io.stdout.write(picture);
  else {
    try {
      writeFileSync(resolve(io.cwd, opts.out), picture);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : ((e as Error).message ?? String(e));
      throw new UsageError(`cannot write '${opts.out}': ${why}`);
    }
    io.stderr.write(`plot: ${panels.length} chart${panels.length === 1 ? '' : 's'} of ${epochs} epoch${epochs === 1 ? '' : 's'} written to ${opts.out}\n`);
  }
  return EXIT.ok;
}

/** history.json (as Keras's History), else history.csv (as CSVLogger); undefined after reporting why neither is usable. */
function readHistory(run: string, dir: string, io: Io): History | undefined {
  const json = join(dir, HISTORY_JSON);
  const csv = join(dir, HISTORY_CSV);
  if (!existsSync(json) && !existsSync(csv)) {
    if (!existsSync(join(dir, SPEC_FILE))) throw new UsageError(`${run} is not a training run: it has no ${SPEC_FILE} or ${HISTORY_JSON} (train one with \`nnspec train SPEC --data DIR --out ${run}\`)`, 'NN900');
    reportProblem(io, 'NN913', join(run, HISTORY_JSON), 'the run has no history: no epoch finished, so there is nothing to plot', { hint: `train at least one epoch (\`nnspec train ${join(run, SPEC_FILE)} --data DIR --out ${run} --resume\` continues it)` });
    return undefined;
  }
  let why = '';
  if (existsSync(json)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(json, 'utf8'));
      if (isHistory(parsed)) return nonEmpty(parsed, run, io);
      why = 'it does not map each key to a list of numbers';
    } catch (e) {
      why = (e as Error).message.split('\n')[0]!;
    }
  }
  if (existsSync(csv)) {
    const parsed = historyFromCsv(readFileSync(csv, 'utf8'));
    if (parsed) return nonEmpty(parsed, run, io);
    why ||= `${HISTORY_CSV} has rows of different lengths`;
  }
  reportProblem(io, 'NN909', join(run, existsSync(json) ? HISTORY_JSON : HISTORY_CSV), `the run's history cannot be read (${why})`, { hint: 'the file was damaged or written by something other than nnspec train' });
  return undefined;
}

function nonEmpty(history: History, run: string, io: Io): History | undefined {
  if (epochsOf(history) > 0) return history;
  reportProblem(io, 'NN913', join(run, HISTORY_JSON), 'the run has no history: no epoch finished, so there is nothing to plot', { hint: 'train at least one epoch' });
  return undefined;
}

function readFacts(dir: string): RunFacts {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as RunFacts) : {};
  } catch {
    return {};
  }
}

function factsLine(f: RunFacts, epochs: number): string {
  const parts = [f.status?.replace('_', ' '), `${epochs} epoch${epochs === 1 ? '' : 's'}`];
  if (f.samples?.train !== undefined) parts.push(`${f.samples.train} training / ${f.samples.validation ?? 0} validation samples`);
  if (f.backend_detail) parts.push(f.backend_detail);
  return parts.filter(Boolean).join(', ');
}

function factList(f: RunFacts, epochs: number, run: string): [string, string][] {
  const list: [string, string][] = [['run', run]];
  if (f.status) list.push(['status', f.status.replace('_', ' ') + (f.message ? ` (${f.message})` : '')]);
  list.push(['epochs', String(f.epochs_completed ?? epochs)]);
  if (f.samples?.train !== undefined) list.push(['samples', `${f.samples.train} training, ${f.samples.validation ?? 0} validation`]);
  if (f.backend_detail) list.push(['backend', f.backend_detail]);
  if (typeof f.wall_seconds === 'number') list.push(['time', `${f.wall_seconds} s${typeof f.train_seconds === 'number' ? ` (${f.train_seconds} s in the training loop)` : ''}`]);
  return list;
}
