/** `nnspec lsp`: the language server on stdin/stdout, until the client disconnects. */
import { startServer } from '../lsp/server.js';

export interface LspCommandOptions {
  stdio?: boolean;
}

export async function lspCommand(_opts: LspCommandOptions): Promise<number> {
  const connection = startServer();
  await new Promise<void>((resolve) => connection.onExit(() => resolve()));
  return 0;
}
