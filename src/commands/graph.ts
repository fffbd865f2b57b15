/**
 * `nnspec graph SPEC --format svg|dot|mermaid [--out FILE]`: a picture of the model. An invalid
 * spec is still drawn as far as it resolved, with what failed marked, and exits 1.
 */
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { draw, svgTooLarge, type GraphFormat } from '../backends/graph/draw.js';
import { compileReporting } from './files.js';
import { EXIT, reportProblem, UsageError, type Io } from './io.js';

export interface GraphOptions {
  /** Undefined: taken from --out's extension (.dot/.gv, .mmd/.mermaid), else svg. */
  format?: GraphFormat;
  out?: string;
}

const BY_EXTENSION: Record<string, GraphFormat> = { '.svg': 'svg', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.mermaid': 'mermaid' };

export async function graphCommand(file: string, opts: GraphOptions, io: Io): Promise<number> {
  const format = opts.format ?? (opts.out ? BY_EXTENSION[extname(opts.out).toLowerCase()] : undefined) ?? 'svg';
  const result = compileReporting(file, io);
  const tooLarge = format === 'svg' ? svgTooLarge(result) : undefined;
  if (tooLarge) throw new UsageError(`cannot draw '${file}' as SVG: ${tooLarge}; use --format dot (Graphviz lays out large graphs) or --format mermaid`);
  const picture = await draw(result, format);
  if (picture === undefined) {
    reportProblem(io, 'NN911', file, 'nothing to draw: the file does not describe inputs and layers');
    return EXIT.invalid;
  }
  if (opts.out === undefined) io.stdout.write(picture);
  else {
    try {
      writeFileSync(resolve(io.cwd, opts.out), picture);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : ((e as Error).message ?? String(e));
      throw new UsageError(`cannot write '${opts.out}': ${why}`);
    }
  }
  return result.ok ? EXIT.ok : EXIT.invalid;
}
