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
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** A user-facing failure of the command line itself (bad flag, missing path): exit status 2. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, invalid: 1, usage: 2, interrupted: 130 } as const;

/** The one line a usage error prints on stderr. */
export function usageLine(message: string, command = 'nnspec'): string {
  return `nnspec: ${message} (see \`${command} --help\`)\n`;
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
      io.stderr.write(usageLine(message, command));
    },
  };
}

/** A flag value checked against its choices, refused with a usage error that lists them. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    const list = choices.length <= 1 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
    throw new UsageError(`unknown ${flag} '${value}'; expected ${list}`);
  };
}
