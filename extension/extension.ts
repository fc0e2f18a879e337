// Extension entry: thin glue between VS Code and the editor-free core. The full lifecycle (tree views,
// terminal environment, client mode) lands with the extension issue; this starts the workspace store and server.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { StoreOwnedError, TrackingStore } from './tracking/store/trackingStore';
import { startTrackingServer, type RunningServer } from './tracking/server/trackingServer';
import { randomBytes } from 'node:crypto';

let stopAll: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('MLflow Workbench', { log: true });
  context.subscriptions.push(log);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') return;
  let store: TrackingStore;
  try {
    store = await TrackingStore.open({ dir: join(folder.uri.fsPath, '.mlflow') });
  } catch (err) {
    if (err instanceof StoreOwnedError) {
      log.info(`Store owned by another process: ${err.message}`);
      return;
    }
    throw err;
  }
  const token = randomBytes(24).toString('hex');
  const port = vscode.workspace.getConfiguration('mlflowWorkbench').get<number>('server.port', 0);
  const server: RunningServer = await startTrackingServer({ store, port, token, log: (l) => log.error(l) });
  store.publishServer(server.host, server.port, token);
  log.info(`Tracking server listening on ${server.url}`);
  context.subscriptions.push(
    vscode.commands.registerCommand('mlflowWorkbench.copyTrackingEnv', async () => {
      await vscode.env.clipboard.writeText(`MLFLOW_TRACKING_URI=${server.url}\nMLFLOW_TRACKING_TOKEN=${token}\n`);
      void vscode.window.showInformationMessage('MLflow tracking environment copied.');
    }),
    vscode.commands.registerCommand('mlflowWorkbench.showServerLog', () => log.show()),
  );
  stopAll = async () => {
    await server.close();
    await store.close();
  };
}

export async function deactivate(): Promise<void> {
  await stopAll?.();
}
