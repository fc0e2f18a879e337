// MLflow Projects in the editor: the `mlflow` task type, "Run Entry Point…", and code lenses on MLproject files.
// Called once from activate(); everything it registers is returned for disposal.
import * as vscode from 'vscode';
import { TASK_TYPE } from './core/taskDefinition';
import { EntryPointCodeLenses } from './vscode/codeLens';
import { stopAllProjectRuns } from './vscode/pseudoterminal';
import type { ProjectsDeps } from './vscode/deps';
import { RUN_COMMAND, RUN_NOW_COMMAND, runEntryPoint, type RunTarget } from './vscode/runEntryPoint';
import { MlflowTaskProvider } from './vscode/taskProvider';

export type { ProjectsDeps } from './vscode/deps';

export function registerProjects(context: vscode.ExtensionContext, deps: ProjectsDeps): vscode.Disposable[] {
  const lenses = new EntryPointCodeLenses();
  // From a code lens: a RunTarget; from the editor title: the MLproject's URI; from the palette: nothing.
  const run = (prompt: boolean) => async (arg?: RunTarget | vscode.Uri) => {
    const target = arg instanceof vscode.Uri ? { uri: arg.toString() } : arg;
    try {
      await runEntryPoint(deps, context.workspaceState, target, prompt);
    } catch (e) {
      deps.log.error(`Run Entry Point: ${(e as Error).stack ?? String(e)}`);
      void vscode.window.showErrorMessage(`Run Entry Point failed: ${(e as Error).message}`);
    }
  };
  return [
    vscode.tasks.registerTaskProvider(TASK_TYPE, new MlflowTaskProvider(deps)),
    vscode.commands.registerCommand(RUN_COMMAND, run(true)),
    vscode.commands.registerCommand(RUN_NOW_COMMAND, run(false)),
    vscode.languages.registerCodeLensProvider({ language: 'mlproject', scheme: 'file' }, lenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    { dispose: stopAllProjectRuns },
  ];
}
