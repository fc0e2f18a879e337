// "MLflow: Run Entry Point…": project (when several), entry point, each parameter with its default (or last
// value) filled in and its type checked as it is typed, environment, experiment (pick or create), optional run
// name — then the same `mlflow` task the task list runs. "Run" (code lens) skips the questions when the last
// values (or the defaults) cover every required parameter.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { MlprojectParameter } from '../../../language-server/mlproject/model';
import { defaultEnv, ENV_MANAGERS, type EnvManager } from '../core/envPlan';
import { blockingProblems } from '../core/project';
import { initialValue, rememberKey, valuesWithoutPrompt, type RememberedRun } from '../core/lastValues';
import { TASK_TYPE, taskLabel, type MlflowTaskDefinition } from '../core/taskDefinition';
import { checkValue, checkValues } from '../core/values';
import type { ProjectsDeps } from './deps';
import { discoverProjects, readDiscovered, type DiscoveredProject } from './discovery';
import { projectTask } from './taskProvider';
import { UNTRUSTED_MESSAGE } from './taskRequest';

export const RUN_COMMAND = 'mlflowWorkbench.runEntryPoint';
export const RUN_NOW_COMMAND = 'mlflowWorkbench.runEntryPointNow';

/** What a code lens (or a caller) already knows. */
export interface RunTarget {
  /** The MLproject file. */
  uri?: string;
  entryPoint?: string;
}

export async function explainUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  if ((await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, manage)) === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}

