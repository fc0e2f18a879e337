// Extension entry: wires the editor-free core (store, server, clients) to VS Code. Per workspace folder a
// session owns the store and serves it (or becomes the client of the window that does); the trees, status
// bar, terminal environment and commands all read through that session's client.
import * as vscode from 'vscode';
import { registerExperimentCommands } from './experiments/experimentCommands';
import { registerGcCommand } from './experiments/gcCommand';
import { ExperimentsTree } from './experiments/experimentsTree';
import { startLanguageClient } from './language-client/startLanguageClient';
import { registerModelCommands } from './models/modelCommands';
import { registerProjects } from './projects'; // MLflow Projects (issue 7): tasks, Run Entry Point…, code lenses
import { registerPanels } from './panels/registerPanels'; // editor-tab panels (issue 6): runs table, charts, compare, run and model pages
import { ModelsTree } from './models/modelsTree';
import { ARTIFACT_SCHEME, ArtifactFileSystem } from './runs/artifactDocuments';
import { registerRunCommands } from './runs/runCommands';
import { registerServerCommands } from './server/serverCommands';
import { Sessions } from './server/sessions';
import { createStatusBar } from './server/statusBar';
import { injectTerminalEnvironment } from './server/terminalEnvironment';
import { RefreshScheduler } from './views/refreshScheduler';
import type { Workbench } from './views/workbench';

/** Client windows (and remote servers) cannot push changes: poll while a view is visible. */
const POLL_MS = 3000;
/** Relative start times ("5 min ago") move on. */
const RERENDER_MS = 60_000;

let sessions: Sessions | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('MLflow Workbench', { log: true });
  sessions = new Sessions(context, log);
  const experiments = new ExperimentsTree(sessions);
  const models = new ModelsTree(sessions);
  // Several runs can be selected and opened together in charts or compare (context menu, view title).
  const experimentsView = vscode.window.createTreeView('mlflowWorkbench.experiments', { treeDataProvider: experiments, showCollapseAll: true, canSelectMany: true });
  const modelsView = vscode.window.createTreeView('mlflowWorkbench.models', { treeDataProvider: models, showCollapseAll: true });
  const scheduler = new RefreshScheduler(async () => {
    await Promise.all([experiments.refresh(), models.refresh()]);
  });
  const wb: Workbench = { context, log, sessions, experiments, experimentsView, models, modelsView, refreshNow: () => scheduler.flush() };
  const s = sessions;

  const updateState = (): void => {
    const primary = s.primary();
    const mode = primary?.session.state.mode;
    const state = !primary ? 'noFolder' : mode === 'owner' || mode === 'client' || mode === 'remote' ? 'ready' : mode;
    void vscode.commands.executeCommand('setContext', 'mlflowWorkbench.state', state);
  };
  const visible = (): boolean => experimentsView.visible || modelsView.visible;
  const poll = setInterval(() => {
    if (visible() && s.list().some((f) => !f.session.pushesWrites)) scheduler.request();
  }, POLL_MS);
  const rerender = setInterval(() => {
    if (!visible()) return;
    experiments.rerender();
    models.rerender();
  }, RERENDER_MS);

  context.subscriptions.push(
    log,
    s,
    experimentsView,
    modelsView,
    { dispose: () => scheduler.dispose() },
    { dispose: () => clearInterval(poll) },
    { dispose: () => clearInterval(rerender) },
    experimentsView.onDidCollapseElement((e) => experiments.collapsed(e.element)),
    modelsView.onDidCollapseElement((e) => models.collapsed(e.element)),
    s.onDidWrite(() => scheduler.request()),
    s.onDidChangeState(() => {
      updateState();
      experiments.reset();
      models.reset();
    }),
    s.onDidChangeSessions(updateState),
    vscode.workspace.registerFileSystemProvider(ARTIFACT_SCHEME, new ArtifactFileSystem(s), { isReadonly: true, isCaseSensitive: true }),
    createStatusBar(s),
    injectTerminalEnvironment(context, s),
    ...registerServerCommands(wb),
    ...registerExperimentCommands(wb),
    registerGcCommand(wb),
    ...registerRunCommands(wb),
    ...registerModelCommands(wb),
    ...registerProjects(context, wb), // MLflow Projects (issue 7)
    ...registerPanels(context, wb), // editor-tab panels (issue 6)
  );
  void vscode.commands.executeCommand('setContext', 'mlflowWorkbench.showDeleted', false);
  updateState();
  await s.sync();

  // The language server is a separate feature: if it fails to start, tracking keeps working.
  startLanguageClient(context).catch((err: unknown) => log.error(`The MLflow language server did not start: ${String(err)}`));
}

export async function deactivate(): Promise<void> {
  // Close stores cleanly (checkpoint, release the lock) so another window can take over at once.
  await sessions?.stopAll();
}
