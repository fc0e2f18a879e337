// Run commands: rename, delete/restore, tags, note, copy id/URI, open an artifact.
import * as vscode from 'vscode';
import type { TrackingClient } from '../client/trackingClient';
import { mutate, nonEmpty, targetNode, type Workbench } from '../views/workbench';
import { loggedModelArtifactUri, openArtifact } from './artifactDocuments';
import { RUN_NOTE_TAG, runTag } from './runItems';

import { selectedRuns, type RunNode } from './runSelection';

function runTarget(wb: Workbench, arg: unknown): { node: RunNode; client: TrackingClient } | undefined {
  const node = targetNode(arg, wb.experimentsView, ['run'] as const);
  const client = node && wb.sessions.get(node.session)?.session.client;
  if (!node || !client) {
    void vscode.window.showInformationMessage('Select a run in the MLflow Experiments view first.');
    return undefined;
  }
  return { node, client };
}

/** Hands the runs selected in the tree to a panel command, as a context menu on the selection would. */
function openSelection(wb: Workbench, command: string, atLeast: number): () => Thenable<unknown> | undefined {
  return () => {
    const runs = selectedRuns(wb.experimentsView.selection);
    if (runs.length < atLeast) {
      void vscode.window.showInformationMessage(`Select ${atLeast === 1 ? 'a run' : `at least ${atLeast} runs`} in the MLflow Experiments view first (Ctrl/Cmd+click adds one).`);
      return undefined;
    }
    return vscode.commands.executeCommand(command, runs[0], runs);
  };
}

export function registerRunCommands(wb: Workbench): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  // How many runs are selected, for the view title's chart and compare actions.
  const countSelected = (): void => void vscode.commands.executeCommand('setContext', 'mlflowWorkbench.selectedRuns', selectedRuns(wb.experimentsView.selection).length);
  return [
    wb.experimentsView.onDidChangeSelection(countSelected),
    reg('mlflowWorkbench.chartSelectedRuns', openSelection(wb, 'mlflowWorkbench.openMetricCharts', 1)),
    reg('mlflowWorkbench.compareSelectedRuns', openSelection(wb, 'mlflowWorkbench.compareRuns', 2)),
    reg('mlflowWorkbench.renameRun', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (!t) return;
      const info = t.node.run.info;
      const name = await vscode.window.showInputBox({ title: 'Rename Run', value: info.run_name, prompt: 'New run name', validateInput: nonEmpty('The name') });
      if (!name || name === info.run_name) return;
      await mutate(wb, 'Renaming the run', () => t.client.renameRun(info.run_id, name.trim()));
    }),
    reg('mlflowWorkbench.deleteRun', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (!t) return;
      const info = t.node.run.info;
      if (await mutate(wb, 'Deleting the run', () => t.client.deleteRun(info.run_id))) {
        // Deletion is soft in MLflow: offer the way back instead of asking first.
        void vscode.window.showInformationMessage(`Deleted run '${info.run_name}'.`, 'Undo').then(async (choice) => {
          if (choice === 'Undo') await mutate(wb, 'Restoring the run', () => t.client.restoreRun(info.run_id));
        });
      }
    }),
    reg('mlflowWorkbench.restoreRun', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (t) await mutate(wb, 'Restoring the run', () => t.client.restoreRun(t.node.run.info.run_id));
    }),
    reg('mlflowWorkbench.setRunTag', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (!t) return;
      const key = await vscode.window.showInputBox({ title: 'Set Tag (1/2)', prompt: 'Tag key', validateInput: nonEmpty('The key') });
      if (!key) return;
      const current = runTag(t.node.run, key.trim()) ?? '';
      const value = await vscode.window.showInputBox({ title: 'Set Tag (2/2)', prompt: `Value of '${key.trim()}'`, value: current });
      if (value === undefined) return;
      await mutate(wb, 'Setting the tag', () => t.client.setRunTag(t.node.run.info.run_id, key.trim(), value));
    }),
    reg('mlflowWorkbench.deleteRunTag', async (arg?: unknown) => {
      const node = targetNode(arg, wb.experimentsView, ['tag'] as const);
      const client = node && wb.sessions.get(node.session)?.session.client;
      if (!node || !client) return;
      await mutate(wb, 'Deleting the tag', () => client.deleteRunTag(node.runId, node.key));
    }),
    reg('mlflowWorkbench.editRunNote', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (!t) return;
      const note = await vscode.window.showInputBox({
        title: `Note of run '${t.node.run.info.run_name}'`,
        prompt: 'Markdown description of the run (shown in its tooltip and in the MLflow UI)',
        value: runTag(t.node.run, RUN_NOTE_TAG) ?? '',
      });
      if (note === undefined) return;
      await mutate(wb, 'Saving the note', () => t.client.setRunTag(t.node.run.info.run_id, RUN_NOTE_TAG, note));
    }),
    reg('mlflowWorkbench.copyRunId', async (arg?: unknown) => {
      const t = runTarget(wb, arg);
      if (!t) return;
      await vscode.env.clipboard.writeText(t.node.run.info.run_id);
      vscode.window.setStatusBarMessage(`Copied run id ${t.node.run.info.run_id}`, 3000);
    }),
    reg('mlflowWorkbench.copyArtifactUri', async (arg?: unknown) => {
      const node = targetNode(arg, wb.experimentsView, ['run', 'artifact'] as const);
      if (!node) return;
      const uri = node.kind === 'run' ? node.run.info.artifact_uri : `${node.run.info.artifact_uri}/${node.file.path}`;
      await vscode.env.clipboard.writeText(uri);
      vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
    }),
    reg('mlflowWorkbench.openArtifact', async (arg?: unknown) => {
      const node = targetNode(arg, wb.experimentsView, ['artifact'] as const);
      const client = node && wb.sessions.get(node.session)?.session.client;
      if (!node || !client || node.file.is_dir) return;
      await openArtifact(node.session, client, node.run, node.file.path);
    }),
    reg('mlflowWorkbench.openLoggedModelArtifact', async (arg?: unknown) => {
      const node = targetNode(arg, wb.experimentsView, ['modelArtifact'] as const);
      if (!node || node.file.is_dir) return;
      await vscode.commands.executeCommand('vscode.open', loggedModelArtifactUri(node.session, node.model.info.model_id, node.file.path), { preview: true });
    }),
  ];
}
