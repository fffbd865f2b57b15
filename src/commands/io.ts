import { NNSPEC_VERSION } from '../backends/export/version.js';
import type { Code, UsageCode } from '../diagnostics/codes.js';
import { fileDiagnostic, Reporter, type DiagnosticFormat } from '../diagnostics/report.js';

/** What a command may touch: its output streams and the environment. Tests pass their own. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where diagnostics go, in the format the user chose; default pretty on stderr. */
  diagnostics?: Reporter;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** A user-facing failure of the command line itself (bad flag, missing path): exit status 2. */
export class UsageError extends Error {
  readonly code: Code;

  /** Without a code, the kind of mistake is read from the message (paths that name nothing, outputs that exist). */
  constructor(message: string, code?: Code) {
    super(message);
    this.code = code ?? usageCode(message);
  }
}

function usageCode(message: string): UsageCode {
  if (/exists; pass --force/.test(message)) return 'NN005';
  if (/is a directory|is not a file|not a file or directory|, not a file/.test(message)) return 'NN007';
  if (/^cannot (read|write)|no such file|^no files match|^no \*\.yaml/.test(message)) return 'NN004';
  return 'NN000';
}

/** 70 is sysexits' EX_SOFTWARE: nnspec itself failed, whatever the input. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 70, interrupted: 130 } as const;

const defaults = new WeakMap<Io, Reporter>();

/** A reporter for `command` writing to stderr in `format`. */
export function makeReporter(io: Io, format: DiagnosticFormat, command: string): Reporter {
  return new Reporter(io.stderr, { format, command, env: io.env, cwd: io.cwd, version: NNSPEC_VERSION });
}

/** The command's reporter: the one the CLI set up, or (a command called directly) pretty on stderr. */
export function reporterOf(io: Io): Reporter {
  if (io.diagnostics) return io.diagnostics;
  let r = defaults.get(io);
  if (!r) {
    r = makeReporter(io, 'pretty', 'nnspec');
    defaults.set(io, r);
  }
  return r;
}

/** Reports an error (or, with `severity`, a warning) about a file as a whole, or about the command line (file null). */
export function reportProblem(io: Io, code: Code, file: string | null, message: string, extra: Parameters<typeof fileDiagnostic>[3] = {}): void {
  reporterOf(io).report(fileDiagnostic(code, file, message, extra));
}

/** Reports a usage error: its code, the message, and the help to read. */
export function reportUsage(io: Io, message: string, code: Code = 'NN000', command = 'nnspec'): void {
  reporterOf(io).report(fileDiagnostic(code, null, message, { hint: `see \`${command} --help\`` }));
}

/** Commander's error codes (commander.unknownOption, ...) as nnspec's. */
function commanderCode(message: string): UsageCode {
  if (/^unknown (option|command)/.test(message)) return 'NN001';
  if (/missing|not specified/.test(message)) return 'NN002';
  if (/invalid|Allowed choices/i.test(message)) return 'NN003';
  return 'NN000';
}

/**
 * Commander's output for one command: help and version on stdout, and its own errors
 * ("error: unknown option '--x'\n(Did you mean --y?)") restated as one usage line.
 */
export function commanderOutput(io: Io, command: string) {
  return {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
    outputError: (s: string) => {
      const message = s
        .trim()
        .replace(/^error: /, '')
        .replace(/\s*\n\(Did you mean (.*)\?\)$/, '; did you mean $1?')
        .replace(/\s*\n\s*/g, ' ');
      reportUsage(io, message, commanderCode(message), command);
    },
  };
}

/** A flag value checked against its choices, refused with a usage error that lists them. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    const list = choices.length <= 1 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
    throw new UsageError(`unknown ${flag} '${value}'; expected ${list}`, 'NN003');
  };
}