async function pickProject(target: RunTarget | undefined): Promise<DiscoveredProject | undefined> {
  if (target?.uri) return readDiscovered(vscode.Uri.parse(target.uri));
  const active = vscode.window.activeTextEditor?.document;
  const projects = await discoverProjects();
  if (projects.length === 0) {
    void vscode.window.showInformationMessage('No MLproject file in this workspace. An MLflow project is a folder with an MLproject file describing its entry points.');
    return undefined;
  }
  if (projects.length === 1) return projects[0];
  const items = projects.map((p) => ({ label: p.label, description: vscode.workspace.asRelativePath(p.uri), project: p, picked: active?.uri.toString() === p.uri.toString() }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  return (await vscode.window.showQuickPick(items, { title: 'Run Entry Point: project', placeHolder: 'MLproject to run' }))?.project;
}

async function pickEntryPoint(project: DiscoveredProject, target: RunTarget | undefined): Promise<string | undefined> {
  if (target?.entryPoint) return target.entryPoint;
  const eps = project.model.entryPoints;
  if (eps.length === 1) return eps[0].name;
  if (eps.length === 0) {
    void vscode.window.showInformationMessage(`${project.label} declares no entry points. Add some under entry_points in its MLproject.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    eps.map((e) => ({ label: e.name, description: e.command ?? '' })),
    { title: `Run Entry Point: ${project.label}`, placeHolder: 'Entry point' },
  );
  return picked?.label;
}

async function askParameters(project: DiscoveredProject, params: readonly MlprojectParameter[], remembered: RememberedRun | undefined, title: string): Promise<Array<[string, string]> | undefined> {
  const out: Array<[string, string]> = [];
  const ctx = { cwd: project.dir, exists: existsSync };
  for (const [i, p] of params.entries()) {
    const type = p.type ?? 'string';
    const value = await vscode.window.showInputBox({
      title: `${title} (${i + 1}/${params.length})`,
      prompt: `${p.name}: ${type}${p.required ? ' (required)' : p.defaultText !== null ? ` (default ${p.defaultText})` : ''}`,
      value: initialValue(p, remembered),
      ignoreFocusOut: true,
      validateInput: (v) => {
        const problem = checkValue(p, v, ctx);
        // Only the editor refuses it (MLflow would pass it on): a warning, which Enter accepts.
        if (problem?.editorOnly) return { message: `${problem.message} Press Enter to run anyway.`, severity: vscode.InputBoxValidationSeverity.Warning };
        return problem?.message;
      },
    });
    if (value === undefined) return undefined;
    out.push([p.name, value]);
  }
  return out;
}

async function askEnvManager(project: DiscoveredProject, remembered: RememberedRun | undefined, title: string): Promise<{ manager?: EnvManager } | undefined> {
  const env = project.model.environment;
  if (env.kind === 'docker') return {}; // docker_env decides; there is nothing to choose
  const def = defaultEnv(env);
  const choices = ENV_MANAGERS.filter((m) => !(env.kind === 'python' && m === 'conda'));
  const items: Array<vscode.QuickPickItem & { manager?: EnvManager }> = [
    { label: `MLflow's default: ${def}`, description: env.file ? `from ${env.file}` : 'no environment file' },
    ...choices.map((m) => ({ label: m, manager: m, description: m === 'local' ? 'the current environment, nothing created' : undefined })),
  ];
  const last = items.findIndex((it) => it.manager === remembered?.envManager && remembered?.envManager !== undefined);
  if (last > 0) items.unshift(...items.splice(last, 1));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Environment manager (as mlflow run --env-manager)', ignoreFocusOut: true });
  return picked ? { manager: picked.manager } : undefined;
}

type ExperimentChoice = { id?: string; name?: string };

async function askExperiment(deps: ProjectsDeps, project: DiscoveredProject, remembered: RememberedRun | undefined, title: string): Promise<ExperimentChoice | undefined> {
  const client = deps.sessions.get(project.folder.uri.toString())?.session.client;
  const items: Array<vscode.QuickPickItem & { choice?: ExperimentChoice }> = [];
  try {
    const page = client ? await client.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 500 }) : { items: [] };
    for (const e of page.items) items.push({ label: e.name, description: `ID ${e.experiment_id}`, choice: { id: e.experiment_id, name: e.name } });
  } catch (e) {
    deps.log.warn(`Listing experiments for Run Entry Point: ${(e as Error).message}`);
  }
  const last = items.findIndex((it) => it.choice?.id === remembered?.experimentId);
  if (last > 0) items.unshift(...items.splice(last, 1));
  if (!items.length) items.push({ label: 'Default', description: 'ID 0', choice: { id: '0', name: 'Default' } });
  items.push({ label: '$(add) New experiment…', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Experiment to record the run in', ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.choice) return picked.choice;
  const name = await vscode.window.showInputBox({ title, prompt: 'Name of the new experiment', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty.') });
  return name === undefined ? undefined : { name: name.trim() };
}

/** The whole flow; `prompt` false is the code lens "Run": no questions when the last values suffice. */
export async function runEntryPoint(deps: ProjectsDeps, state: vscode.Memento, target: RunTarget | undefined, prompt: boolean): Promise<void> {
  if (!vscode.workspace.isTrusted) return explainUntrusted();
  const project = await pickProject(target);
  if (!project) return;
  const problems = blockingProblems(project.model);
  if (problems.length) {
    const open = 'Open MLproject';
    const choice = await vscode.window.showErrorMessage(`${project.label} cannot run: ${problems[0].message}`, open);
    if (choice === open) await vscode.window.showTextDocument(project.uri);
    return;
  }
  const entryPoint = await pickEntryPoint(project, target);
  if (!entryPoint) return;
  const key = rememberKey(project.dir, entryPoint);
  const remembered = state.get<RememberedRun>(key);
  const declared = project.model.entryPoints.find((e) => e.name === entryPoint)?.parameters ?? [];
  const title = `Run ${project.label}: ${entryPoint}`;

  let values = prompt ? undefined : valuesWithoutPrompt(declared, remembered);
  let env: { manager?: EnvManager } | undefined = prompt ? undefined : { manager: remembered?.envManager };
  let experiment: ExperimentChoice | undefined = prompt ? undefined : remembered?.experimentId ? { id: remembered.experimentId } : remembered?.experimentName ? { name: remembered.experimentName } : {};
  let runName: string | undefined = prompt ? undefined : '';
  const prompted = !values;
  if (!values) {
    values = await askParameters(project, declared, remembered, title);
    if (!values) return;
  }
  if (!env) {
    env = await askEnvManager(project, remembered, title);
    if (!env) return;
  }
  if (!experiment) {
    experiment = await askExperiment(deps, project, remembered, title);
    if (!experiment) return;
  }
  if (runName === undefined) {
    runName = await vscode.window.showInputBox({ title, prompt: 'Run name (optional)', placeHolder: 'Empty: a generated name', value: remembered?.runName ?? '', ignoreFocusOut: true });
    if (runName === undefined) return;
  }
  // Remembered values the editor's float/int check refuses: MLflow would run them, so offer to.
  const editorOnly = checkValues(declared, values, { cwd: project.dir, exists: existsSync }).filter((p) => p.editorOnly);
  if (editorOnly.length && !prompted) {
    const anyway = 'Run anyway';
    if ((await vscode.window.showWarningMessage(editorOnly.map((p) => p.message).join('\n'), { modal: true }, anyway)) !== anyway) return;
  }
  await state.update(key, {
    parameters: Object.fromEntries(values.filter(([k]) => declared.some((p) => p.name === k))),
    extras: values.filter(([k]) => !declared.some((p) => p.name === k)),
    experimentId: experiment.id,
    experimentName: experiment.name,
    envManager: env.manager,
    runName: runName || undefined,
  } satisfies RememberedRun);

  const definition: MlflowTaskDefinition = { type: TASK_TYPE, project: project.relativeDir, entryPoint, parameters: Object.fromEntries(values) };
  if (env.manager) definition.envManager = env.manager;
  if (experiment.id) definition.experimentId = experiment.id;
  else if (experiment.name) definition.experiment = experiment.name;
  if (runName) definition.runName = runName;
  if (editorOnly.length) definition.checkValueTypes = false;
  const ep = project.model.entryPoints.find((e) => e.name === entryPoint);
  await vscode.tasks.executeTask(projectTask(definition, project.folder, taskLabel(project.label, entryPoint), deps, ep?.command ?? undefined));
}
