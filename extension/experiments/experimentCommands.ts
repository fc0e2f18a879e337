// Create, rename, delete and restore experiments; show or hide deleted ones.
import * as vscode from 'vscode';
import { confirmModal, mutate, nonEmpty, pickSession, targetNode, type Workbench } from '../views/workbench';
import type { TrackingNode } from './trackingNodes';

type ExperimentNode = Extract<TrackingNode, { kind: 'experiment' }>;

async function experimentTarget(wb: Workbench, arg: unknown, deleted: boolean): Promise<ExperimentNode | undefined> {
  const node = targetNode(arg, wb.experimentsView, ['experiment'] as const);
  if (node) return node;
  // From the palette with nothing selected: pick one.
  const s = await pickSession(wb);
  if (!s) return undefined;
  const page = await s.client.searchExperiments({ viewType: deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY', maxResults: 1000 });
  if (page.items.length === 0) {
    void vscode.window.showInformationMessage(deleted ? 'There are no deleted experiments.' : 'There are no experiments.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    page.items.map((e) => ({ label: e.name, description: `id ${e.experiment_id}`, experiment: e })),
    { placeHolder: deleted ? 'Experiment to restore' : 'Experiment' },
  );
  return picked && { kind: 'experiment', session: s.key, experiment: picked.experiment };
}

export function registerExperimentCommands(wb: Workbench): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('mlflowWorkbench.createExperiment', async (arg?: TrackingNode) => {
      const s = await pickSession(wb, arg?.session);
      if (!s) return;
      const name = await vscode.window.showInputBox({ title: 'Create Experiment', prompt: 'Name of the new experiment', validateInput: nonEmpty('The name') });
      if (!name) return;
      let id = '';
      if (await mutate(wb, 'Creating the experiment', async () => (id = await s.client.createExperiment(name.trim())))) {
        wb.log.info(`Created experiment '${name.trim()}' (id ${id}) in ${s.name}`);
      }
    }),
    reg('mlflowWorkbench.renameExperiment', async (arg?: unknown) => {
      const node = await experimentTarget(wb, arg, false);
      const client = node && wb.sessions.get(node.session)?.session.client;
      if (!node || !client) return;
      const name = await vscode.window.showInputBox({
        title: 'Rename Experiment',
        value: node.experiment.name,
        prompt: 'New name',
        validateInput: nonEmpty('The name'),
      });
      if (!name || name === node.experiment.name) return;
      await mutate(wb, 'Renaming the experiment', () => client.renameExperiment(node.experiment.experiment_id, name.trim()));
    }),
    reg('mlflowWorkbench.deleteExperiment', async (arg?: unknown) => {
      const node = await experimentTarget(wb, arg, false);
      const client = node && wb.sessions.get(node.session)?.session.client;
      if (!node || !client) return;
      const ok = await confirmModal(
        `Delete the experiment '${node.experiment.name}'?`,
        'Its runs are deleted with it. Both can be restored: use "Show Deleted Experiments and Runs".',
        'Delete',
      );
      if (ok) await mutate(wb, 'Deleting the experiment', () => client.deleteExperiment(node.experiment.experiment_id));
    }),
    reg('mlflowWorkbench.restoreExperiment', async (arg?: unknown) => {
      const node = await experimentTarget(wb, arg, true);
      const client = node && wb.sessions.get(node.session)?.session.client;
      if (!node || !client) return;
      await mutate(wb, 'Restoring the experiment', () => client.restoreExperiment(node.experiment.experiment_id));
    }),
    reg('mlflowWorkbench.showDeleted', () => setShowDeleted(wb, true)),
    reg('mlflowWorkbench.hideDeleted', () => setShowDeleted(wb, false)),
  ];
}

async function setShowDeleted(wb: Workbench, show: boolean): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'mlflowWorkbench.showDeleted', show);
  wb.experiments.setShowDeleted(show);
}
