/**
 * `nnspec lsp`: a Language Server Protocol server over stdio (vscode-languageserver), sharing the
 * compiler. Each open document is compiled after a pause in typing (debounced); a newer edit
 * makes older work stale, and every feature answers from the latest analysis.
 */
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './actions.js';
import { analyze, type Analysis } from './analysis.js';
import { complete } from './completion.js';
import { toLspDiagnostic } from './diagnostics.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay.js';
import { definition, prepareRename, references, rename } from './navigation.js';
import { Positions } from './positions.js';

export interface LspOptions {
  /** Milliseconds of quiet before a changed document is compiled. */
  debounceMs?: number;
}

/** Above this size a document is checked on save only (the compiler is synchronous). */
const LIVE_LIMIT = 1_000_000;

interface Settings {
  inlayHints: boolean;
}

export function startServer(opts: LspOptions = {}, connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { analysis: Analysis; pos: Positions }>();
  /** The last analysis that compiled to a graph: names and types for completion while the text is mid-edit. */
  const lastGood = new Map<string, Analysis>();
  const timers = new Map<string, NodeJS.Timeout>();
  const debounceMs = opts.debounceMs ?? 200;
  const settings: Settings = { inlayHints: true };

  const fileOf = (uri: string) => {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    } catch {
      return uri;
    }
  };

  const refresh = (doc: TextDocument) => {
    const text = doc.getText();
    const analysis = analyze(doc.uri, doc.version, text, fileOf(doc.uri));
    if (documents.get(doc.uri)?.version !== doc.version) return; // edited meanwhile: the newer run reports
    analyses.set(doc.uri, { analysis, pos: new Positions(text) });
    if (analysis.result.graph) lastGood.set(doc.uri, analysis);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: analysis.result.diagnostics.map((d) => toLspDiagnostic(d, doc.uri)) });
    if (settings.inlayHints) void connection.languages.inlayHint.refresh().catch(() => {});
  };

  const schedule = (doc: TextDocument, delay: number, onSave = false) => {
    clearTimeout(timers.get(doc.uri));
    if (doc.getText().length > LIVE_LIMIT && !onSave) return;
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) refresh(current);
    }, delay));
  };

  /** The latest analysis of a document, compiling now if its text is newer. */
  const current = (uri: string) => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const known = analyses.get(uri);
    if (known && known.analysis.version === doc.version) return known;
    if (doc.getText().length > LIVE_LIMIT) return known;
    refresh(doc);
    return analyses.get(uri);
  };

  connection.onInitialize((params) => {
    const init = params.initializationOptions as { inlayHints?: boolean } | undefined;
    if (init?.inlayHints === false) settings.inlayHints = false;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '[', ',', '-'] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'nnspec' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const s = (change.settings as { nnspec?: { inlayHints?: boolean } } | undefined)?.nnspec;
    if (typeof s?.inlayHints === 'boolean') settings.inlayHints = s.inlayHints;
    void connection.languages.inlayHint.refresh().catch(() => {});
  });

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, debounceMs));
  documents.onDidSave((e) => schedule(e.document, 0, true));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    analyses.delete(e.document.uri);
    lastGood.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (uri: string, position: { line: number; character: number }) => {
    const c = current(uri);
    return c && { ...c, offset: c.pos.offset(position) };
  };

  connection.onHover((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? hover(c.analysis, c.pos, c.offset) : null;
  });
  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const latest = analyses.get(p.textDocument.uri)?.analysis;
    return complete(latest?.result.graph ? latest : (lastGood.get(p.textDocument.uri) ?? latest), text, doc.offsetAt(p.position));
  });
  connection.onDefinition((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? definition(c.analysis, c.pos, c.offset) : null;
  });
  connection.onReferences((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? references(c.analysis, c.pos, c.offset, p.context.includeDeclaration) : [];
  });
  connection.onPrepareRename((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? prepareRename(c.analysis, c.pos, c.offset) : null;
  });
  connection.onRenameRequest((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? rename(c.analysis, c.pos, c.offset, p.newName) : null;
  });
  connection.languages.inlayHint.on((p) => {
    if (!settings.inlayHints) return [];
    const c = current(p.textDocument.uri);
    return c ? inlayHints(c.analysis, c.pos, p.range) : [];
  });
  connection.onCodeAction((p) => {
    const c = current(p.textDocument.uri);
    return c ? codeActions(c.analysis, c.pos, p.context.diagnostics) : [];
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
