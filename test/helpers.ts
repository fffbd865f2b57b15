/** Test helpers: run the CLI in-process with captured output, compile inline specs. */
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli.js';
import { compile } from '../src/compiler/compile.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: Record<string, string>; isTTY?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.isTTY ?? false },
    env: opts.env ?? {},
    cwd: opts.cwd ?? ROOT,
  });
  return { code, stdout, stderr };
}

/** Compiles YAML text; `file` defaults to "spec.yaml". */
export function compileText(text: string, file = 'spec.yaml') {
  return compile(text, file);
}

/** The located diagnostics reduced to what tests assert: code, line:column, message. */
export function brief(text: string) {
  return compileText(text).diagnostics.map((d) => ({ code: d.code, at: `${d.line}:${d.column}`, message: d.message, severity: d.severity }));
}

/** A minimal valid spec around the given `layers:` block (indented by two spaces) with one input. */
export function specWith(inputs: string, layers: string, outputs: string): string {
  return `nnspec: 1\nname: t\ninputs:\n${inputs}\nlayers:\n${layers}\noutputs: [${outputs}]\n`;
}
