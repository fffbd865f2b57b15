/**
 * Runs nnspec commands in-process (the CLI's `run` with a fake io) and judges what they did.
 * The oracle: an exit status in the documented set, no stack trace or uncaught exception,
 * machine output that parses, an error diagnostic for every invalid file with every place inside
 * the file, `total_params` equal to the sum of the rows, exact integer shapes.
 */
import { run } from '../../src/cli.js';
import { compile } from '../../src/compiler/compile.js';

export interface CommandRun {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Finding {
  /** One line: what broke the oracle. */
  problem: string;
  argv?: string[];
  detail?: string;
}

/** Time spent per command (and in the reference compile), for the report. */
export const msByCommand: Record<string, number> = {};

export async function runInProcess(argv: string[], cwd: string): Promise<CommandRun | { argv: string[]; threw: unknown; ms: number }> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  try {
    const code = await run(argv, {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      // An internal error (exit 70, NN999) prints its stack trace for the finding's detail.
      env: { NNSPEC_DEBUG: '1' },
      cwd,
    });
    const ms = performance.now() - started;
    msByCommand[argv[0]!] = (msByCommand[argv[0]!] ?? 0) + ms;
    return { argv, code, stdout, stderr, ms };
  } catch (e) {
    return { argv, threw: e, ms: performance.now() - started };
  }
}

const STACK = /\n\s+at [^\n]*(?::\d+:\d+|\(native\)|<anonymous>)/;
const UNCAUGHT = /\b(TypeError|RangeError|ReferenceError|InternalError|Maximum call stack|out of memory|is not a function|is not iterable|Cannot read properties)\b/;

/** The common checks on any command's run: it returned, with an allowed status, and printed no stack trace. */
export function checkRun(r: Awaited<ReturnType<typeof runInProcess>>, allowed: readonly number[], findings: Finding[]): r is CommandRun {
  if ('threw' in r) {
    const e = r.threw as Error;
    findings.push({ problem: `uncaught ${e?.name ?? 'exception'}: ${String(e?.message ?? e).slice(0, 200)}`, argv: r.argv, detail: e?.stack });
    return false;
  }
  if (!allowed.includes(r.code)) findings.push({ problem: `exit ${r.code}, expected one of ${allowed.join(', ')}`, argv: r.argv, detail: r.stderr.slice(0, 2000) });
  for (const [stream, text] of [['stderr', r.stderr], ['stdout', r.stdout]] as const) {
    if (STACK.test(text) || UNCAUGHT.test(text)) findings.push({ problem: `a stack trace or internal error on ${stream}`, argv: r.argv, detail: text.slice(0, 2000) });
  }
  return true;
}

/** Line starts of a text as the renderers count them (only \n ends a line). */
export class Lines {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  get count(): number {
    return this.starts.length;
  }
  /** Length of a 1-based line in UTF-16 units, its \r included. */
  length(line: number): number {
    const start = this.starts[line - 1]!;
    const next = this.starts[line];
    return (next === undefined ? this.text.length : next - 1) - start;
  }
  inside(line: number | null, column: number | null): boolean {
    if (line === null || column === null) return false;
    return Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= this.count && column >= 1 && column <= this.length(line) + 1;
  }
}

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number | null;
  column: number | null;
  end_line: number | null;
  end_column: number | null;
}

/** Every diagnostic placed inside `lines`, with a code and a message; returns the error count. */
function checkPlaces(diags: readonly JsonDiagnostic[], lines: Lines, what: string, findings: Finding[], argv: string[]): number {
  let errors = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    if (!/^NN\d{3}$/.test(d.code) || !d.message) findings.push({ problem: `${what}: a diagnostic without a code or message`, argv, detail: JSON.stringify(d) });
    if (!lines.inside(d.line, d.column) || !lines.inside(d.end_line, d.end_column)) {
      findings.push({ problem: `${what}: ${d.code} placed outside the file (${d.line}:${d.column}-${d.end_line}:${d.end_column})`, argv, detail: JSON.stringify(d) });
    } else if (d.end_line! < d.line! || (d.end_line === d.line && d.end_column! < d.column!)) {
      findings.push({ problem: `${what}: ${d.code} ends before it starts`, argv, detail: JSON.stringify(d) });
    }
  }
  return errors;
}

