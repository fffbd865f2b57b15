/** The bundle's entry (dist/nnspec.mjs, loaded by bin/nnspec): the CLI and the process's streams. */
export { run } from './cli.js';
export { processIo } from './commands/io.js';
