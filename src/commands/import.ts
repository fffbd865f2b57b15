/**
 * `nnspec import MODEL.json [--out FILE] [--force]`: a Keras (`model.to_json()`, Keras 2 or 3) or
 * TensorFlow.js (`model.toJSON()`, model.json) model → a v1 spec. What nnspec cannot express is
 * reported at its line:column in the JSON and nothing is written: a layer is never dropped.
 * Exit 0 written, 1 the model cannot be expressed, 2 usage (no such file, --out exists).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { NNSPEC_VERSION } from '../backends/export/version.js';
import { readKerasGraph, type Problem } from '../backends/import/keras-graph.js';
import { parseLocatedJson } from '../backends/import/located-json.js';
import { specYaml } from '../backends/import/spec-yaml.js';
import { toSpec } from '../backends/import/to-spec.js';
import { thousands } from '../backends/summary/rows.js';
import { compile } from '../compiler/compile.js';
import type { Code } from '../diagnostics/codes.js';
import type { PrintedDiagnostic, Severity } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/lines.js';
import { fileDiagnostic } from '../diagnostics/report.js';
import { readRegularFile } from './files.js';
import { EXIT, reporterOf, UsageError, type Io } from './io.js';
import { schemaLine } from './schema-ref.js';

export interface ImportOptions {
  /** The spec file to write; default stdout. */
  out?: string;
  /** Overwrite --out if it exists. */
  force?: boolean;
}

/** Model JSONs are configs, not weights; this is far above any real one. */
const MAX_MODEL_BYTES = 64 * 1024 * 1024;

export async function importCommand(file: string, opts: ImportOptions, io: Io): Promise<number> {
  const text = readModel(file, io.cwd);
  const outPath = opts.out === undefined ? undefined : resolve(io.cwd, opts.out);
  if (outPath && existsSync(outPath) && !opts.force) throw new UsageError(`'${opts.out}' exists; pass --force to overwrite it`, 'NN005');
  const lines = new LineIndex(text);
  const reporter = reporterOf(io);
  reporter.source(file, lines);
  const report = (problems: readonly Problem[]) => {
    reporter.reportAll(problems.map((p) => atJson(p, 'error')));
    reporter.note(`nnspec: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}; no spec written`);
    return EXIT.invalid;
  };
  // A problem at its line:column in the model JSON.
  const atJson = (p: { code: Code; message: string; at: number; hint?: string }, severity: Severity): PrintedDiagnostic => {
    const { line, column } = lines.position(p.at);
    // One character wide, unless the place is a line break or the end of the file (then empty, so it stays on its line).
    const width = p.at < text.length && text[p.at] !== '\n' ? 1 : 0;
    return { code: p.code, severity, message: p.message, file, line, column, end_line: line, end_column: column + width, ...(p.hint ? { hint: p.hint } : {}) };
  };

  const parsed = parseLocatedJson(text);
  if (!parsed.ok) return report([{ code: 'NN700', message: `not valid JSON: ${parsed.message}`, at: parsed.offset }]);
  const read = readKerasGraph(parsed.json);
  if (!read.graph || read.problems.length > 0) return report(read.problems);
  const built = toSpec(read.graph, parsed.json);
  if (!built.spec || built.problems.length > 0) return report(built.problems);

  const specFile = outPath ?? resolve(io.cwd, 'spec.yaml');
  const header = [schemaLine(specFile), `Imported by nnspec ${NNSPEC_VERSION} from ${basename(file)} (${read.graph.format}).`];
  const yaml = specYaml(built.spec, header);
  const shown = opts.out ?? '<stdout>';
  const result = compile(yaml, shown);
  // The spec's own checks (argument values, shapes) are problems of the model: point at its layer in the JSON.
  const owners = layerLines(yaml);
  const located = (d: (typeof result.diagnostics)[number]) => {
    const origin = built.origin.get(owners.get(d.line) ?? '');
    return { code: d.code, message: `${origin ? `${origin.describe}: ` : ''}${d.message}`, at: origin?.at ?? 0, ...(d.hint ? { hint: d.hint } : {}) };
  };
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.graph) return report(errors.map(located));
  for (const note of built.notes) reporter.report(note.at === undefined ? fileDiagnostic('NN707', file, note.message, { severity: 'warning' }) : atJson({ code: 'NN707', ...note, at: note.at }, 'warning'));
  for (const d of result.diagnostics) reporter.report(atJson(located(d), 'warning'));

  if (outPath) {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, yaml);
  } else {
    io.stdout.write(yaml);
  }
  const nodes = result.graph.order.length - result.graph.inputs.length;
  reporter.note(`nnspec: ${shown}: ${nodes} layer${nodes === 1 ? '' : 's'}, ${thousands(result.graph.totalParams)} parameters, from ${read.graph.format}`);
  return EXIT.ok;
}

function readModel(file: string, cwd: string): string {
  // A FIFO or device given as the model would block or never end: only a regular file is read.
  const read = readRegularFile(resolve(cwd, file), file, MAX_MODEL_BYTES);
  if ('tooLarge' in read) throw new UsageError(`'${file}' is ${read.tooLarge} bytes; a model JSON over 64 MB is not a model config`, 'NN706');
  return read.bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** The spec node each generated line belongs to (one flow mapping a line under `layers:`). */
function layerLines(yaml: string): Map<number, string> {
  const owners = new Map<number, string>();
  let inLayers = false;
  yaml.split('\n').forEach((line, i) => {
    if (/^\S/.test(line)) inLayers = line.startsWith('layers:');
    const m = inLayers ? /^ {2}([^\s:][^:]*): /.exec(line) : null;
    if (m) owners.set(i + 1, m[1]!);
  });
  return owners;
}