function parseJson(text: string, what: string, findings: Finding[], argv: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    findings.push({ problem: `${what} is not JSON: ${(e as Error).message}`, argv, detail: text.slice(0, 500) });
    return undefined;
  }
}

const VALIDATE = ['json', 'sarif', 'github', 'pretty'] as const;
const SUMMARY = ['json', 'table', 'markdown'] as const;
const GRAPH = ['dot', 'mermaid'] as const;

/** Shapes in summary JSON: null or an exact non-negative integer. */
function exactShape(shape: unknown): boolean {
  return Array.isArray(shape) && shape.every((d) => d === null || (Number.isSafeInteger(d) && (d as number) >= 0));
}

/**
 * One spec case through validate, summary and graph (formats rotate with `index`), judged
 * against the compiler's own result for the same bytes. `svg` adds an SVG drawing.
 */
export async function checkSpecCase(file: string, bytes: Uint8Array, cwd: string, index: number, opts: { svg: boolean }, findings: Finding[]): Promise<void> {
  let reference: ReturnType<typeof compile>;
  const t0 = performance.now();
  try {
    reference = compile(bytes, file);
    msByCommand.compile = (msByCommand.compile ?? 0) + performance.now() - t0;
  } catch (e) {
    findings.push({ problem: `compile threw ${(e as Error).name}: ${(e as Error).message}`, detail: (e as Error).stack });
    return;
  }
  const lines = new Lines(reference.text);
  const invalid = !reference.ok;
  checkPlaces(reference.diagnostics, lines, 'compile', findings, ['compile']);
  if (invalid && !reference.diagnostics.some((d) => d.severity === 'error')) findings.push({ problem: 'compile: not ok but no error diagnostic' });

  const vf = VALIDATE[index % VALIDATE.length]!;
  const v = await runInProcess(['validate', '--format', vf, file], cwd);
  if (checkRun(v, [0, 1], findings)) {
    if ((v.code === 1) !== invalid) findings.push({ problem: `validate exit ${v.code} but compile ok=${reference.ok}`, argv: v.argv });
    if (vf === 'json') {
      const report = parseJson(v.stdout, 'validate --format json', findings, v.argv) as { files: { valid: boolean; diagnostics: JsonDiagnostic[] }[]; errors: number } | undefined;
      if (report) {
        const errors = checkPlaces(report.files[0]?.diagnostics ?? [], lines, 'validate json', findings, v.argv);
        if (invalid && errors === 0) findings.push({ problem: 'validate json: invalid file without an error diagnostic', argv: v.argv });
        if (errors !== report.errors) findings.push({ problem: `validate json: errors ${report.errors} but ${errors} error diagnostics`, argv: v.argv });
      }
    } else if (vf === 'sarif') {
      const sarif = parseJson(v.stdout, 'validate --format sarif', findings, v.argv) as { runs: { results: { level: string; locations?: { physicalLocation?: { region?: { startLine: number; startColumn: number } } }[] }[] }[] } | undefined;
      const results = sarif?.runs?.[0]?.results;
      if (sarif && !Array.isArray(results)) findings.push({ problem: 'validate sarif: no runs[0].results', argv: v.argv });
      else if (results) {
        if (invalid && !results.some((x) => x.level === 'error')) findings.push({ problem: 'validate sarif: invalid file without an error result', argv: v.argv });
        for (const x of results) {
          const region = x.locations?.[0]?.physicalLocation?.region;
          if (region && !lines.inside(region.startLine, region.startColumn)) findings.push({ problem: `validate sarif: region ${region.startLine}:${region.startColumn} outside the file`, argv: v.argv });
        }
      }
    } else if (vf === 'github') {
      const out = v.stdout.split('\n').filter((l) => l.length > 0);
      const bad = out.find((l) => !/^::(error|warning|notice)( [^:]*)?::/.test(l));
      if (bad !== undefined) findings.push({ problem: 'validate github: a line that is not a workflow command', argv: v.argv, detail: bad.slice(0, 300) });
      if (invalid && !out.some((l) => l.startsWith('::error'))) findings.push({ problem: 'validate github: invalid file without ::error', argv: v.argv });
    }
  }

  // summary on even cases, graph on odd ones: each compiles the spec again, and time matters at 100,000 cases.
  const sf = SUMMARY[(index >> 1) % SUMMARY.length]!;
  const s = index % 2 === 0 ? await runInProcess(['summary', '--format', sf, file], cwd) : undefined;
  if (s && checkRun(s, [0, 1], findings)) {
    if ((s.code === 1) !== invalid) findings.push({ problem: `summary exit ${s.code} but compile ok=${reference.ok}`, argv: s.argv });
    if (s.code === 0 && sf === 'json') {
      const summary = parseJson(s.stdout, 'summary --format json', findings, s.argv) as { layers: { params: number; output_shape: unknown }[]; total_params: number; trainable_params: number; non_trainable_params: number } | undefined;
      if (summary) {
        const rows = summary.layers.reduce((n, l) => n + l.params, 0);
        if (rows !== summary.total_params) findings.push({ problem: `summary json: total_params ${summary.total_params} but the rows sum to ${rows}`, argv: s.argv });
        if (summary.trainable_params + summary.non_trainable_params !== summary.total_params) findings.push({ problem: 'summary json: trainable + non-trainable != total', argv: s.argv });
        if (!Number.isSafeInteger(summary.total_params)) findings.push({ problem: `summary json: total_params ${summary.total_params} is not an exact integer`, argv: s.argv });
        const bad = summary.layers.find((l) => !exactShape(l.output_shape));
        if (bad) findings.push({ problem: `summary json: inexact shape ${JSON.stringify(bad.output_shape)}`, argv: s.argv });
      }
    }
    if (s.code === 0 && sf !== 'json' && !/Total params/.test(s.stdout)) findings.push({ problem: `summary ${sf}: no totals`, argv: s.argv });
  }

  const gf = GRAPH[(index >> 1) % GRAPH.length]!;
  const g = index % 2 === 1 ? await runInProcess(['graph', '--format', gf, file], cwd) : undefined;
  if (g && checkRun(g, [0, 1], findings)) {
    if (g.code === 0 && invalid) findings.push({ problem: 'graph exit 0 on an invalid spec', argv: g.argv });
    if (g.code === 0 && !(gf === 'dot' ? /^digraph /m.test(g.stdout) : /flowchart/.test(g.stdout))) findings.push({ problem: `graph ${gf}: no picture`, argv: g.argv, detail: g.stdout.slice(0, 300) });
  }
  if (opts.svg) {
    const svg = await runInProcess(['graph', '--format', 'svg', file], cwd);
    if (checkRun(svg, [0, 1, 2], findings) && svg.code !== 2 && svg.stdout.length > 0 && !/^<svg|^<\?xml/.test(svg.stdout)) findings.push({ problem: 'graph svg: output is not SVG', argv: svg.argv });
  }
}

