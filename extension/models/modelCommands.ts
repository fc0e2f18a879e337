// Model Registry commands: register a model from a run's MLmodel folder, aliases, stages, descriptions,
// deletes (with a modal confirmation), URIs, and the link back to a version's source run.
import * as vscode from 'vscode';
import { isAlreadyExists, toClientError } from '../client/clientError';
import { MODEL_STAGES } from '../client/registryTypes';
import type { TrackingClient } from '../client/trackingClient';
import type { TrackingNode } from '../experiments/trackingNodes';
import { baseName, loggedModelPaths, PARENT_RUN_TAG, runTag } from '../runs/runItems';
import type { Run } from '../tracking/rest/types';
import { confirmModal, mutate, targetNode, type Workbench } from '../views/workbench';
import { aliasProblem, modelNameProblem, modelUri, type ModelNode } from './modelItems';

type VersionNode = Extract<ModelNode, { kind: 'version' }>;
type RegisteredModelNode = Extract<ModelNode, { kind: 'model' }>;

function clientOf(wb: Workbench, session: string): TrackingClient | undefined {
  return wb.sessions.get(session)?.session.client;
}

function versionTarget(wb: Workbench, arg: unknown): { node: VersionNode; client: TrackingClient } | undefined {
  const node = targetNode(arg, wb.modelsView, ['version'] as const);
  const client = node && clientOf(wb, node.session);
  if (!node || !client) {
    void vscode.window.showInformationMessage('Select a model version in the MLflow Models view first.');
    return undefined;
  }
  return { node, client };
}

function modelTarget(wb: Workbench, arg: unknown): { node: RegisteredModelNode; client: TrackingClient } | undefined {
  const node = targetNode(arg, wb.modelsView, ['model'] as const);
  const client = node && clientOf(wb, node.session);
  if (!node || !client) {
    void vscode.window.showInformationMessage('Select a registered model in the MLflow Models view first.');
    return undefined;
  }
  return { node, client };
}

/** The run and artifact folder (holding an MLmodel) a register command points at. */
async function modelFolderTarget(wb: Workbench, arg: unknown): Promise<{ session: string; run: Run; path: string } | undefined> {
  const node = targetNode(arg, wb.experimentsView, ['artifact', 'run'] as const);
  if (!node) {
    void vscode.window.showInformationMessage("Select a run's model folder (one holding an MLmodel) in the MLflow Experiments view first.");
    return undefined;
  }
  if (node.kind === 'artifact') {
    const path = node.file.is_dir ? node.file.path : node.file.path.slice(0, Math.max(0, node.file.path.lastIndexOf('/')));
    return { session: node.session, run: node.run, path };
  }
  const paths = [...loggedModelPaths(node.run)];
  if (paths.length === 0) {
    void vscode.window.showInformationMessage(`Run '${node.run.info.run_name}' has no logged model. Pick its model folder under Artifacts.`);
    return undefined;
  }
  const path = paths.length === 1 ? paths[0] : await vscode.window.showQuickPick(paths, { placeHolder: 'Model folder to register' });
  return path === undefined ? undefined : { session: node.session, run: node.run, path };
}

async function pickModelName(client: TrackingClient, suggestion: string): Promise<string | undefined> {
  const NEW = '$(add) New registered model…';
  const existing = (await client.registry.searchRegisteredModels({ maxResults: 200 })).items.map((m) => m.name);
  if (existing.length) {
    const picked = await vscode.window.showQuickPick([NEW, ...existing], { placeHolder: 'Register as a new version of… (or create a model)' });
    if (!picked) return undefined;
    if (picked !== NEW) return picked;
  }
  const name = await vscode.window.showInputBox({ title: 'Register Model', prompt: 'Name of the registered model', value: suggestion, validateInput: modelNameProblem });
  return name?.trim() || undefined;
}

