/** Test helpers: run the CLI in-process with captured output, compile inline specs. */
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli.js';
import { expect } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { GraphNode } from '../src/compiler/graph.js';

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

/** A spec with one input `x` of the given shape (a YAML list) and one layer `r`, the output. */
export const oneLayer = (layer: string, shape: string) => specWith(`  x: {shape: ${shape}}`, `  r: ${layer}`, 'r');

/** Layer `r`'s node in oneLayer(layer, shape), asserting the spec compiles without diagnostics. */
export function oneLayerNode(layer: string, shape: string): GraphNode {
  const result = compileText(oneLayer(layer, shape));
  expect(result.diagnostics).toEqual([]);
  return result.graph!.nodes.get('r')!;
}

/** The output shape and parameter count nnspec infers for one layer on one input. */
export function inferOne(layer: string, shape: string) {
  const node = oneLayerNode(layer, shape);
  return { shape: node.output!.shape, params: node.layer!.params };
}