/** One Keras JSON case through `import`: exit 0 prints a spec that compiles; 1 places its diagnostics inside the JSON. */
export async function checkImportCase(file: string, bytes: Uint8Array, cwd: string, findings: Finding[]): Promise<void> {
  const r = await runInProcess(['import', '--format', 'json', file], cwd);
  if (!checkRun(r, [0, 1, 2], findings)) return;
  if (r.code === 0) {
    const spec = compile(r.stdout, 'imported.yaml');
    if (!spec.ok) findings.push({ problem: `import exit 0 but its spec does not compile: ${spec.diagnostics.find((d) => d.severity === 'error')?.message}`, argv: r.argv, detail: r.stdout.slice(0, 2000) });
  }
  if (r.code === 1) {
    const start = r.stderr.indexOf('{');
    const report = start < 0 ? undefined : (parseJson(r.stderr.slice(start), 'import --format json', findings, r.argv) as { diagnostics: JsonDiagnostic[] } | undefined);
    if (!report) {
      if (start < 0) findings.push({ problem: 'import exit 1 without a JSON report', argv: r.argv, detail: r.stderr.slice(0, 500) });
      return;
    }
    const lines = new Lines(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
    const own = report.diagnostics.filter((d) => d.file === file && d.line !== null);
    checkPlaces(own, lines, 'import', findings, r.argv);
    if (!report.diagnostics.some((d) => d.severity === 'error')) findings.push({ problem: 'import exit 1 without an error diagnostic', argv: r.argv });
  }
}
