// The MLflow language server: wires the editor-free analysers to LSP. Started by the extension over
// IPC (or with --stdio by tests and other editors). No handler may take the process down: every one
// is wrapped, and a failure degrades to "no result" plus a log line.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionKind, createConnection, ProposedFeatures, ResponseError, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CodeAction, Connection, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalyzer, documentKind } from './documents';
import type { DocumentAnalysis, DocumentKind } from './documents';
import { parseMlproject } from './mlproject/parse';
import { complete } from './features/completion';
import { hover } from './features/hover';
import { documentSymbols } from './features/symbols';
import { definition, prepareRename, rename } from './features/navigation';
import { fixesInRange } from './features/codeActions';
import { SOURCE, toCompletionItem, toDiagnostic, toDocumentSymbol, toRange, toSpan, toTextEdit } from './lsp/convert';
import { ENTRY_POINTS_REQUEST } from './protocol';
import type { EntryPointsParams, EntryPointsResult } from './protocol';

const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

function log(message: string, error?: unknown): void {
  const detail = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : error === undefined ? '' : String(error);
  try {
    connection.console.error(`${message}${detail ? `: ${detail}` : ''}`);
  } catch {
    // The connection may already be gone; there is nowhere left to report.
  }
}

/** Runs a handler, turning any exception into `fallback` so one bad document cannot stop the server. */
function safe<A extends unknown[], R>(name: string, fallback: R, handler: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return handler(...args);
    } catch (e) {
      log(`mlflow language server: ${name} failed`, e);
      return fallback;
    }
  };
}

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** File checks only make sense for documents on disk. */
function fileExistsBeside(uri: string): ((relativePath: string) => boolean) | undefined {
  const path = filePath(uri);
  if (!path) return undefined;
  const dir = dirname(path);
  return (rel) => {
    try {
      return existsSync(resolvePath(dir, rel));
    } catch {
      return true; // unreadable paths are not reported as missing
    }
  };
}

function kindOf(doc: TextDocument): DocumentKind | undefined {
  let path = doc.uri;
  try {
    path = decodeURIComponent(new URL(doc.uri).pathname);
  } catch {
    // keep the raw URI
  }
  return documentKind(path, doc.languageId);
}

/** Per open document, what its previous version's analysis left to reuse (see mlproject/incremental.ts). */
const analyzers = new Map<string, DocumentAnalyzer>();

function analyzerFor(uri: string): DocumentAnalyzer {
  let analyzer = analyzers.get(uri);
  if (!analyzer) analyzers.set(uri, (analyzer = new DocumentAnalyzer()));
  return analyzer;
}

/** The analysis of the document's current version: computed on each change, reused by every feature. */
function analysisOf(doc: TextDocument, kind: DocumentKind): DocumentAnalysis {
  return analyzerFor(doc.uri).analysis(kind, doc.getText(), fileExistsBeside(doc.uri));
}

function validate(doc: TextDocument): void {
  const kind = kindOf(doc);
  if (!kind) return;
  const diagnostics = analysisOf(doc, kind).diagnostics.map((d) => toDiagnostic(doc, d));
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

connection.onInitialize(
  (): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['{', ' ', ':'] },
      hoverProvider: true,
      documentSymbolProvider: true,
      definitionProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'MLflow language server' },
  }),
);

documents.onDidChangeContent(
  safe('validate', undefined, (e) => {
    validate(e.document);
    // The first version was analysed whole; build the incremental cache now that its diagnostics are out.
    const analyzer = analyzers.get(e.document.uri);
    if (analyzer?.needsPreparation) setImmediate(safe('prepare', undefined, () => analyzer.prepare()));
  }),
);
documents.onDidClose(
  safe('close', undefined, (e) => {
    analyzers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }),
);
// Env files and model files appearing or disappearing change what is "not found".
connection.onDidChangeWatchedFiles(
  safe('watched files', undefined, () =>
    documents.all().forEach((d) => {
      analyzers.get(d.uri)?.forget();
      validate(d);
    }),
  ),
);

function withDocument<R>(uri: string, fallback: R, f: (doc: TextDocument, analysis: DocumentAnalysis) => R): R {
  const doc = documents.get(uri);
  const kind = doc && kindOf(doc);
  return doc && kind ? f(doc, analysisOf(doc, kind)) : fallback;
}