export function registerModelCommands(wb: Workbench): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('mlflowWorkbench.registerModel', async (arg?: unknown) => {
      const target = await modelFolderTarget(wb, arg);
      const client = target && clientOf(wb, target.session);
      if (!target || !client) return;
      const { run, path } = target;
      let name: string | undefined;
      try {
        const files = await client.listArtifacts(run.info.run_id, path);
        if (!files.some((f) => !f.is_dir && baseName(f.path) === 'MLmodel')) {
          void vscode.window.showWarningMessage(`'${path || 'the artifact root'}' holds no MLmodel file, so it is not an MLflow model.`);
          return;
        }
        name = await pickModelName(client, baseName(path) === 'model' || !path ? run.info.run_name : baseName(path));
      } catch (err) {
        void vscode.window.showErrorMessage(`Cannot register a model: ${toClientError(err).message}`);
        return;
      }
      if (!name) return;
      const source = path ? `${run.info.artifact_uri}/${path}` : run.info.artifact_uri;
      let version = '';
      const ok = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Registering ${name}…` },
        () =>
          mutate(wb, 'Registering the model', async () => {
            try {
              await client.registry.createRegisteredModel(name);
            } catch (err) {
              if (!isAlreadyExists(err)) throw err;
            }
            version = (await client.registry.createModelVersion({ name, source, runId: run.info.run_id })).version;
          }),
      );
      if (ok) {
        wb.log.info(`Registered ${source} as ${name} version ${version}`);
        void vscode.window.showInformationMessage(`Registered ${name} version ${version}.`);
      }
    }),
    reg('mlflowWorkbench.setAlias', async (arg?: unknown) => {
      const t = versionTarget(wb, arg);
      if (!t) return;
      const { name, version } = t.node.version;
      const alias = await vscode.window.showInputBox({
        title: `Set Alias on ${name} version ${version}`,
        prompt: 'Alias (moves it here if another version has it), e.g. champion',
        validateInput: (v) => aliasProblem(v.trim()),
      });
      if (!alias) return;
      await mutate(wb, 'Setting the alias', () => t.client.registry.setAlias(name, alias.trim(), version));
    }),
    reg('mlflowWorkbench.removeAlias', async (arg?: unknown) => {
      const t = versionTarget(wb, arg);
      if (!t || t.node.aliases.length === 0) return;
      const alias = t.node.aliases.length === 1 ? t.node.aliases[0] : await vscode.window.showQuickPick(t.node.aliases, { placeHolder: 'Alias to remove' });
      if (!alias) return;
      await mutate(wb, 'Removing the alias', () => t.client.registry.deleteAlias(t.node.version.name, alias));
    }),
    reg('mlflowWorkbench.transitionStage', async (arg?: unknown) => {
      const t = versionTarget(wb, arg);
      if (!t) return;
      const { name, version, current_stage: current } = t.node.version;
      const stage = await vscode.window.showQuickPick(
        MODEL_STAGES.filter((s) => s !== (current ?? 'None')),
        { placeHolder: `Move ${name} version ${version} from ${current ?? 'None'} to… (stages are deprecated in favour of aliases)` },
      );
      if (!stage) return;
      let archive = false;
      if (stage === 'Staging' || stage === 'Production') {
        const answer = await vscode.window.showQuickPick(['No', 'Yes'], { placeHolder: `Archive the other versions now in ${stage}?` });
        if (!answer) return;
        archive = answer === 'Yes';
      }
      await mutate(wb, 'Transitioning the stage', () => t.client.registry.transitionStage(name, version, stage, archive));
    }),
    reg('mlflowWorkbench.editModelDescription', async (arg?: unknown) => {
      const t = modelTarget(wb, arg);
      if (!t) return;
      const description = await vscode.window.showInputBox({ title: `Description of ${t.node.model.name}`, value: t.node.model.description ?? '' });
      if (description === undefined) return;
      await mutate(wb, 'Saving the description', () => t.client.registry.updateRegisteredModel(t.node.model.name, description));
    }),
    reg('mlflowWorkbench.editVersionDescription', async (arg?: unknown) => {
      const t = versionTarget(wb, arg);
      if (!t) return;
      const { name, version } = t.node.version;
      const description = await vscode.window.showInputBox({ title: `Description of ${name} version ${version}`, value: t.node.version.description ?? '' });
      if (description === undefined) return;
      await mutate(wb, 'Saving the description', () => t.client.registry.updateModelVersion(name, version, description));
    }),
    reg('mlflowWorkbench.renameRegisteredModel', async (arg?: unknown) => {
      const t = modelTarget(wb, arg);
      if (!t) return;
      const name = await vscode.window.showInputBox({ title: 'Rename Registered Model', value: t.node.model.name, validateInput: modelNameProblem });
      if (!name || name.trim() === t.node.model.name) return;
      await mutate(wb, 'Renaming the model', () => t.client.registry.renameRegisteredModel(t.node.model.name, name.trim()));
    }),
    reg('mlflowWorkbench.deleteModelVersion', async (arg?: unknown) => {
      const t = versionTarget(wb, arg);
      if (!t) return;
      const { name, version } = t.node.version;
      const ok = await confirmModal(`Delete ${name} version ${version}?`, 'Its aliases are removed. This cannot be undone.', 'Delete Version');
      if (ok) await mutate(wb, 'Deleting the version', () => t.client.registry.deleteModelVersion(name, version));
    }),
    reg('mlflowWorkbench.deleteRegisteredModel', async (arg?: unknown) => {
      const t = modelTarget(wb, arg);
      if (!t) return;
      const ok = await confirmModal(`Delete the registered model ${t.node.model.name}?`, 'All its versions, tags and aliases are deleted. This cannot be undone.', 'Delete Model');
      if (ok) await mutate(wb, 'Deleting the model', () => t.client.registry.deleteRegisteredModel(t.node.model.name));
    }),
    reg('mlflowWorkbench.copyModelUri', async (arg?: unknown) => {
      const node = targetNode(arg, wb.modelsView, ['model', 'version'] as const);
      if (!node) return;
      let uri: string | undefined;
      if (node.kind === 'model') uri = modelUri(node.model.name);
      else if (node.aliases.length === 0) uri = modelUri(node.version.name, { version: node.version.version });
      else {
        uri = await vscode.window.showQuickPick([
          modelUri(node.version.name, { version: node.version.version }),
          ...node.aliases.map((alias) => modelUri(node.version.name, { alias })),
        ]);
      }
      if (!uri) return;
      await vscode.env.clipboard.writeText(uri);
      vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
    }),
    reg('mlflowWorkbench.revealSourceRun', async (arg?: unknown) => {
      const node = targetNode(arg, wb.modelsView, ['sourceRun', 'version'] as const);
      const client = node && clientOf(wb, node.session);
      const runId = node?.version.run_id;
      if (!node || !client || !runId) return;
      await revealRun(wb, node.session, client, runId);
    }),
    reg('mlflowWorkbench.loadMoreModels', (arg?: unknown) => {
      const node = targetNode(arg, wb.modelsView, ['more'] as const);
      return node && vscode.window.withProgress({ location: { viewId: 'mlflowWorkbench.models' } }, () => wb.models.loadMore(node));
    }),
  ];
}

/**
 * Shows a run in the Experiments view: expands its experiment and, for a nested run, its ancestors. When the
 * run is not listed (deleted and hidden, or past the loaded pages) its id is copied instead.
 */
export async function revealRun(wb: Workbench, session: string, client: TrackingClient, runId: string): Promise<void> {
  try {
    // The chain from the top-level ancestor down to the run (nesting is a tag; stop at 10 levels or a cycle).
    const chain = [await client.getRun(runId)];
    for (let parent = runTag(chain[0], PARENT_RUN_TAG); parent && chain.length < 10 && !chain.some((r) => r.info.run_id === parent); parent = runTag(chain[0], PARENT_RUN_TAG)) {
      chain.unshift(await client.getRun(parent));
    }
    const roots = await wb.experiments.getChildren();
    const folder = roots.find((n) => n.kind === 'folder' && n.session === session);
    const level = folder ? await wb.experiments.getChildren(folder) : roots;
    let container = level.find((n) => n.kind === 'experiment' && n.experiment.experiment_id === chain[0].info.experiment_id);
    if (!container) throw new Error('experiment not listed');
    let node: TrackingNode | undefined;
    for (const run of chain) {
      await wb.experimentsView.reveal(container, { expand: true, focus: false, select: false });
      const children: TrackingNode[] = await wb.experiments.getChildren(container);
      // A child whose parent is on the same page hangs under it; otherwise it is listed at the top.
      node = children.find((n) => n.kind === 'run' && n.run.info.run_id === run.info.run_id) ?? node;
      if (node && node.kind === 'run' && node.run.info.run_id === run.info.run_id) container = node;
    }
    if (!node || node.kind !== 'run' || node.run.info.run_id !== runId) throw new Error('run not on the loaded pages');
    await wb.experimentsView.reveal(node, { expand: false, focus: true, select: true });
  } catch {
    await vscode.env.clipboard.writeText(runId);
    void vscode.window.showInformationMessage(`Run ${runId} is not listed in the Experiments view (deleted, or not loaded yet); its id was copied.`);
  }
}
