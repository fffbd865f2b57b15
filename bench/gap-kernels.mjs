// nnspec's tfjs gap kernels (src/backends/tfjs/kernels/) bundled on the fly, from the working tree or
// from a git revision, so a benchmark can measure them without a build and compare two versions of
// them in one process (each bundle has its own functions, so their loops are JIT-compiled apart).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const KERNELS = 'src/backends/tfjs/kernels';

/** The kernels module (registerGapKernels, GAP_KERNELS) of the working tree, or of git revision `rev`. */
export async function loadGapKernels(rev) {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-kernels-'));
  try {
    let src = root;
    if (rev) {
      execFileSync('sh', ['-c', `git -C "${root}" archive "${rev}" ${KERNELS} | tar -x -C "${dir}"`]);
      src = dir;
    }
    const outfile = join(dir, 'kernels.mjs');
    await build({ entryPoints: [join(src, KERNELS, 'index.ts')], outfile, bundle: true, platform: 'node', format: 'esm', external: ['@tensorflow/*'], logLevel: 'warning' });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
