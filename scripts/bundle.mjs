// Bundles the CLI into one file, dist/nnspec.mjs, so start-up resolves and reads one module instead
// of ~100 (validate on one spec: about half the wall time; see bench/RESULTS.md). TensorFlow.js
// stays external: it is imported only by the training commands, when they run.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/main.js'],
  outfile: 'dist/nnspec.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@tensorflow/*', 'elkjs', 'playwright-core'],
  banner: { js: "import { createRequire as __nnspecRequire } from 'node:module'; const require = __nnspecRequire(import.meta.url);" },
  logLevel: 'warning',
});
