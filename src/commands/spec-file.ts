/** Reading and compiling the spec a training command is given; diagnostics go to stderr. */
import type { Graph } from '../compiler/graph.js';
import { compileReporting } from './files.js';
import { UsageError, type Io } from './io.js';

export interface LoadedSpec {
  file: string;
  bytes: Buffer;
  graph: Graph;
}

/** The compiled spec, or undefined after printing why it cannot be used (exit 1). */
export function loadSpec(file: string, io: Io): LoadedSpec | undefined {
  const result = compileReporting(file, io);
  const bytes = Buffer.from(result.text, 'utf8');
  if (!result.ok || !result.graph) return undefined;
  return { file, bytes, graph: result.graph };
}

/** A positive integer flag, or a usage error naming it. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer; got '${value}'`);
  return n;
}

export function nonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer; got '${value}'`);
  return n;
}

export function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new UsageError(`${flag} must be a number in [0, 1); got '${value}'`);
  return n;
}

export function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number; got '${value}'`);
  return n;
}
