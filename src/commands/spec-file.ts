/** Reading and compiling the spec a command is given; its diagnostics go to the command's reporter. */
import type { Graph } from '../compiler/graph.js';
import type { Code } from '../diagnostics/codes.js';
import type { PrintedDiagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/lines.js';
import { linesOf, spanPlace } from '../diagnostics/locate.js';
import { fileDiagnostic } from '../diagnostics/report.js';
import { resolve } from 'node:path';
import { keySpan, type SpecDocument } from '../spec/document.js';
import { compileFile } from './files.js';
import { reporterOf, UsageError, type Io } from './io.js';

export interface LoadedSpec {
  file: string;
  /** The file's absolute path (`from:` files are relative to its directory). */
  path: string;
  bytes: Buffer;
  graph: Graph;
}

/** The parsed spec behind a compiled graph, so that later problems (data, runs) can point into it. */
const documents = new WeakMap<Graph, SpecDocument>();

export function specDocumentOf(graph: Graph): SpecDocument | undefined {
  return documents.get(graph);
}

/** A problem with a compiled spec found after compiling (no loss to train on...), at the key `ptr` names. */
export function specDiagnostic(graph: Graph, file: string, code: Code, message: string, ptr: string, hint?: string): PrintedDiagnostic {
  const doc = documents.get(graph);
  if (!doc) return fileDiagnostic(code, file, message, hint === undefined ? {} : { hint });
  return { code, severity: 'error', message, file, ...spanPlace(linesOf(file, doc.text), keySpan(doc, ptr)), ...(hint === undefined ? {} : { hint }) };
}

/** The compiled spec, or undefined after reporting why it cannot be used (exit 1). */
export function loadSpec(file: string, io: Io): LoadedSpec | undefined {
  const result = compileFile(file, io.cwd);
  const reporter = reporterOf(io);
  if (result.text.length > 0) reporter.source(file, new LineIndex(result.text));
  reporter.reportAll(result.diagnostics);
  const bytes = Buffer.from(result.text, 'utf8');
  if (!result.ok || !result.graph) return undefined;
  if (result.doc) documents.set(result.graph, result.doc);
  return { file, path: resolve(io.cwd, file), bytes, graph: result.graph };
}

/** A positive integer flag, or a usage error naming it. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer; got '${value}'`, 'NN003');
  return n;
}

export function nonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer; got '${value}'`, 'NN003');
  return n;
}

export function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new UsageError(`${flag} must be a number in [0, 1); got '${value}'`, 'NN003');
  return n;
}

export function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number; got '${value}'`, 'NN003');
  return n;
}
