// From an `mlflow` task definition (tasks.json or ours) to a run request: the project folder, the values as
// `-P` strings, and the tracking server of the task's workspace folder.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { trackingEndpoint } from '../../server/sessionState';
import type { Sessions } from '../../server/sessions';
import { DEFAULT_ENTRY_POINT } from '../core/project';
import { validateTaskDefinition } from '../core/taskDefinition';
import { inputToString } from '../core/values';
import type { RunRequest } from '../system/execution';
import type { TrackingEndpoint } from '../system/recorder';

export const UNTRUSTED_MESSAGE = 'Running MLflow project entry points is disabled in Restricted Mode: they run code from this workspace. Trust the workspace (Manage Workspace Trust) to run them.';

/** The folder's tracking server; waits a little while its session is still starting. */
async function endpointFor(sessions: Sessions, folder: vscode.WorkspaceFolder): Promise<TrackingEndpoint> {
  const deadline = Date.now() + 15_000;
  while (true) {
    const session = sessions.get(folder.uri.toString());
    const endpoint = session && trackingEndpoint(session.session.state);
    if (endpoint) return endpoint;
    const mode = session?.session.state.mode ?? 'missing';
    if (Date.now() > deadline || mode === 'error' || mode === 'stopped' || mode === 'missing') {
      throw new Error(`The MLflow tracking server of ${folder.name} is not available (${mode}); the run cannot be recorded. See MLflow: Show Tracking Server Log.`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The extension host's environment, minus ELECTRON_RUN_AS_NODE: it is set for the host itself and would turn any
 * Electron app the project starts into a plain Node.js.
 */
function childEnvironment(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

export function scopeFolder(scope: vscode.Task['scope']): vscode.WorkspaceFolder | undefined {
  if (scope && typeof scope === 'object') return scope;
  return vscode.workspace.workspaceFolders?.[0];
}

export async function runRequestFor(definition: vscode.TaskDefinition, folder: vscode.WorkspaceFolder | undefined, sessions: Sessions): Promise<RunRequest> {
  if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED_MESSAGE);
  const checked = validateTaskDefinition(definition);
  if (!checked.ok) throw new Error(`This mlflow task cannot run:\n${checked.errors.map((e) => `- ${e}`).join('\n')}`);
  if (!folder) throw new Error('An mlflow task needs a workspace folder.');
  const d = checked.definition;
  const project = d.project ?? '.';
  return {
    projectDir: isAbsolute(project) ? project : join(folder.uri.fsPath, project),
    entryPoint: d.entryPoint ?? DEFAULT_ENTRY_POINT,
    parameters: Object.entries(d.parameters ?? {}).map(([k, v]) => [k, inputToString(v)]),
    experiment: d.experimentId ? { id: d.experimentId } : d.experiment ? { name: d.experiment } : undefined,
    envManager: d.envManager,
    runName: d.runName,
    dockerArgs: d.dockerArgs ? Object.entries(d.dockerArgs) : undefined,
    tracking: await endpointFor(sessions, folder),
    env: childEnvironment(),
    checkValueTypes: d.checkValueTypes,
  };
}
