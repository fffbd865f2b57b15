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