connection.onCompletion(
  safe('completion', [], (params) =>
    withDocument(params.textDocument.uri, [], (doc, analysis) => complete(analysis, doc.offsetAt(params.position)).map((i) => toCompletionItem(doc, i))),
  ),
);

connection.onHover(
  safe('hover', null, (params) =>
    withDocument(params.textDocument.uri, null, (doc, analysis) => {
      const result = hover(analysis, doc.offsetAt(params.position));
      return result ? { contents: { kind: 'markdown', value: result.markdown }, range: toRange(doc, result.span) } : null;
    }),
  ),
);

connection.onDocumentSymbol(
  safe('symbols', [], (params) => withDocument(params.textDocument.uri, [], (doc, analysis) => documentSymbols(analysis).map((s) => toDocumentSymbol(doc, s)))),
);

connection.onDefinition(
  safe('definition', null, (params) =>
    withDocument(params.textDocument.uri, null, (doc, analysis) => {
      const target = definition(analysis, doc.offsetAt(params.position));
      if (!target) return null;
      const origin = toRange(doc, target.origin);
      if (target.kind === 'span') {
        const range = toRange(doc, target.span);
        return [{ originSelectionRange: origin, targetUri: doc.uri, targetRange: range, targetSelectionRange: range }];
      }
      const path = filePath(doc.uri);
      if (!path) return null;
      const targetUri = pathToFileURL(resolvePath(dirname(path), target.relativePath)).toString();
      const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return [{ originSelectionRange: origin, targetUri, targetRange: start, targetSelectionRange: start }];
    }),
  ),
);

connection.onPrepareRename(
  safe('prepareRename', null, (params) =>
    withDocument(params.textDocument.uri, null, (doc, analysis) => {
      const result = prepareRename(analysis, doc.offsetAt(params.position));
      return result ? { range: toRange(doc, result.span), placeholder: result.placeholder } : null;
    }),
  ),
);

connection.onRenameRequest((params) => {
  try {
    return withDocument(params.textDocument.uri, null, (doc, analysis) => {
      const edits = rename(analysis, doc.offsetAt(params.position), params.newName);
      if (typeof edits === 'string') return new ResponseError(-32803 /* RequestFailed */, edits);
      return { changes: { [doc.uri]: edits.map((e) => toTextEdit(doc, e)) } };
    });
  } catch (e) {
    log('mlflow language server: rename failed', e);
    return null;
  }
});

connection.onCodeAction(
  safe('codeAction', [], (params) =>
    withDocument(params.textDocument.uri, [] as CodeAction[], (doc, analysis) => {
      return fixesInRange(analysis.diagnostics, toSpan(doc, params.range)).map(({ diagnostic, fix }) => ({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.preferred,
        diagnostics: [toDiagnostic(doc, diagnostic)],
        edit: { changes: { [doc.uri]: fix.edits.map((e) => toTextEdit(doc, e)) } },
      }));
    }),
  ),
);

connection.onRequest(
  ENTRY_POINTS_REQUEST,
  safe('entryPoints', null, (params: EntryPointsParams): EntryPointsResult | null => {
    let doc = documents.get(params.uri);
    const open = doc !== undefined;
    if (!doc) {
      const path = filePath(params.uri);
      if (!path || !existsSync(path)) return null;
      doc = TextDocument.create(params.uri, 'mlproject', 0, readFileSync(path, 'utf8'));
    }
    const fileExists = fileExistsBeside(params.uri);
    const model = open ? analyzerFor(params.uri).mlprojectModel(doc.getText(), fileExists) : parseMlproject(doc.getText(), { fileExists });
    const env = model.environment;
    return {
      uri: params.uri,
      projectName: model.name,
      environment: env.kind === 'docker' ? { kind: 'docker', file: null, image: env.image } : { kind: env.kind, file: env.file, image: null },
      entryPoints: model.entryPoints.map((ep) => ({
        name: ep.name,
        command: ep.command,
        parameters: ep.parameters.map((p) => ({ name: p.name, type: p.type, default: p.required ? null : p.defaultText, required: p.required })),
        range: toRange(doc, ep.span),
      })),
      errorCount: model.diagnostics.filter((d) => d.severity === 'error').length,
    };
  }),
);

// Last line of defence: log and keep serving rather than dying on a stray exception.
process.on('uncaughtException', (e) => log(`${SOURCE} language server: uncaught exception`, e));
process.on('unhandledRejection', (e) => log(`${SOURCE} language server: unhandled rejection`, e));

documents.listen(connection);
connection.listen();
