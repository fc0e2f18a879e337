// "MLflow: Remove Deleted Runs Permanently (gc)…": `mlflow gc` on a folder's store through its client (in process,
// or the owning window's server over our gc route), after a modal confirmation naming what will go.
import * as vscode from 'vscode';
import { toClientError } from '../client/clientError';
import type { GcResponse } from '../tracking/rest/types';
import { confirmModal, mutate, pickSession, type Workbench } from '../views/workbench';

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "3 runs, 1 experiment and 2 logged models" (only the non-zero ones). */
export function gcCounts(r: Pick<GcResponse, 'run_ids' | 'experiment_ids' | 'logged_model_ids'>): string {
  const parts = [
    r.run_ids.length ? plural(r.run_ids.length, 'run') : '',
    r.experiment_ids.length ? plural(r.experiment_ids.length, 'experiment') : '',
    r.logged_model_ids.length ? plural(r.logged_model_ids.length, 'logged model') : '',
  ].filter(Boolean);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0] ?? 'nothing';
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export function registerGcCommand(wb: Workbench): vscode.Disposable {
  return vscode.commands.registerCommand('mlflowWorkbench.gc', async (arg?: { session?: string }) => {
    const s = await pickSession(wb, arg?.session);
    if (!s) return;
    let preview: GcResponse;
    try {
      preview = await s.client.gc({ dry_run: true });
    } catch (err) {
      const e = toClientError(err);
      const why = e.code === 'ENDPOINT_NOT_FOUND' ? 'this tracking server has no gc (for an MLflow server, run `mlflow gc` on its machine)' : e.message;
      void vscode.window.showErrorMessage(`Removing deleted runs is not possible: ${why}`);
      return;
    }
    if (preview.run_ids.length + preview.experiment_ids.length + preview.logged_model_ids.length === 0) {
      void vscode.window.showInformationMessage(`Nothing to remove: ${s.name} has no deleted runs, experiments or logged models.`);
      return;
    }
    const what = gcCounts(preview);
    const confirmed = await confirmModal(
      `Permanently remove ${what} from ${s.name}?`,
      'Every deleted run, experiment and logged model goes for good, with its metric histories and artifacts, as mlflow gc does. This cannot be undone.',
      'Remove Permanently',
    );
    if (!confirmed) return;
    let result: GcResponse | undefined;
    // The ids confirmed, not whatever is deleted by now: nothing the user did not see goes.
    const ok = await mutate(wb, 'Removing deleted runs', async () => {
      result = await s.client.gc({ run_ids: preview.run_ids, experiment_ids: preview.experiment_ids, logged_model_ids: preview.logged_model_ids });
    });
    if (ok && result) {
      wb.log.info(`gc in ${s.name}: removed ${gcCounts(result)}; store ${mb(result.bytes_before)} → ${mb(result.bytes_after)}`);
      void vscode.window.showInformationMessage(`Removed ${gcCounts(result)}. The store went from ${mb(result.bytes_before)} to ${mb(result.bytes_after)}.`);
    }
  });
}
