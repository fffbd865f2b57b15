/** A real LSP client (vscode-jsonrpc) driving the built `nnspec lsp` process over stdio. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface Published {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string; severity: number; source: string; relatedInformation?: unknown[] }[];
}

export class LspClient {
  readonly conn: MessageConnection;
  private readonly proc: ChildProcess;
  private readonly published: Published[] = [];
  private waiters: { uri: string; version?: number; resolve: (p: Published) => void; reject: (e: Error) => void }[] = [];
  /** Set when the server process ended: every wait fails at once instead of hanging. */
  private exited?: Error;

  constructor(initializationOptions?: unknown) {
    this.proc = spawn(process.execPath, [join(import.meta.dirname, '../../bin/nnspec'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || (w.version !== undefined && p.version !== w.version)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    let stderr = '';
    this.proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    this.proc.on('exit', (code) => {
      this.exited = new Error(`nnspec lsp exited (status ${code}): ${stderr.slice(0, 500)}`);
      for (const w of this.waiters) w.reject(this.exited);
      this.waiters = [];
    });
    this.conn.listen();
    this.init = this.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions }).then(() => this.conn.sendNotification('initialized', {}));
  }

  readonly init: Promise<void>;

  /** The diagnostics published for `uri` (at `version`, when given): waits on the server's notification. */
  diagnostics(uri: string, version?: number): Promise<Published> {
    const done = this.published.find((p) => p.uri === uri && (version === undefined || p.version === version));
    if (done) return Promise.resolve(done);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ uri, version, resolve, reject }));
  }

  open(uri: string, text: string, version = 1): void {
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri: string, version: number, text: string): void {
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.on('exit', (code) => resolve(code)));
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}
