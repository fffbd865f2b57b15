// Bundles the CLI into one file, dist/nnspec.mjs, so start-up resolves and reads one module instead
// of ~100 (validate on one spec: about half the wall time; see bench/RESULTS.md). TensorFlow.js
// stays external: it is imported only by the training commands, when they run.
import { build } from 'esbuild';

// validate's worker threads load their own bundle, beside the CLI's (src/validate/pool.ts finds it there).
for (const [entry, outfile] of [['dist/main.js', 'dist/nnspec.mjs'], ['dist/validate/worker.js', 'dist/validate-worker.mjs']]) await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@tensorflow/*', 'elkjs', 'playwright-core', 'onnxruntime-node'],
  banner: { js: "import { createRequire as __nnspecRequire } from 'node:module'; const require = __nnspecRequire(import.meta.url);" },
  logLevel: 'warning',
});
