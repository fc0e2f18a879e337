// The `mlflow` task type: one task per entry point of every MLproject in the workspace, and tasks.json
// entries of that type resolved to the same custom execution (a pseudoterminal running the project).
import * as vscode from 'vscode';
import { TASK_TYPE, taskLabel, type MlflowTaskDefinition } from '../core/taskDefinition';
import type { ProjectsDeps } from './deps';
import { discoverProjects } from './discovery';
import { ProjectPseudoterminal } from './pseudoterminal';
import { runRequestFor, scopeFolder } from './taskRequest';

/** A task running `definition` in `folder`, output in its own terminal panel. */
export function projectTask(definition: MlflowTaskDefinition, folder: vscode.WorkspaceFolder, label: string, deps: ProjectsDeps, detail?: string): vscode.Task {
  const execution = new vscode.CustomExecution(async (resolved) => {
    return new ProjectPseudoterminal(() => runRequestFor(resolved, folder, deps.sessions), {
      runCreated: (run) => {
        deps.log.info(`Project run ${run.info.run_id} started (${label}).`);
        void deps.refreshNow();
      },
      finished: (outcome) => {
        deps.log.info(`Project run ${outcome.runId ?? '(none)'} of ${label}: ${outcome.status}${outcome.error ? ` (${outcome.error.message})` : ''}`);
        void deps.refreshNow();
      },
    });
  });
  // An explicit empty matcher list: VS Code would otherwise ask which problem matcher to attach on every run.
  const task = new vscode.Task(definition, folder, label, 'mlflow', execution, []);
  task.detail = detail;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, focus: false };
  return task;
}

export class MlflowTaskProvider implements vscode.TaskProvider {
  constructor(private readonly deps: ProjectsDeps) {}

  async provideTasks(token: vscode.CancellationToken): Promise<vscode.Task[]> {
    const tasks: vscode.Task[] = [];
    for (const p of await discoverProjects(token)) {
      for (const ep of p.model.entryPoints) {
        const definition: MlflowTaskDefinition = { type: TASK_TYPE, project: p.relativeDir, entryPoint: ep.name };
        tasks.push(projectTask(definition, p.folder, taskLabel(p.label, ep.name), this.deps, ep.command ?? undefined));
      }
    }
    return tasks;
  }

  /** A tasks.json entry: same execution; its definition is checked when it runs (the terminal says why not). */
  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const folder = scopeFolder(task.scope);
    if (!folder || task.definition.type !== TASK_TYPE) return undefined;
    return projectTask(task.definition as MlflowTaskDefinition, folder, task.name, this.deps, task.detail);
  }
}
