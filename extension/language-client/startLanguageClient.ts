// Starts the MLflow language server (dist/language-server.js) over IPC. The server does the
// analysis; this file only tells VS Code which documents to send it.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { ENTRY_POINTS_REQUEST } from '../../language-server/protocol';
import type { EntryPointsParams, EntryPointsResult } from '../../language-server/protocol';

export const LANGUAGE_CLIENT_ID = 'mlflowWorkbench.languageServer';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath(join('dist', 'language-server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'mlproject' },
      { language: 'mlmodel' },
      // Environment files stay plain YAML for other tools; we add MLflow's checks on top.
      { language: 'yaml', pattern: '**/python_env.yaml' },
      { language: 'yaml', pattern: '**/conda.{yaml,yml}' },
    ],
    // Files named by MLproject/MLmodel may appear or vanish; the server re-checks open documents.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*', false, true, false) },
  };
  const client = new LanguageClient(LANGUAGE_CLIENT_ID, 'MLflow Language Server', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  return client;
}

/** The entry points of an MLproject (open or not), parsed by the server; null if it cannot be read. */
export function requestEntryPoints(client: LanguageClient, uri: vscode.Uri): Promise<EntryPointsResult | null> {
  const params: EntryPointsParams = { uri: uri.toString() };
  return client.sendRequest<EntryPointsResult | null>(ENTRY_POINTS_REQUEST, params);
}
