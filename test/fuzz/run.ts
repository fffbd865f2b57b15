/** The entry scripts/fuzz.mjs runs (bundled by esbuild, so it needs no build of dist/). */
import { fileURLToPath } from 'node:url';
import { main } from './main.js';

const root = process.env.NNSPEC_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
process.exitCode = await main(process.argv.slice(2), root);
