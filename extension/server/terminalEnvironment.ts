// Integrated terminals get MLFLOW_TRACKING_URI/TOKEN of their folder's session, so `python train.py` logs into
// the workspace store with no setup. Off with `mlflowWorkbench.terminal.injectEnvironment: false`.
import * as vscode from 'vscode';
import { trackingEnvironment } from './sessionState';
import type { Sessions } from './sessions';

const VARIABLES = ['MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN'];

export function injectTerminalEnvironment(context: vscode.ExtensionContext, sessions: Sessions): vscode.Disposable {
  const global = context.environmentVariableCollection;
  // Ports and tokens change per window session: never hand a stale pair to a terminal restored at startup.
  global.persistent = false;
  let scopedFolders: vscode.WorkspaceFolder[] = [];

  const apply = (collection: vscode.EnvironmentVariableCollection, env: Record<string, string>, name: string): void => {
    for (const v of VARIABLES) {
      if (env[v]) collection.replace(v, env[v]);
      else collection.delete(v);
    }
    collection.description = env.MLFLOW_TRACKING_URI ? `MLflow tracking server for ${name}: ${env.MLFLOW_TRACKING_URI}` : undefined;
  };

  const update = (): void => {
    const enabled = vscode.workspace.getConfiguration('mlflowWorkbench').get<boolean>('terminal.injectEnvironment', true);
    for (const folder of scopedFolders) global.getScoped({ workspaceFolder: folder }).clear();
    scopedFolders = [];
    global.clear();
    if (!enabled) return;
    const all = sessions.list();
    if (all.length === 1) {
      apply(global, trackingEnvironment(all[0].session.state), all[0].name);
      return;
    }
    // Multi-root: each folder's terminals point at that folder's store.
    for (const s of all) {
      apply(global.getScoped({ workspaceFolder: s.folder }), trackingEnvironment(s.session.state), s.name);
      scopedFolders.push(s.folder);
    }
  };
  update();
  return vscode.Disposable.from(
    sessions.onDidChangeState(update),
    sessions.onDidChangeSessions(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlflowWorkbench.terminal.injectEnvironment')) update();
    }),
  );
}
