/**
 * The one printing path for every command: diagnostics are reported here as they are found and
 * rendered in the format the user chose. Line-by-line faces (pretty, github) print at once; the
 * document faces (json, sarif) print once, at `end()`: one parseable document when anything was
 * reported, nothing when nothing was.
 */
import type { PrintedDiagnostic } from './diagnostic.js';
import { painter, type ColorEnv } from './render/color.js';
import { renderGithub } from './render/github.js';
import { renderJsonReport } from './render/json.js';
import { renderPrettyFrom, type LineSource } from './render/pretty.js';
import { renderSarif } from './render/sarif.js';

export const DIAGNOSTIC_FORMATS = ['pretty', 'json', 'github', 'sarif'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ReporterOptions {
  format: DiagnosticFormat;
  /** The command, named in the JSON document (`train`, `import`, ...). */
  command: string;
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
}

export class Reporter {
  readonly items: PrintedDiagnostic[] = [];
  private readonly sources = new Map<string, LineSource>();
  private ended = false;

  constructor(
    private readonly out: Sink,
    readonly options: ReporterOptions,
  ) {}

  get format(): DiagnosticFormat {
    return this.options.format;
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  /** The text of a file that diagnostics or their labels point into, for pretty's quotes. */
  source(file: string, lines: LineSource): void {
    this.sources.set(file, lines);
  }

  /** One diagnostic; `lines` quotes its own file when that is not registered (a data file's line). */
  report(d: PrintedDiagnostic, lines?: LineSource): void {
    this.items.push(d);
    if (this.format === 'pretty') {
      const c = painter(this.colorEnv());
      this.out.write(renderPrettyFrom([d], (f) => (f === d.file && lines ? lines : this.sources.get(f)), c));
    } else if (this.format === 'github') this.out.write(renderGithub([d]));
  }

  /** Several diagnostics of one file together, so that pretty lines up their gutters. */
  reportAll(ds: readonly PrintedDiagnostic[]): void {
    if (ds.length === 0) return;
    this.items.push(...ds);
    if (this.format === 'pretty') this.out.write(renderPrettyFrom(ds, (f) => this.sources.get(f), painter(this.colorEnv())));
    else if (this.format === 'github') this.out.write(renderGithub(ds));
  }

  /** A line for people (a count, what was not done); pretty only, so machine output stays one document. */
  note(text: string): void {
    if (this.format === 'pretty') this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints the json or sarif document, once, when anything was reported (a clean run leaves stderr empty). */
  end(): void {
    if (this.ended || this.items.length === 0) return;
    this.ended = true;
    if (this.format === 'json') this.out.write(renderJsonReport(this.options.command, this.items));
    if (this.format === 'sarif') this.out.write(renderSarif(this.items, this.options.version, this.options.cwd));
  }

  private colorEnv(): ColorEnv {
    return { isTTY: this.out.isTTY, env: this.options.env };
  }
}

/** A diagnostic about a file as a whole, or about the command line (file null). */
export function fileDiagnostic(
  code: PrintedDiagnostic['code'],
  file: string | null,
  message: string,
  extra: { hint?: string; place?: string; offset?: number; severity?: PrintedDiagnostic['severity'] } = {},
): PrintedDiagnostic {
  const d: PrintedDiagnostic = { code, severity: extra.severity ?? 'error', message, file, line: null, column: null, end_line: null, end_column: null };
  if (extra.offset !== undefined) d.offset = extra.offset;
  if (extra.place !== undefined) d.place = extra.place;
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}
