// `npm run fuzz -- --count N --seed S [--data-count M] [--spawn K] [--save]`: bundles the fuzzer
// (test/fuzz/, TypeScript importing src/ directly) with esbuild and runs it, so a fuzz run
// needs no `npm run build` (only --spawn uses dist/). See FUZZING.md.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the package (node_modules/.cache), so src/paths.ts finds the package root from the bundle.
const out = `${root}node_modules/.cache/nnspec-fuzz/fuzz.mjs`;
mkdirSync(`${root}node_modules/.cache/nnspec-fuzz`, { recursive: true });
await build({
  entryPoints: [`${root}test/fuzz/run.ts`],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@tensorflow/*', 'elkjs', 'playwright-core', 'onnxruntime-node', 'vitest'],
  banner: { js: "import { createRequire as __nnspecRequire } from 'node:module'; const require = __nnspecRequire(import.meta.url);" },
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '--stack-size=984', out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, NNSPEC_ROOT: root } });
process.exitCode = r.status ?? 1;
