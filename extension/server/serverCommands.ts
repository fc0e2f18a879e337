// Commands about the tracking server itself: copy its environment, show its log, reveal the store, status bar
// actions, and the token of a remote server (kept in SecretStorage, never in settings).
import * as vscode from 'vscode';
import { environmentText, trackingEnvironment } from './sessionState';
import { REMOTE_TOKEN_SECRET, type FolderSession } from './sessions';
import type { TrackingNode } from '../experiments/trackingNodes';
import type { Workbench } from '../views/workbench';

/** Shows the view's progress bar while a (possibly long) fetch runs. */
function inView<T>(viewId: string, task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: { viewId } }, task);
}

async function pickFolderSession(wb: Workbench): Promise<FolderSession | undefined> {
  const all = wb.sessions.list();
  if (all.length <= 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: s.name, description: s.session.state.mode, s })),
    { placeHolder: 'Workspace folder' },
  );
  return picked?.s;
}

async function copyEnvironment(wb: Workbench): Promise<void> {
  const s = await pickFolderSession(wb);
  const env = s && trackingEnvironment(s.session.state);
  if (!s || !env?.MLFLOW_TRACKING_URI) {
    void vscode.window.showWarningMessage('The MLflow tracking server is not running.');
    return;
  }
  await vscode.env.clipboard.writeText(`${environmentText(env)}\n`);
  void vscode.window.showInformationMessage(`Copied the MLflow tracking environment of ${s.name} (${env.MLFLOW_TRACKING_URI}).`);
}

async function revealStore(wb: Workbench): Promise<void> {
  const s = await pickFolderSession(wb);
  if (!s) return;
  const uri = vscode.Uri.file(s.storeDir);
  // Inside the workspace the Explorer can show it (also in a browser); elsewhere only the OS file manager can.
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

export function registerServerCommands(wb: Workbench): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('mlflowWorkbench.copyTrackingEnv', () => copyEnvironment(wb)),
    reg('mlflowWorkbench.showServerLog', () => wb.log.show()),
    reg('mlflowWorkbench.revealStore', () => revealStore(wb)),
    reg('mlflowWorkbench.refresh', () => inView('mlflowWorkbench.experiments', () => wb.refreshNow())),
    reg('mlflowWorkbench.loadMore', (node?: TrackingNode) => (node ? inView('mlflowWorkbench.experiments', () => wb.experiments.loadMore(node)) : undefined)),
    reg('mlflowWorkbench.serverActions', async () => {
      const actions = [
        { label: '$(copy) Copy Tracking Environment', detail: 'MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN as export lines', run: () => copyEnvironment(wb) },
        { label: '$(output) Show Tracking Server Log', run: () => wb.log.show() },
        { label: '$(folder-opened) Reveal Store Folder', run: () => revealStore(wb) },
        { label: '$(gear) Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'mlflowWorkbench') },
      ];
      const picked = await vscode.window.showQuickPick(actions, { placeHolder: 'MLflow tracking server' });
      await picked?.run();
    }),
    reg('mlflowWorkbench.setRemoteToken', async () => {
      const s = await pickFolderSession(wb);
      const uri = s && vscode.workspace.getConfiguration('mlflowWorkbench', s.folder.uri).get<string>('tracking.remoteUri', '').trim();
      if (!uri) {
        void vscode.window.showInformationMessage('Set "mlflowWorkbench.tracking.remoteUri" first: the token is kept for that server only.');
        return;
      }
      const token = await vscode.window.showInputBox({ title: `Token for ${uri}`, prompt: 'Sent as "Authorization: Bearer <token>". Leave empty to remove it.', password: true });
      if (token === undefined) return;
      if (token) await wb.context.secrets.store(`${REMOTE_TOKEN_SECRET}:${uri}`, token);
      else await wb.context.secrets.delete(`${REMOTE_TOKEN_SECRET}:${uri}`);
    }),
  ];
}
